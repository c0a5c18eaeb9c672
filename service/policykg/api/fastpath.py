"""Raw ASGI fast paths for ``/sparql``, the hottest route.

:class:`SparqlCacheFastPath` answers a repeated ``GET /sparql?query=…`` from the result cache. It runs before
Starlette's middleware stack, routing and FastAPI's request machinery, and answers only when it can answer exactly as
``/sparql`` would (same cache key, same headers): a plain GET with one ``query``, no ``Origin`` (CORS headers are the
CORS middleware's business), no ``If-None-Match`` and a cached answer for the current dataset version. Anything else
— a miss, a conditional or cross-origin request, an error to report — goes the normal way.

:class:`SparqlDirect` is that normal way for ``GET`` and ``POST /sparql``: inside the CORS middleware, it calls the
route's own endpoint functions and the app's own exception handlers, without routing and FastAPI's request machinery
(about a third of a cache miss's time in the server, besides the query). The answer is the endpoint's.
"""

from __future__ import annotations

import functools
import inspect
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request

from ..store import Dataset
from . import sparql, urlencoded
from .negotiation import negotiate
from .services import Services

Scope = dict[str, Any]
ASGIApp = Any

_SKIP = frozenset({b"origin", b"if-none-match"})
_PARSED = "policykg.sparql_get"
_NOT_PLAIN = (None, None, None)


def plain_get(scope: Scope) -> tuple[str, Dataset, str | None] | None:
    """(query, dataset, ``format`` parameter) of a ``GET /sparql`` with exactly one ``query`` and no ``update``, as
    :func:`.sparql.sparql_get` reads its parameters; None for any other GET. Parsed once per request."""
    parsed = scope.get(_PARSED)
    if parsed is None:
        parsed = scope[_PARSED] = _parse(scope.get("query_string", b""))
    return None if parsed is _NOT_PLAIN else parsed


MEMO_MAX_BYTES = 8192
"""Query strings up to this size are parsed once and remembered (:func:`_parse_memo`'s 256 entries hold at most
4 MB of them, and as much again of their decoded text); longer ones are parsed on every request."""


def _parse(raw: bytes) -> tuple[Any, Any, Any]:
    return _parse_memo(raw) if len(raw) <= MEMO_MAX_BYTES else _parse_query_string(raw)


@functools.lru_cache(maxsize=256)
def _parse_memo(raw: bytes) -> tuple[Any, Any, Any]:
    """A repeated query (a dashboard's, a page's) is the usual case: decoding its ~200 escapes took 25 µs of a
    2 kB query string's every request, a tenth of a cache hit's time in the server. The value is immutable."""
    return _parse_query_string(raw)


def _parse_query_string(raw: bytes) -> tuple[Any, Any, Any]:
    query = format_param = None
    default_graphs: list[str] = []
    named_graphs: list[str] = []
    for key, value in urlencoded.parse(raw.decode("latin-1")):
        if key == "query":
            if query is not None:
                return _NOT_PLAIN
            query = value
        elif key == "format":
            format_param = value
        elif key == "default-graph-uri":
            default_graphs.append(value)
        elif key == "named-graph-uri":
            named_graphs.append(value)
        elif key == "update":
            return _NOT_PLAIN
    if query is None:
        return _NOT_PLAIN
    return query, Dataset(tuple(default_graphs), tuple(named_graphs)), format_param


class SparqlCacheFastPath:
    def __init__(self, app: ASGIApp, path: str = "/sparql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"] != self.path
            or not scope.get("query_string")
            or not await self._answer(scope, receive, send)
        ):
            await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Any, send: Any) -> bool:
        accept = host = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value.decode("latin-1") if accept is None else accept
            elif name == b"host":
                host = value.decode("latin-1") if host is None else host
            elif name in _SKIP:
                return False
        if host is None:
            return False
        plain = plain_get(scope)
        if plain is None:
            return False
        query, dataset, format_param = plain
        results_format, graph_format = negotiate(accept, format_param)
        if results_format is None and graph_format is None:
            return False
        svc: Services = scope["app"].state.policykg
        base = f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"
        key = (query, base, dataset, svc.settings.union_default_graph, results_format, graph_format, ())
        hit = svc.cache.peek(key, svc.store.version)
        if hit is None:
            return False
        await svc.answer(hit, key)(scope, receive, send)
        return True


class SparqlDirect:
    """``GET``/``POST /sparql`` straight to :func:`.sparql.sparql_get`/:func:`.sparql.sparql_post`; an exception
    they raise is answered by the handler the app registered for it, as Starlette's exception middleware would."""

    def __init__(self, app: ASGIApp, path: str = "/sparql") -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != self.path or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            if scope["method"] == "GET":
                plain = plain_get(scope)
                if plain is not None:
                    response = await sparql.answer_query(request, *plain)
                else:
                    response = await sparql.sparql_get(request)
            else:
                response = await sparql.sparql_post(request)
        except Exception as err:
            handler = _handler(scope["app"].exception_handlers, err)
            if handler is None:
                raise
            response = handler(request, err)
            if inspect.isawaitable(response):
                response = await response
            err.__traceback__ = None
        await response(scope, receive, send)


def _handler(handlers: dict[Any, Any], err: Exception) -> Any:
    """The handler Starlette's ExceptionMiddleware would pick: by status code for an HTTPException, else the first
    class of the exception's MRO that has one."""
    if isinstance(err, HTTPException) and err.status_code in handlers:
        return handlers[err.status_code]
    return next((handlers[cls] for cls in type(err).__mro__ if cls in handlers), None)
