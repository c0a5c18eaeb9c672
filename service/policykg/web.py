"""The composition root: the whole web application (SPARQL and Graph Store, analyst API, Linked Data, pages)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from . import queries as named
from .api import analyst, linked
from .api.app import create_app
from .api.freshness import FreshVersion
from .api.settings import Settings
from .config import Paths
from .pages import routes as pages
from .store import Store


def make_app(
    settings: Settings,
    store: Store,
    paths: Paths | None = None,
    named_queries: dict[str, named.NamedQuery] | None = None,
) -> FastAPI:
    """Every part of the service over one store. Named queries are loaded (and checked) here, at start-up: a
    malformed header stops the service with the file and the line."""
    paths = paths or Paths()
    app = create_app(settings, store, routers=[analyst.router, linked.router, pages.router])
    app.add_middleware(FreshVersion, store=store)  # outermost: the version is current before any cache is read
    app.state.named_queries = named.load_queries(paths.queries) if named_queries is None else named_queries
    app.state.paths = paths
    app.state.built_at = built_at(paths)
    analyst.install(app)
    app.mount("/static", pages.static_files(), name="static")
    return app


def built_at(paths: Paths) -> datetime | None:
    trig = paths.build_dir / "policykg.trig"
    return datetime.fromtimestamp(trig.stat().st_mtime, UTC) if trig.is_file() else None
