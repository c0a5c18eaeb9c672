"""``/sparql``: the SPARQL 1.1 Protocol — queries by GET, form POST and direct POST; updates by POST.

The hot path (a repeated query) is: negotiate (memoised), build the cache key, answer 304 or from the cache.
Only a miss goes to the store, whose answer is cached for the dataset version it reflects.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import MultiDict, QueryParams
from starlette.responses import Response

from ..store import Dataset, QueryRequest, UpdateRequest
from ..store import formats as f
from . import service_description, urlencoded
from .auth import require_writer
from .bodies import content_type, decode, read_body, require_utf8
from .errors import HttpError
from .negotiation import negotiate
from .services import Services, read_through, services

router = APIRouter()

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


def endpoint_iri(request: Request) -> str:
    """This endpoint's own IRI: the base for relative IRIs in queries and updates (built from the ASGI scope:
    ``request.url`` costs a URL parse per request)."""
    scope = request.scope
    host = request.headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", None)
        host = server[0] if server[1] is None else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{scope['path']}"


def _dataset(params: MultiDict | QueryParams) -> Dataset:
    return Dataset(tuple(params.getlist("default-graph-uri")), tuple(params.getlist("named-graph-uri")))


def _check_size(text: str, svc: Services, what: str) -> None:
    limit = svc.settings.max_query_bytes
    if len(text) > limit or (len(text) * 4 > limit and len(text.encode("utf-8")) > limit):
        raise HttpError(413, f"Payload too large: {what} may be at most {limit} bytes")


def _single(values: list[str], name: str) -> str:
    if len(values) != 1:
        raise HttpError(400, f"Bad request: give exactly one '{name}' parameter (got {len(values)})")
    return values[0]


async def answer_query(
    request: Request,
    text: str,
    dataset: Dataset,
    format_param: str | None,
    substitutions: tuple[tuple[str, Any], ...] = (),
) -> Response:
    """Answer a query with content negotiation, ETag/304, the result cache, the row cap and the time limit.
    ``substitutions`` bind variables of the parsed query (named queries' parameters), never the text."""
    svc = services(request)
    _check_size(text, svc, "a query")
    results_format, graph_format = negotiate(request.headers.get("accept"), format_param)
    if results_format is None and graph_format is None:
        raise HttpError(
            406,
            f"Not acceptable: SELECT and ASK results can be sent as {', '.join(f.RESULT_FORMATS)}; "
            f"CONSTRUCT and DESCRIBE results as {', '.join(f.GRAPH_FORMATS)}",
        )
    union = svc.settings.union_default_graph
    base = endpoint_iri(request)
    key = (text, base, dataset, union, results_format, graph_format, tuple((n, str(t)) for n, t in substitutions))
    request_ = QueryRequest(
        text,
        base_iri=base,
        dataset=dataset,
        union_default=union,
        results_format=results_format,
        graph_format=graph_format,
        row_cap=svc.settings.row_cap,
        timeout=svc.settings.timeout,
        substitutions=substitutions,
    )
    return await read_through(request, key, lambda: svc.store.query(request_))


async def run_update(request: Request, text: str, params: MultiDict | QueryParams) -> Response:
    svc = services(request)
    _check_size(text, svc, "an update")
    await svc.store.update(
        UpdateRequest(
            text,
            base_iri=endpoint_iri(request),
            using_graphs=tuple(params.getlist("using-graph-uri")),
            using_named_graphs=tuple(params.getlist("using-named-graph-uri")),
            timeout=svc.settings.timeout,
        )
    )
    svc.cache.clear()
    return Response(status_code=204)


def describe(request: Request) -> Response:
    svc = services(request)
    media = negotiate(request.headers.get("accept"), request.query_params.get("format"))[1] or f.TURTLE
    body = service_description.render(endpoint_iri(request), svc.settings, media)
    return Response(body, 200, {"Cache-Control": svc.cache_control, "Vary": "Accept"}, media)


@router.get("/sparql")
async def sparql_get(request: Request) -> Response:
    params = request.query_params
    if "update" in params:
        raise HttpError(400, "Bad request: updates must be sent with POST")
    queries = params.getlist("query")
    if not queries:
        return describe(request)
    return await answer_query(request, _single(queries, "query"), _dataset(params), params.get("format"))


@router.post("/sparql")
async def sparql_post(request: Request) -> Response:
    svc = services(request)
    media, ct_params = content_type(request)
    limit = svc.settings.max_query_bytes
    if media == QUERY:
        require_utf8(ct_params)
        text = decode(await read_body(request, limit, "a query"), "the query")
        params = request.query_params
        return await answer_query(request, text, _dataset(params), params.get("format"))
    if media == UPDATE:
        require_writer(request, svc.settings.update_token)
        require_utf8(ct_params)
        text = decode(await read_body(request, limit, "an update"), "the update")
        return await run_update(request, text, request.query_params)
    if media == FORM:
        require_utf8(ct_params)
        body = decode(await read_body(request, 3 * limit + 4096, "a form"), "the form")
        form = MultiDict(urlencoded.parse(body))
        for key, value in request.query_params.multi_items():  # protocol parameters may also sit in the URL
            if key not in ("query", "update"):
                form.append(key, value)
        queries, updates = form.getlist("query"), form.getlist("update")
        if queries and updates:
            raise HttpError(400, "Bad request: a request carries either 'query' or 'update', not both")
        if updates:
            require_writer(request, svc.settings.update_token)
            return await run_update(request, _single(updates, "update"), form)
        return await answer_query(request, _single(queries, "query"), _dataset(form), form.get("format"))
    raise HttpError(
        415,
        f"Unsupported media type {media or '(none)'!r}: POST {QUERY}, {UPDATE} or {FORM}",
    )
