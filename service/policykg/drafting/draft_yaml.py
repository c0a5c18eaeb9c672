"""A draft as an ordinary annotation file (corpus/README.md), written with ruamel.yaml's round-trip dumper.

Round-trip because the file is meant to be edited: the drafter's reasons are YAML comments beside each candidate
(cue, guessed addressee, similar items elsewhere), and ``policykg review`` loads and saves the file with the same
round-trip loader, so those comments — and any the analyst adds — survive.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .drafter import Candidate, Draft

SECTIONS = ("actors", "proposals", "claims", "facts")
# Keys in the order corpus/README.md shows them; unknown keys follow in insertion order.
ORDER = [
    "id", "kind", "label", "nationality", "description", "value", "unit", "qualifier", "period", "year", "measures",
    "about", "quote", "occurrence", "action", "proposed_by", "asserted_by", "reported_by", "addressee", "cost",
    "anticipated", "supports", "attacks", "review",
]  # fmt: skip


def yaml_rt() -> YAML:
    """The round-trip dumper/loader every drafting module uses (same indentation as the curated files)."""
    yml = YAML(typ="rt")
    yml.indent(mapping=2, sequence=4, offset=2)
    yml.width = 4096  # quotes stay on one line
    yml.preserve_quotes = True
    return yml


def flow(items: list[str]) -> CommentedSeq:
    """``[a, b]`` on one line, as the curated files write id lists."""
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


DOCUMENT_ORDER = ["id", "file", "kind", "title", "authors", "publisher", "date", "article_end"]


def _ordered(fields: dict[str, Any], order: list[str] = ORDER) -> CommentedMap:
    out = CommentedMap()
    for key in sorted(fields, key=lambda k: order.index(k) if k in order else len(order)):
        value = fields[key]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = flow(value)
        elif isinstance(value, dict):
            value = _ordered(value)
        out[key] = value
    return out


def candidate_map(cand: Candidate) -> CommentedMap:
    item = _ordered({"id": cand.id, **cand.fields, "review": "candidate"})
    if cand.notes:
        item.yaml_add_eol_comment(" · ".join(cand.notes), "review")
    return item


def draft_document(draft: Draft, source: str = "") -> CommentedMap:
    """The whole annotation file as a round-trip map, comments included."""
    root = CommentedMap()
    doc = _ordered(draft.document, DOCUMENT_ORDER)
    root["document"] = doc
    if "article_end" in doc:
        doc.yaml_add_eol_comment("guessed: the last sentence before site furniture; check", "article_end")
    doc.yaml_add_eol_comment("check: the kind was given or defaulted, not read from the text", "kind")
    known = sorted(draft.known_actors.items(), key=lambda kv: (-kv[1], kv[0]))
    named = ", ".join(f"{a} ×{n}" for a, n in known[:25]) or "none"
    root.yaml_set_start_comment(
        f"Draft annotation of {draft.document.get('file', '')}, written by `policykg add-document` on "
        f"{date.today().isoformat()}{' from ' + source if source else ''}.\n"
        "Every item marked `review: candidate` is a suggestion the build skips (and reports) until an analyst\n"
        "accepts it: run `policykg review` on this file, or edit it by hand (format: corpus/README.md).\n"
        "The comment beside each candidate says why it was drafted; relations marked (guess) need checking.\n"
        f"Known actors named in the article: {named}."
    )
    sections: dict[str, CommentedSeq] = {name: CommentedSeq() for name in SECTIONS}
    for actor in draft.metadata_actors:
        item = _ordered(actor)
        item.yaml_add_eol_comment("named in the metadata you gave (accepted); check the kind", "label")
        sections["actors"].append(item)
    for cand in draft.candidates:
        sections[cand.section].append(candidate_map(cand))
    for name in SECTIONS:
        if sections[name]:
            root[name] = sections[name]
    return root


def dump(data: Any) -> str:
    buffer = io.StringIO()
    yaml_rt().dump(data, buffer)
    return buffer.getvalue()


def draft_yaml(draft: Draft, source: str = "") -> str:
    return dump(draft_document(draft, source))
