"""Split a document's text into segments, each with the annotations that cover it, for highlighting."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

# When spans overlap, the segment links to the most specific annotation: the shortest span that covers it.


@dataclass
class Segment:
    text: str
    start: int
    annotations: list[dict[str, Any]] = field(default_factory=list)

    @property
    def primary(self) -> dict[str, Any] | None:
        return min(self.annotations, key=lambda a: a["end"] - a["start"]) if self.annotations else None


def segments(text: str, annotations: list[dict[str, Any]], end: int | None = None) -> list[Segment]:
    """``annotations``: dicts with ``start`` and ``end`` offsets (code points) into ``text``."""
    limit = len(text)
    cuts = {0, limit}
    for a in annotations:
        cuts.update((max(0, min(a["start"], limit)), max(0, min(a["end"], limit))))
    if end is not None:
        cuts.add(min(end, limit))
    bounds = sorted(cuts)
    out = []
    for lo, hi in pairwise(bounds):
        covering = [a for a in annotations if a["start"] <= lo and a["end"] >= hi]
        out.append(Segment(text[lo:hi], lo, covering))
    return out
