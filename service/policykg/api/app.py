"""The FastAPI application: SPARQL protocol, Graph Store protocol and health check over a :class:`Store`.

Later parts of the service (``/api/...`` routers, HTML pages) are added with :func:`create_app`'s ``routers``
argument or ``app.include_router`` on the returned app; they reach the shared services via :func:`services`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..store import Store
from . import errors, gsp, health, sparql
from .cache import ResultCache
from .fastpath import SparqlCacheFastPath, SparqlDirect
from .head import HeadAsGet
from .services import Services
from .settings import Settings

EXPOSED_HEADERS = ["ETag", "Cache-Control", "X-Result-Truncated", "X-Row-Cap", "Retry-After"]


def create_app(settings: Settings, store: Store, routers: Iterable[APIRouter] = ()) -> FastAPI:
    """The app; it starts the store's workers on startup and stops them on shutdown."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await store.start()
        try:
            yield
        finally:
            await store.close()

    app = FastAPI(
        title="policykg",
        version=__version__,
        description="A knowledge graph of policy arguments: SPARQL 1.1 endpoint and Graph Store.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
    )
    app.state.policykg = Services(settings, store, ResultCache(settings.cache_entries, settings.cache_bytes))
    if store.etag_epoch:  # a store shared by several instances: one ETag space for all of them
        app.state.policykg.epoch = store.etag_epoch
        app.state.policykg.shared_etags = True
    errors.install(app)
    app.add_middleware(SparqlDirect)  # innermost: /sparql skips routing and FastAPI's request machinery
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match"],
        expose_headers=EXPOSED_HEADERS,
        max_age=600,
    )
    app.add_middleware(SparqlCacheFastPath)  # repeated queries skip CORS, routing and FastAPI
    app.add_middleware(HeadAsGet)  # before the fast paths, which answer GET: a HEAD is its GET without the body
    for router in (health.router, sparql.router, gsp.router, *routers):
        app.include_router(router)
    return app
