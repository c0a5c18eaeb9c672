"""What can go wrong in the store layer, independent of HTTP (the API maps each to a status)."""

from __future__ import annotations


class StoreError(Exception):
    """Base class; ``str(err)`` is a message fit to show the caller."""


class QuerySyntaxError(StoreError):
    """The query or update text does not parse (the message carries the parser's line and column)."""


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
