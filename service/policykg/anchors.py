"""Locate annotation quotes in their source text.

A quote matches the text after folding runs of white space on both sides (analysts write quotes on one line; the
texts break lines and double spaces). Offsets are always reported in the *original* text, as Unicode code points,
which is what a Web Annotation ``TextPositionSelector`` counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WS = re.compile(r"\s+")
CONTEXT = 32  # characters of prefix/suffix kept in a TextQuoteSelector


class QuoteError(ValueError):
    """A quote that cannot be anchored (absent, or ambiguous without an occurrence)."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


class FoldedText:
    """A text with white space folded, plus the map back to original offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        origin: list[int] = []
        for match in re.finditer(r"\s+|\S", text):
            chars.append(" " if match.group().isspace() else match.group())
            origin.append(match.start())
        self.folded = "".join(chars)
        self._origin = origin

    def find_all(self, quote: str) -> list[tuple[int, int]]:
        """Every (start, end) in the original text where ``quote`` occurs, white space folded."""
        needle = fold(quote)
        if not needle:
            return []
        spans = []
        pos = self.folded.find(needle)
        while pos != -1:
            last = pos + len(needle) - 1  # the needle is stripped: its last character is not folded space
            spans.append((self._origin[pos], self._origin[last] + 1))
            pos = self.folded.find(needle, pos + 1)
        return spans

    def anchor(self, quote: str, occurrence: int | None = None) -> Anchor:
        """Anchor ``quote``; ``occurrence`` (1-based) picks one of several matches."""
        spans = self.find_all(quote)
        if not spans:
            raise QuoteError(f"quote not found in the document: {shorten(quote)!r}")
        if occurrence is None:
            if len(spans) > 1:
                raise QuoteError(
                    f"quote occurs {len(spans)} times; add 'occurrence: N' to pick one: {shorten(quote)!r}"
                )
            occurrence = 1
        if not 1 <= occurrence <= len(spans):
            raise QuoteError(f"occurrence {occurrence} asked, but the quote occurs {len(spans)} time(s)")
        start, end = spans[occurrence - 1]
        return Anchor(
            start=start,
            end=end,
            exact=self.text[start:end],
            prefix=self.text[max(0, start - CONTEXT) : start],
            suffix=self.text[end : end + CONTEXT],
        )


def fold(text: str) -> str:
    return _WS.sub(" ", text).strip()


def shorten(text: str, width: int = 80) -> str:
    text = fold(text)
    return text if len(text) <= width else text[: width - 1] + "…"
