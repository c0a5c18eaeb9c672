"""Split a document into paragraphs, sentences and clauses, keeping character offsets into the original text.

Quotes must be copied verbatim from the text (the build anchors them), so every unit here is a (start, end) span of the
original string, never a cleaned-up copy. Sentence boundaries come from pysbd (rule-based, offline); paragraphs,
headings, footnotes and site furniture are recognised by line shape first, because pysbd would glue a heading without
final punctuation to the next sentence.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

from ..anchors import fold

# A paragraph line that starts like a footnote: superscript digits, or "[12]" / "12." followed by a source.
_FOOTNOTE = re.compile(r"^\s*(?:[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\[\d+\])\s")
# Lines that end an article on news and blog sites (everything after them is furniture).
_FURNITURE = re.compile(
    r"^\s*\|?\s*(?:Related (?:Links|Experts|Articles|Stories|Content|Topics)\b|Read or Share this story"
    r"|Subscribe (?:Free|to|now)\b|Sign up for\b|Share this (?:article|story)\b|Follow us\b|Advertisement\s*$"
    r"|More (?:from|on) this\b|Recommended for you\b|Copyright\b|©)",
    re.IGNORECASE,
)
# Wire-service slugs closing an agency dispatch: "bur-fz-fff-sjw/adp/gw".
_AGENCY_SLUG = re.compile(r"^\s*[a-z]{2,6}(?:-[a-z]{1,6})*(?:/[a-z]{1,6})+\s*$")
# Two sentences glued without a space by a bad text extraction: "capabilities.The United States".
_GLUED = re.compile(r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
_ENDS_SENTENCE = re.compile(r"""[.!?:;…]["'”’)\]*_]*\s*$""")


@dataclass(frozen=True)
class Span:
    """A stretch of the original text: ``text[start:end]``."""

    start: int
    end: int
    text: str

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def folded(self) -> str:
        return fold(self.text)


@dataclass(frozen=True)
class Sentence(Span):
    paragraph: int = 0
    kind: str = "body"  # body | heading | footnote | furniture


@dataclass(frozen=True)
class Layout:
    """The sentences of a document and where its article proper ends (site furniture after it)."""

    text: str
    sentences: list[Sentence]
    article_end: int  # offset; nothing at or after it is annotated

    def body(self) -> list[Sentence]:
        return [s for s in self.sentences if s.kind == "body" and s.end <= self.article_end]

    def around(self, start: int, end: int, width: int = 1) -> tuple[list[Sentence], list[Sentence], list[Sentence]]:
        """Sentences before, overlapping and after a span (``width`` on each side): the context shown in review."""
        hits = [i for i, s in enumerate(self.sentences) if s.start < end and s.end > start]
        if not hits:
            return [], [], []
        first, last = hits[0], hits[-1]
        return (
            self.sentences[max(0, first - width) : first],
            self.sentences[first : last + 1],
            self.sentences[last + 1 : last + 1 + width],
        )


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph. A single line break ends a paragraph when the line before it ends a sentence
    or looks like a heading; otherwise it is a wrapped line and the paragraph goes on."""
    spans: list[tuple[int, int]] = []
    lines, at = [], 0
    for line in text.split("\n"):
        lines.append((at, at + len(line)))
        at += len(line) + 1
    current: tuple[int, int] | None = None
    for start, end in lines:
        s, e = _trimmed(text, start, end)
        if s == e:  # blank line
            if current:
                spans.append(current)
            current = None
            continue
        if current is None:
            current = (s, e)
            continue
        previous = text[current[0] : current[1]]
        last_line = previous.rsplit("\n", 1)[-1]
        if _ENDS_SENTENCE.search(last_line) or len(last_line) < 60 or _FOOTNOTE.match(text[s:e]):
            spans.append(current)
            current = (s, e)
        else:
            current = (current[0], e)
    if current:
        spans.append(current)
    return spans


def _paragraph_kind(chunk: str) -> str:
    if _FURNITURE.match(chunk) or _AGENCY_SLUG.match(chunk):
        return "furniture"
    if _FOOTNOTE.match(chunk):
        return "footnote"
    words = chunk.split()
    if not _ENDS_SENTENCE.search(chunk) and len(words) <= 14:
        return "heading"
    return "body"


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (pysbd, then glued sentences pulled apart)."""
    chunk = text[start:end]
    spans: list[tuple[int, int]] = []
    cursor = 0
    for piece in _segmenter().segment(chunk):
        stripped = piece.strip()
        if not stripped:
            continue
        at = chunk.find(stripped, cursor)
        if at < 0:  # pysbd changed the text (it should not with clean=False): fall back to the cursor
            at = cursor
        cursor = at + len(stripped)
        pieces = [at, *(at + m.start() for m in _GLUED.finditer(stripped)), cursor]
        for a, b in itertools.pairwise(pieces):
            s, e = _trimmed(chunk, a, b)
            if s < e:
                spans.append((start + s, start + e))
    # An enumerator alone ("1.") belongs to the sentence it numbers.
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and re.fullmatch(r"\(?\d{1,2}[.)]|[a-z][.)]|[•\-–]", text[merged[-1][0] : merged[-1][1]].strip()):
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def layout(text: str, authors: list[str] | None = None) -> Layout:
    """Segment a document. The article ends before the first furniture line; a closing author bio (a last paragraph
    that starts with an author's name) is kept inside the article but marked so no proposition is drafted from it."""
    sentences: list[Sentence] = []
    article_end = len(text)
    ended = False
    paras = paragraphs(text)
    for number, (p_start, p_end) in enumerate(paras):
        chunk = text[p_start:p_end]
        kind = "furniture" if ended else _paragraph_kind(chunk)
        if kind == "furniture" and not ended:
            ended = True
            article_end = sentences[-1].end if sentences else p_start
        if kind in ("heading", "furniture"):
            sentences.append(Sentence(p_start, p_end, chunk, number, kind))
            continue
        late = number >= len(paras) - 3
        if kind == "body" and authors and late and any(chunk.startswith(name) for name in authors if name):
            kind = "bio"
        for s, e in split_sentences(text, p_start, p_end):
            sentences.append(Sentence(s, e, text[s:e], number, kind))
    return Layout(text, sentences, article_end)


# -- clauses -----------------------------------------------------------------------------------------------------

# Where a sentence turns: "X, but Y", "X; however, Y", "X, however, Y". The concession comes before the turn.
_TURN = re.compile(r"(?:,|;|:|\s[—–])\s+(?:but|yet|however,?|though,?|whereas)\s+", re.IGNORECASE)
# A concession that opens the sentence: "Though X, Y", "Despite X, Y", "While X, Y".
_OPENING_CONCESSION = re.compile(
    r"^(?:[A-Z][a-z]+,\s+)?(?:though|although|even though|despite|while|whilst|notwithstanding)\b", re.IGNORECASE
)


# The part after a turn must be a clause of its own, not a fragment ("…, but in tandem with …").
_FINITE = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|will|would|can|could|should|must|may|might|do|does|did|needs?)\b"
    r"|\b\w{3,}ed\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Clause(Span):
    role: str = "whole"  # whole | concession | main
    turn: str = ""  # the word the sentence turns on ("but", "however", "despite" …), lower case


_LEADING = re.compile(r"^(?:and|but|yet|so|or|however|though|although|nevertheless)\b[,]?\s*", re.IGNORECASE)


def _clean(text: str, start: int, end: int, strip_end: bool) -> tuple[int, int]:
    """Trim white space, a leading connective and (for a part of a sentence) trailing commas."""
    s, e = _trimmed(text, start, end)
    m = _LEADING.match(text[s:e])
    if m and m.end() < e - s:
        s += m.end()
    if strip_end:
        while e > s and text[e - 1] in ",;:—– ":
            e -= 1
    return s, e


def clauses(text: str, sentence: Span) -> list[Clause]:
    """Split a sentence where it turns (concession / main part); a sentence without a turn is one clause."""
    s0, e0 = sentence.start, sentence.end
    body = text[s0:e0]
    turn = _TURN.search(body)
    if turn and turn.start() > 15 and len(body) - turn.end() > 15 and _FINITE.search(body[turn.end() :]):
        a = _clean(text, s0, s0 + turn.start(), strip_end=True)
        b = _clean(text, s0 + turn.end(), e0, strip_end=False)
        word = turn.group().strip(" ,;:—–").lower()
        if a[1] > a[0] and b[1] > b[0]:
            return [Clause(*a, text[a[0] : a[1]], "concession", word), Clause(*b, text[b[0] : b[1]], "main", word)]
    if opening := _OPENING_CONCESSION.match(body):
        comma = body.find(", ", 10)
        word = opening.group().split()[-1].lower()
        if 0 < comma < len(body) - 15:
            a = _clean(text, s0, s0 + comma, strip_end=True)
            b = _clean(text, s0 + comma + 2, e0, strip_end=False)
            return [Clause(*a, text[a[0] : a[1]], "concession", word), Clause(*b, text[b[0] : b[1]], "main", word)]
    s, e = _trimmed(text, s0, e0)
    return [Clause(s, e, text[s:e], "whole")]
