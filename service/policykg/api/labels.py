"""One label per resource in the REST answers: English first.

The corpus labels everything in English, but a write may add a label in another language (a French name for France),
or a second English one. A SPARQL query then answers one row per label, and the API would list a stance twice, once
per name of its holder, or name a resource by whichever label its store returned first. :func:`prefer_english` keeps,
among rows that differ only in a text column, those whose text is in the preferred language: English (``en``), an
English variant (``en-GB`` …), text with no language, then any other language. In a label column (the API's queries
name them ``label``, ``…Label`` or ``title``) it keeps exactly one row: of two labels in the same language, the first
in code-point order, so that every answer names a resource alike. Rows whose other texts differ in the same language
(two aliases, two quotes) are all kept.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

_STRING = {None, "http://www.w3.org/2001/XMLSchema#string"}

Binding = dict[str, dict[str, Any]]


def rank(term: dict[str, Any]) -> int | None:
    """0 for English text, 1 for a variant of English, 2 for text without a language, 3 for another language; None
    for anything that is not text."""
    if term.get("type") not in ("literal", "typed-literal"):
        return None
    lang = (term.get("xml:lang") or "").lower()
    if lang:
        return 0 if lang == "en" else 1 if lang.startswith("en-") else 3
    return 2 if term.get("datatype") in _STRING else None


def is_label(column: str) -> bool:
    return column in ("label", "title") or column.endswith("Label")


def prefer_english(bindings: list[Binding]) -> list[Binding]:
    """``bindings`` (SPARQL JSON solutions) without the rows that only repeat another row in a less preferred
    language, or with another label of the same resource, in their order."""
    found: dict[str, set[int]] = defaultdict(set)
    for b in bindings:
        for name, term in b.items():
            if term["type"] != "uri" and (r := rank(term)) is not None:
                found[name].add(r)
    kept = bindings
    names = sorted({name for b in bindings for name in b})
    # a column can repeat a row only if it holds texts of two ranks, or is a label (one pass to find them: answers
    # run to 10⁵ rows)
    for column in [n for n in names if len(found.get(n, ())) > 1 or (is_label(n) and n in found)]:
        kept = _one_per_key(kept, column, [n for n in names if n != column], is_label(column))
    return kept


def _one_per_key(rows: list[Binding], column: str, others: list[str], label: bool) -> list[Binding]:
    """Of the rows alike in ``others``, those with the preferred text in ``column`` (and, for a label, only one)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, b in enumerate(rows):
        groups[tuple((t["value"], t.get("xml:lang")) if (t := b.get(n)) else None for n in others)].append(i)
    keep = [True] * len(rows)
    for group in groups.values():
        if len(group) == 1:  # the usual case
            continue
        orders = [_order(rows[i].get(column), label) for i in group]
        ranked = [o for o in orders if o is not None]
        best = min(ranked) if ranked else None
        for i, o in zip(group, orders, strict=True):
            keep[i] = o is None or o == best
    return [b for b, k in zip(rows, keep, strict=True) if k]


def _order(term: dict[str, Any] | None, label: bool) -> tuple | None:
    r = rank(term) if term else None
    return None if r is None else (r, term["value"]) if label else (r,)  # type: ignore[index]
