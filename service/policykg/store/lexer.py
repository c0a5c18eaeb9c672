"""A small SPARQL tokenizer: enough to see the top-level structure (keywords outside braces, strings, IRIs
and comments) of a query or update without a full parse.

It is used to apply protocol parameters that pyoxigraph has no argument for (``using-graph-uri``) and to notice a
query's own ``FROM`` clause. It is never the gate for anything security-relevant: federation is checked on a parse
tree (see :mod:`.federation`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
              |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<semi>;)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:[\w.:%\\-]*)
  | (?P<word>[A-Za-z]\w*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
IRI_CHARS = re.compile(r"[^<>\"{}|^`\\\x00-\x20]*")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int
    depth: int
    """Brace depth outside the token (an opening brace and its closing brace have the same depth)."""

    def is_keyword(self, *words: str) -> bool:
        return self.kind == "word" and self.text.upper() in words


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens (white space and comments skipped)."""
    depth = 0
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        if kind == "close":
            depth = max(0, depth - 1)
        yield Token(kind, m.group(), m.start(), m.end(), depth)
        if kind == "open":
            depth += 1


FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
"""The keywords that begin a query's form."""


def has_from_clause(query: str) -> bool:
    """True if the query names its own dataset (``FROM`` / ``FROM NAMED``): that must win over a union default.

    A dataset clause stands at the top level before the WHERE clause (after a CONSTRUCT's template), so the scan
    stops there: tokenizing a whole query in Python took 0.4 ms, for a comment that says "from". It reads the
    matches itself rather than :func:`tokens`, which builds a :class:`Token` for each: 0.03 ms instead of 0.09 ms
    for a named query whose comments say "from" (it runs in the worker before every such query).
    """
    if "from" not in query.lower():
        return False
    depth = 0
    form = None
    for m in _TOKEN.finditer(query):
        kind = m.lastgroup
        if kind == "open":
            if depth == 0:
                if form != "CONSTRUCT":
                    return False  # the WHERE clause's group, written without the keyword
                form = "CONSTRUCT {"  # the template; the WHERE clause's group comes after it
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and depth == 0:
            word = m.group().upper()
            if word == "FROM":
                return True
            if word == "WHERE":
                return False
            if form is None and word in FORMS:
                form = word
    return False


def valid_iri(iri: str) -> bool:
    return bool(iri) and IRI_CHARS.fullmatch(iri) is not None


def form_index(toks: list[Token]) -> int | None:
    """The index of the query's form keyword (SELECT, CONSTRUCT, ASK or DESCRIBE) at the top level, if any."""
    return next((i for i, t in enumerate(toks) if t.depth == 0 and t.is_keyword(*FORMS)), None)
