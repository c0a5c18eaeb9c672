"""``/store``: the SPARQL 1.1 Graph Store HTTP Protocol (``?default`` or ``?graph=IRI``).

Uploads are streamed to a temporary file within their own size limit, then parsed in a worker before the store
applies them in one write.
"""

from __future__ import annotations

import contextlib

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..store import GraphName
from ..store import formats as f
from ..store.lexer import valid_iri
from .auth import require_writer
from .bodies import content_type, save_body
from .errors import HttpError
from .negotiation import negotiate_graph
from .services import read_through, services
from .sparql import endpoint_iri

router = APIRouter()


def target(request: Request) -> GraphName:
    params = request.query_params
    graphs = params.getlist("graph")
    if ("default" in params and graphs) or len(graphs) > 1:
        raise HttpError(400, "Bad request: name one graph: either ?default or a single ?graph=IRI")
    if graphs:
        if not valid_iri(graphs[0]) or ":" not in graphs[0]:
            raise HttpError(400, f"Bad request: the graph parameter is not an absolute IRI: {graphs[0]!r}")
        return graphs[0]
    if "default" in params:
        return None
    raise HttpError(400, "Bad request: name a graph with ?default or ?graph=IRI")


@router.get("/store")
async def get_graph(request: Request) -> Response:
    svc = services(request)
    graph = target(request)
    media = negotiate_graph(request.headers.get("accept"), request.query_params.get("format"))
    if media is None:
        raise HttpError(406, "Not acceptable: graphs can be sent as " + ", ".join(f.GRAPH_FORMATS))
    return await read_through(
        request, ("gsp", graph, media), lambda: svc.store.get_graph(graph, media, svc.settings.timeout)
    )


async def _upload(request: Request, replace: bool) -> Response:
    svc = services(request)
    require_writer(request, svc.settings.update_token)
    graph = target(request)
    media, _ = content_type(request)
    if f.upload_format(media) is None:
        raise HttpError(
            415, f"Unsupported media type {media or '(none)'!r}: send Turtle, N-Triples, RDF/XML, JSON-LD or N3"
        )
    payload = await save_body(request, svc.settings.max_upload_bytes)
    base = graph or endpoint_iri(request)
    try:
        if replace:
            created = await svc.store.put_graph(graph, payload, media, base)
        else:
            created = await svc.store.post_graph(graph, payload, media, base)
    finally:
        with contextlib.suppress(OSError):
            payload.unlink()
    svc.cache.clear()
    return Response(status_code=201 if created else 204)


@router.put("/store")
async def put_graph(request: Request) -> Response:
    return await _upload(request, replace=True)


@router.post("/store")
async def post_graph(request: Request) -> Response:
    return await _upload(request, replace=False)


@router.delete("/store")
async def delete_graph(request: Request) -> Response:
    svc = services(request)
    require_writer(request, svc.settings.update_token)
    await svc.store.delete_graph(target(request))
    svc.cache.clear()
    return Response(status_code=204)
