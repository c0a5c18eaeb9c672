"""What the routers share: settings, the store, the result cache and the HTTP caching helpers."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from starlette.responses import Response

from ..store import QueryResult, Store
from .cache import ResultCache
from .settings import Settings

T = TypeVar("T")

TEXT_TYPES = ("text/", "application/sparql-results", "application/n-triples", "application/ld+json", "application/rdf")


@dataclass
class Services:
    settings: Settings
    store: Store
    cache: ResultCache
    epoch: str = field(default_factory=lambda: secrets.token_hex(4))
    """Changes with every server start, so ETags of an earlier run (whose versions restart) never match."""
    derived: dict[str, tuple[int, Any]] = field(default_factory=dict)
    """What is computed from the whole dataset (search index, argument graph …), with the version it reflects."""

    async def per_version(self, name: str, make: Callable[[], Awaitable[T]]) -> T:
        """``make()``'s value, computed once per dataset version (recomputed after a write)."""
        version = self.store.version
        hit = self.derived.get(name)
        if hit is None or hit[0] != version:
            hit = (version, await make())
            self.derived[name] = hit
        return hit[1]

    @property
    def cache_control(self) -> str:
        age = self.settings.cache_max_age
        return f"public, max-age={age}" if age > 0 else "public, max-age=0, must-revalidate"

    shared_etags: bool = False
    """Several instances serve one store: ETags must not depend on this process (``hash`` of a str is salted)."""

    def etag(self, version: int, key: Hashable) -> str:
        if self.shared_etags:
            return f'W/"{self.epoch}-{version}-{hashlib.blake2b(repr(key).encode(), digest_size=6).hexdigest()}"'
        return f'W/"{self.epoch}-{version}-{hash(key) & 0xFFFFFFFFFFFF:x}"'

    def read_headers(self, etag: str) -> dict[str, str]:
        return {"ETag": etag, "Cache-Control": self.cache_control, "Vary": "Accept"}

    def answer(self, result: QueryResult, key: Hashable) -> Response:
        headers = self.read_headers(self.etag(result.version, key))
        if result.truncated:
            headers["X-Result-Truncated"] = "true"
            headers["X-Row-Cap"] = str(self.settings.row_cap)
        media = result.media_type
        if media.startswith(TEXT_TYPES) and not media.startswith("text/"):
            media += "; charset=utf-8"  # starlette adds the charset to text/* itself
        return Response(result.body, 200, headers, media)


async def read_through(
    request: Request,
    key: Hashable,
    compute: Callable[[], Awaitable[QueryResult]],
    extra_headers: dict[str, str] | None = None,
) -> Response:
    """Every read answer's path: 304 when the client's ETag is current, else the result cache, else ``compute()``
    (cached until the next write). The ETag derives from the dataset version and ``key``."""
    svc = services(request)
    version = svc.store.version
    etag = svc.etag(version, key)
    if not_modified(request, etag):
        if request.method != "GET":  # a query by POST (HEAD arrives as GET): RFC 9110 13.1.2 has no 304 for it
            return Response("Precondition failed: If-None-Match matches the current answer\n", 412)
        return Response(status_code=304, headers={**svc.read_headers(etag), **(extra_headers or {})})
    hit = svc.cache.get(key, version)
    if hit is None:
        hit = await compute()
        svc.cache.put(key, hit, svc.store.version)
    response = svc.answer(hit, key)
    response.headers.update(extra_headers or {})
    return response


def services(request: Request) -> Services:
    return request.app.state.policykg


def not_modified(request: Request, etag: str) -> bool:
    """True if the request's If-None-Match lists ``etag`` (weak comparison) or is ``*``."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    opaque = etag.removeprefix("W/")
    return any(tag.strip() == "*" or tag.strip().removeprefix("W/") == opaque for tag in header.split(","))
