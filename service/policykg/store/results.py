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
    """JSON and CSV: a row boundary is a fixed string (``marks``) outside quoted strings, which may hold the same
    bytes. Each chunk's complete strings are replaced by ``_`` (a regular expression, in C) and the marks counted in
    what is left; only in the chunk where row ``n`` begins are the strings walked one by one, to map the mark back to
    its offset. ``string`` matches a whole quoted string, ``rest`` the remainder of one begun in an earlier chunk.
    """

    def __init__(
        self,
        n: int,
        string: re.Pattern[bytes],
        rest: re.Pattern[bytes],
        marks: tuple[bytes, ...],
        shift: int,
        escapes: bool,
    ) -> None:
        self.n, self.string, self.rest, self.marks, self.shift, self.escapes = n, string, rest, marks, shift, escapes
        self.mark = re.compile(b"|".join(re.escape(m) for m in marks))
        self.keep = max(len(m) for m in marks) - 1
        self.seen = 0
        self.offset = 0
        """Bytes fed before the current chunk."""
        self.tail = b""
        """The end of the previous chunk's text outside strings, for a mark cut in two (empty after a string)."""
        self.in_string = False
        self.escaped = False
        """Inside a string, the chunk ended with a backslash that escapes the next chunk's first byte."""

    def _count(self, text: bytes) -> int:
        return sum(text.count(m) for m in self.marks)

    def feed(self, data: bytes) -> int | None:
        base = self.offset
        self.offset += len(data)
        pos = 0
        if self.in_string:
            head = b"\\" + data if self.escaped else data
            m = self.rest.match(head)
            if m is None:
                self._open(head)
                return None
            pos = m.end() - (1 if self.escaped else 0)
            self.in_string, self.tail = False, b""
        segment = data[pos:]
        stripped = self.string.sub(b"_", segment)
        opened = stripped.find(b'"')  # what is left of a quote begins a string that goes on in the next chunk
        outside = stripped if opened < 0 else stripped[:opened]
        text = self.tail + outside
        found = self._count(text) - self._count(self.tail)
        if self.seen + found >= self.n:
            return self._locate(text, base, pos, segment)
        self.seen += found
        if opened >= 0:
            self._open(data)
            self.tail = b""
        else:
            self.tail = text[-self.keep :]
        return None

    def _open(self, chunk: bytes) -> None:
        self.in_string = True
        trailing = len(chunk) - len(chunk.rstrip(b"\\")) if self.escapes else 0
        self.escaped = trailing % 2 == 1

    def _locate(self, text: bytes, base: int, pos: int, segment: bytes) -> int:
        """The offset where row ``n`` begins: its mark is the last one to count in ``text``."""
        marks = [m.start() for m in self.mark.finditer(text) if m.end() > len(self.tail)]
        at = marks[self.n - self.seen - 1] - len(self.tail)  # in the segment with strings stripped; < 0: in the tail
        if at < 0:
            return base + at + self.shift
        shrunk = 0  # what the strings before the mark lost to "_"
        for m in self.string.finditer(segment):
            if m.start() - shrunk >= at:
                break
            shrunk += m.end() - m.start() - 1
        return base + pos + at + shrunk + self.shift


class _JsonRows:
    """JSON: row ``k`` begins after the ``[`` or ``}`` of the ``k``-th ``[{"``/``},{"`` (a row object and the quote of
    its first variable's name). Inside a string a quote is escaped: a raw quote there is the string's closing one,
    and that is followed by ``,`` or ``}``. So unless the output holds ``{"`` followed by one of these (a string that
    ends with ``{``) or an empty object ``{}`` (an empty row), every ``[{"``/``},{"`` is a row's start, and counting
    them costs three passes of C over the bytes. At the first chunk with such a suspect, the bytes so far are handed
    to the slower :class:`_Quoted`, which skips strings.
    """

    SUSPECT = re.compile(rb'\{(?:"[,}:\]]|\})')
    MARK = re.compile(rb'\},\{"|\[\{"')

    def __init__(self, n: int) -> None:
        self.n, self.seen, self.offset, self.carry = n, 0, 0, b""
        self.fed: list[bytes] = []
        self.slow: _Quoted | None = None

    def feed(self, data: bytes) -> int | None:
        if self.slow is not None:
            return self.slow.feed(data)
        self.fed.append(data)
        buf = self.carry + data
        base = self.offset - len(self.carry)
        self.offset += len(data)
        end = len(buf) - 4  # a mark or suspect that starts before ``end`` ends in ``buf``; later ones wait a chunk
        if end <= 0:
            self.carry = buf
            return None
        if self.SUSPECT.search(buf, 0, end + 2):
            self.slow = _json_strings(self.n)
            return self.slow.feed(b"".join(self.fed))
        found = buf.count(b'},{"', 0, end + 3) + buf.count(b'[{"', 0, end + 2)
        if self.seen + found >= self.n:
            marks = self.MARK.finditer(buf, 0, end + 3)
            for _ in range(self.n - self.seen - 1):
                next(marks)
            return base + next(marks).start() + 1
        self.seen += found
        self.carry = buf[end:]
        return None


_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_REST = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_CSV_STRING = re.compile(rb'"[^"]*"')
_CSV_REST = re.compile(rb'[^"]*"')


def _json_strings(n: int) -> _Quoted:
    return _Quoted(n, _JSON_STRING, _JSON_REST, (b"[{", b"},{"), 1, escapes=True)


def _scanner(media_type: str, n: int) -> _Lines | _XmlRows | _Quoted | _JsonRows:
    """Finds where row ``n`` begins: after ``[`` or ``}`` of ``[{``/``},{`` in JSON (row separators; a row is an
    object), at ``<result>`` in XML, after the ``n``-th line end in TSV and CSV (whose header is a line)."""
    if media_type == f.JSON:
        return _JsonRows(n)
    if media_type == f.CSV:
        return _Quoted(n, _CSV_STRING, _CSV_REST, (b"\r\n",), 2, escapes=False)
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
