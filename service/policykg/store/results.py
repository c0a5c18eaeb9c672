"""Serialise query results with a row cap, in the worker that ran the query.

pyoxigraph's serialisers take a whole result iterator, so a capped SELECT result is taken row by row and written as
TSV in N-Triples term syntax (lossless: every term in full), which pyoxigraph reads back and writes in the requested
format; the bytes equal its direct output (checked for JSON, XML, CSV and TSV), at a few microseconds a row.
"""

from __future__ import annotations

from itertools import islice

import pyoxigraph as ox

from .errors import NotAcceptable
from .formats import GRAPH_FORMATS, RESULT_FORMATS

Kind = str


def _capped(items: ox.QuerySolutions | ox.QueryTriples, cap: int | None) -> tuple[list, bool]:
    if cap is None:
        return list(items), False
    rows = list(islice(items, cap + 1))
    return rows[:cap], len(rows) > cap


def solutions(result: ox.QuerySolutions, media_type: str, cap: int | None) -> tuple[bytes, bool]:
    fmt = RESULT_FORMATS[media_type]
    names = [v.value for v in result.variables]
    rows, truncated = _capped(result, cap)
    lines = ["\t".join(f"?{n}" for n in names)]
    lines.extend("\t".join("" if term is None else str(term) for term in row) for row in rows)
    tsv = "\n".join(lines) + "\n"
    body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)
    assert body is not None
    return body, truncated


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
