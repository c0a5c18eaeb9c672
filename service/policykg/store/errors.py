"""What can go wrong in the store layer, independent of HTTP (the API maps each to a status)."""

from __future__ import annotations

import re


class StoreError(Exception):
    """Base class; ``str(err)`` is a message fit to show the caller."""


class QuerySyntaxError(StoreError):
    """The query or update text does not parse (the message carries the parser's line and column)."""

    @classmethod
    def from_parser(cls, err: SyntaxError, text: str | None = None) -> QuerySyntaxError:
        return cls(readable(str(err), text))


_AT = re.compile(r"error at (\d+):(\d+)")


def readable(message: str, text: str | None = None) -> str:
    """pyoxigraph's message, except that an undeclared prefix is said in words (the parser lists the hundred
    characters it expected instead), named when ``text`` shows which prefix stands before the error's column."""
    if "Prefix not found" not in message:
        return message
    where = _AT.match(message)
    name = None
    if where and text:
        lines = text.splitlines()
        line, column = int(where.group(1)), int(where.group(2))
        if 0 < line <= len(lines):
            token = re.split(r"[\s{}()\[\],;]", lines[line - 1][:column].rstrip())[-1]
            if ":" in token:
                name = token.partition(":")[0]
    head = where.group(0) if where else "error"
    if name is None:
        return f"{head}: a prefixed name uses a prefix the text does not declare (PREFIX p: <…>)"
    return f"{head}: the prefix '{name}:' is not declared (declare it first: PREFIX {name}: <…>)"


class EvaluationError(StoreError):
    """The request parsed but failed while running (e.g. ``DROP GRAPH`` of a missing graph)."""


class QueryTimeout(StoreError):
    """The request ran past its time limit and was stopped."""


class Overloaded(StoreError):
    """Too many requests are waiting for a worker."""


class NotAcceptable(StoreError):
    """No media type the caller accepts fits the result's kind (solutions, boolean or graph)."""


class FederationRefused(StoreError):
    """``SERVICE`` or ``LOAD`` names an address not on the allow-list."""


class DatasetConflict(StoreError):
    """``using-graph-uri``/``using-named-graph-uri`` were given for an update that has ``USING`` or ``WITH``."""


class GraphNotFound(StoreError):
    """The named graph does not exist."""


class PayloadError(StoreError):
    """An uploaded RDF document is malformed or not allowed."""


class WorkerCrashed(StoreError):
    """The process running the request died (e.g. a parser ran out of stack on absurd nesting)."""


class RemoteUnavailable(StoreError):
    """A remote SPARQL store cannot be reached or failed (the message names its endpoint)."""


class RemoteTimeout(QueryTimeout):
    """A remote SPARQL store did not answer within the time limit."""


ERROR_KINDS: dict[str, type[StoreError]] = {
    cls.__name__: cls
    for cls in (
        QuerySyntaxError,
        EvaluationError,
        QueryTimeout,
        Overloaded,
        NotAcceptable,
        FederationRefused,
        DatasetConflict,
        GraphNotFound,
        PayloadError,
        WorkerCrashed,
        RemoteUnavailable,
        RemoteTimeout,
    )
}
