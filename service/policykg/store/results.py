"""Serialise query results with a row cap, in the worker that ran the query.

pyoxigraph writes a SELECT result straight into the requested format, in chunks of about 8 KiB as it goes through
the rows, into :class:`_CappedOutput`. While the bytes so far are too short to hold more rows than the cap (every
format spends at least a byte or two per row), nothing is looked at: a small result costs what pyoxigraph's own
serialiser costs. Past that, the output finds where each row begins (row boundaries are unambiguous outside quoted
strings in each format); at the first byte of the row after the cap it stops the serialiser, and the bytes before
that row plus the format's closing bytes are the answer: what pyoxigraph writes for the first ``cap`` rows.
"""

from __future__ import annotations

import re
from itertools import islice

import pyoxigraph as ox

from . import formats as f
from .errors import NotAcceptable
from .formats import GRAPH_FORMATS, RESULT_FORMATS

Kind = str


def _capped(items: ox.QueryTriples, cap: int | None) -> tuple[list, bool]:
    if cap is None:
        return list(items), False
    rows = list(islice(items, cap + 1))
    return rows[:cap], len(rows) > cap


class _Full(Exception):
    """Raised into pyoxigraph's serialiser to stop it: the row after the cap has begun."""


class _Lines:
    """TSV: each line ends with a newline (terms escape theirs); line 1 is the header, so row ``k`` begins after the
    ``k``-th newline."""

    def __init__(self, n: int) -> None:
        self.n, self.seen, self.offset = n, 0, 0

    def feed(self, data: bytes) -> int | None:
        count = data.count(b"\n")
        if self.seen + count < self.n:
            self.seen += count
            self.offset += len(data)
            return None
        at = -1
        for _ in range(self.n - self.seen):
            at = data.index(b"\n", at + 1)
        return self.offset + at + 1


class _XmlRows:
    """XML: row ``k`` begins at the ``k``-th ``<result>`` (text escapes ``<``; IRIs and names cannot hold one)."""

    MARK = b"<result>"

    def __init__(self, n: int) -> None:
        self.n, self.seen, self.offset, self.carry = n, 0, 0, b""

    def feed(self, data: bytes) -> int | None:
        buf = self.carry + data
        base = self.offset - len(self.carry)
        self.offset += len(data)
        count = buf.count(self.MARK)
        if self.seen + count < self.n:
            self.seen += count
            self.carry = buf[-(len(self.MARK) - 1) :]  # too short to hold a whole mark: none is counted twice
            return None
        at = -1
        for _ in range(self.n - self.seen):
            at = buf.index(self.MARK, at + 1)
        return base + at


class _Quoted:
    """JSON and CSV: a row boundary is a fixed string outside quoted strings, which may hold the same bytes.

    ``token`` matches a whole quoted string, a boundary (group 1) or, last, a lone opening quote (a string that
    goes on in the next chunk); ``rest`` matches the remainder of a string that began in an earlier chunk.
    """

    def __init__(self, n: int, token: re.Pattern[bytes], rest: re.Pattern[bytes], shift: int, escapes: bool) -> None:
        self.n, self.token, self.rest, self.shift, self.escapes = n, token, rest, shift, escapes
        self.seen, self.offset, self.carry, self.in_string = 0, 0, b"", False

    def _open(self, remainder: bytes) -> None:
        """Inside a string at the end of the chunk: carry a backslash that escapes the next chunk's first byte."""
        self.in_string = True
        trailing = len(remainder) - len(remainder.rstrip(b"\\")) if self.escapes else 0
        self.carry = b"\\" if trailing % 2 else b""

    def feed(self, data: bytes) -> int | None:
        buf = self.carry + data
        base = self.offset - len(self.carry)
        self.offset += len(data)
        pos = 0
        if self.in_string:
            m = self.rest.match(buf)
            if m is None:
                self._open(buf)
                return None
            pos, self.in_string = m.end(), False
        last = pos
        for m in self.token.finditer(buf, pos):
            if m.lastindex:
                self.seen += 1
                if self.seen == self.n:
                    return base + m.start(1) + self.shift
            elif m.end() - m.start() == 1:  # a lone quote: a string that goes on in the next chunk
                self._open(buf[m.end() :])
                return None
            last = m.end()
        self.carry = buf[max(last, len(buf) - 2) :]  # a boundary may be cut between two chunks
        return None


_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|(\[\{|\},\{)|"', re.DOTALL)
_JSON_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_CSV_TOKEN = re.compile(rb'"[^"]*"|(\r\n)|"')
_CSV_REST = re.compile(rb'[^"]*"')


def _scanner(media_type: str, n: int) -> _Lines | _XmlRows | _Quoted:
    """Finds where row ``n`` begins: after ``[`` or ``}`` of ``[{``/``},{`` in JSON (row separators; a row is an
    object), at ``<result>`` in XML, after the ``n``-th line end in TSV and CSV (whose header is a line)."""
    if media_type == f.JSON:
        return _Quoted(n, _JSON_TOKEN, _JSON_REST, 1, escapes=True)
    if media_type == f.CSV:
        return _Quoted(n, _CSV_TOKEN, _CSV_REST, 2, escapes=False)
    if media_type == f.XML:
        return _XmlRows(n)
    return _Lines(n)


CLOSING = {f.JSON: b"]}}", f.XML: b"</results></sparql>", f.CSV: b"", f.TSV: b""}
"""What pyoxigraph writes after the last row."""
MIN_ROW_BYTES = {f.JSON: 2, f.XML: len(b"<result></result>"), f.CSV: 2, f.TSV: 1}
"""The fewest bytes a row takes (``{}``, an empty ``<result>``, an empty line): below ``(cap + 1)`` times this, a
result cannot hold more than ``cap`` rows."""


class _CappedOutput:
    """The binary file pyoxigraph serialises a result into; see the module's doc."""

    def __init__(self, media_type: str, cap: int) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.cut: int | None = None
        """Where row ``cap`` + 1 begins, once found."""
        self.full = False
        self._scanner = _scanner(media_type, cap + 1)
        self._threshold = (cap + 1) * MIN_ROW_BYTES[media_type]
        self._scanning = False

    def write(self, data: bytes) -> int:
        self.chunks.append(data)
        self.size += len(data)
        if self.cut is None:
            if self._scanning:
                self.cut = self._scanner.feed(data)
            elif self.size >= self._threshold:
                self._scanning = True
                self.cut = self._scanner.feed(b"".join(self.chunks))
        if self.cut is not None and self.size > self.cut:
            self.full = True
            raise _Full
        return len(data)

    def flush(self) -> None:
        pass


def solutions(result: ox.QuerySolutions, media_type: str, cap: int | None) -> tuple[bytes, bool]:
    fmt = RESULT_FORMATS[media_type]
    if cap is None:
        body = result.serialize(format=fmt)
        assert body is not None
        return body, False
    out = _CappedOutput(media_type, cap)
    try:
        result.serialize(out, format=fmt)
    except Exception:
        if not out.full:
            raise
    body = b"".join(out.chunks)
    if out.full:
        assert out.cut is not None
        return body[: out.cut] + CLOSING[media_type], True
    return body, False


def triples(
    result: ox.QueryTriples, media_type: str, cap: int | None, prefixes: dict[str, str] | None
) -> tuple[bytes, bool]:
    fmt = GRAPH_FORMATS[media_type]
    rows, truncated = _capped(result, cap)
    body = ox.serialize(rows, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
    assert body is not None
    return body, truncated


def serialize(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
    results_format: str | None,
    graph_format: str | None,
    cap: int | None,
    prefixes: dict[str, str] | None = None,
) -> tuple[bytes, str, Kind, bool]:
    """(body, media type, kind, truncated) for a pyoxigraph query result."""
    if isinstance(result, ox.QueryTriples):
        if graph_format is None:
            raise NotAcceptable("CONSTRUCT/DESCRIBE results: none of the accepted media types is an RDF syntax")
        body, truncated = triples(result, graph_format, cap, prefixes)
        return body, graph_format, "graph", truncated
    if results_format is None:
        raise NotAcceptable("SELECT/ASK results: none of the accepted media types is a SPARQL results format")
    if isinstance(result, ox.QueryBoolean):
        body = result.serialize(format=RESULT_FORMATS[results_format])
        assert body is not None
        return body, results_format, "boolean", False
    body, truncated = solutions(result, results_format, cap)
    return body, results_format, "solutions", truncated
