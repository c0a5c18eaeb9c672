"""A raw ASGI fast path for the hottest request: a repeated ``GET /sparql?query=…`` answered from the result cache.

It runs before Starlette's middleware stack, routing and FastAPI's request machinery, and answers only when it can
answer exactly as ``/sparql`` would (same cache key, same headers): a plain GET with one ``query``, no ``Origin``
(CORS headers are the CORS middleware's business), no ``If-None-Match`` and a cached answer for the current dataset
version. Anything else — a miss, a conditional or cross-origin request, an error to report — goes the normal way.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from ..store import Dataset
from .negotiation import negotiate
from .services import Services

Scope = dict[str, Any]
ASGIApp = Any

_SKIP = frozenset({b"origin", b"if-none-match"})


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
        query = format_param = None
        default_graphs: list[str] = []
        named_graphs: list[str] = []
        for key, value in parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True):
            if key == "query":
                if query is not None:
                    return False
                query = value
            elif key == "format":
                format_param = value
            elif key == "default-graph-uri":
                default_graphs.append(value)
            elif key == "named-graph-uri":
                named_graphs.append(value)
            elif key == "update":
                return False
        if query is None:
            return False
        results_format, graph_format = negotiate(accept, format_param)
        if results_format is None and graph_format is None:
            return False
        svc: Services = scope["app"].state.policykg
        base = f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"
        dataset = Dataset(tuple(default_graphs), tuple(named_graphs))
        key = (query, base, dataset, svc.settings.union_default_graph, results_format, graph_format, ())
        hit = svc.cache.peek(key, svc.store.version)
        if hit is None:
            return False
        await svc.answer(hit, key)(scope, receive, send)
        return True
