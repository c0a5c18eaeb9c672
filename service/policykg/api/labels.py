"""One label per resource in the REST answers: English first.

The corpus labels everything in English, but a write may add a label in another language (a French name for France).
A SPARQL query then answers one row per label, and the API would list a stance twice, once per name of its holder,
or name a resource by whichever label its store returned first. :func:`prefer_english` keeps, among rows that differ
only in a text column, those whose text is in the preferred language: English (``en``, ``en-GB`` …), then text with
no language, then any other. Rows whose texts differ in the same language (two aliases, two quotes) are all kept.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

_STRING = {None, "http://www.w3.org/2001/XMLSchema#string"}

Binding = dict[str, dict[str, Any]]


def rank(term: dict[str, Any]) -> int | None:
    """0 for English text, 1 for text without a language, 2 for another language; None for anything else."""
    if term.get("type") not in ("literal", "typed-literal"):
        return None
    lang = term.get("xml:lang")
    if lang:
        return 0 if lang.lower() == "en" or lang.lower().startswith("en-") else 2
    return 1 if term.get("datatype") in _STRING else None


def prefer_english(bindings: list[Binding]) -> list[Binding]:
    """``bindings`` (SPARQL JSON solutions) without the rows that only repeat another row in a less preferred
    language, in their order."""
    ranks: dict[str, set[int]] = defaultdict(set)
    for b in bindings:
        for name, term in b.items():
            if term["type"] != "uri" and (r := rank(term)) is not None:
                ranks[name].add(r)
    kept = bindings
    # only a column holding texts of two ranks can repeat a row (one pass to find them: answers run to 10⁵ rows)
    for column in sorted(name for name, found in ranks.items() if len(found) > 1):
        best: dict[tuple, int] = defaultdict(lambda: 3)
        keys = []
        for b in kept:
            key = tuple(sorted((k, v["value"], v.get("xml:lang")) for k, v in b.items() if k != column))
            r = rank(b[column]) if column in b else None
            keys.append((key, r))
            if r is not None:
                best[key] = min(best[key], r)
        kept = [b for b, (key, r) in zip(kept, keys, strict=True) if r is None or r == best[key]]
    return kept
