"""``GET /healthz``: answers once the store is loaded and its workers run."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from .services import services

router = APIRouter()


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    svc = services(request)
    cache = svc.cache
    body = {
        "status": "ok",
        **svc.store.status(),
        "cache": {"entries": len(cache), "hits": cache.stats.hits, "misses": cache.stats.misses},
    }
    return JSONResponse(body, headers={"Cache-Control": "no-store"})
