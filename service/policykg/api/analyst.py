"""The analyst's REST API (``/api/…``): resources, search, canned queries, argument assessment.

Every answer is JSON (a resource's with a JSON-LD ``@context``) and carries an ETag of the dataset version; it is
cached in-process until the next write, like the SPARQL endpoint's. Unknown ids answer 404 with a JSON body; bad
parameters 422 naming the parameter (FastAPI's validation, or :class:`ParamError`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import AfterValidator

from .. import queries as named
from ..argumentation import TooLarge
from ..argumentation.assess import ARGUMENTS, RELATIONS, ArgumentGraph, assess
from ..drafting.graph import KnowledgeGraph
from ..drafting.similarity import SimilarityIndex
from ..periods import check_period, period_end
from ..search import KINDS, QueryError, SearchIndex, source_query
from ..store import Dataset, QueryRequest, QueryResult
from . import resources as res
from .labels import prefer_english
from .negotiation import negotiate_json
from .services import Services, read_through, services
from .sparql import answer_query

router = APIRouter(prefix="/api", tags=["analyst API"])

SLUG = r"^[a-z0-9]+(-+[a-z0-9]+)*$"  # ids of data written by other tools may hold "--"


def slug_param(example: str) -> Any:
    return Annotated[str, Path(pattern=SLUG, description="The id: the last segment of the IRI.", examples=[example])]


ProposalId = slug_param("nato-tokyo-liaison-office")
ActorId = slug_param("france")
ClaimId = slug_param("french-official-north-atlantic-scope")
DocumentId = slug_param("france-cool-on-nato-tokyo-office")
Limit = Annotated[int, Query(ge=1, le=500, description="Page size.")]
Offset = Annotated[int, Query(ge=0, le=100_000, description="Items to skip.")]
DateParam = Annotated[
    str | None,
    Query(description="YYYY, YYYY-MM or YYYY-MM-DD."),
    AfterValidator(lambda value: None if value is None else check_period(value)),  # a 422 naming it, not a 500
]
JSON_LD = "application/ld+json"


class ParamError(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name, self.message = name, message


def install(app: Any) -> None:
    """JSON error bodies for the analyst API (the SPARQL endpoints answer errors in plain text)."""

    async def not_found(_: Request, err: Exception) -> JSONResponse:
        return JSONResponse({"error": "not found", "detail": f"no such resource: {err}"}, status_code=404)

    async def bad_param(_: Request, err: Exception) -> JSONResponse:
        assert isinstance(err, ParamError)
        body = {"detail": [{"loc": ["query", err.name], "msg": err.message, "type": "value_error"}]}
        return JSONResponse(body, status_code=422)

    app.add_exception_handler(res.NotFound, not_found)
    app.add_exception_handler(ParamError, bad_param)


def selector(svc: Services) -> Callable[[str, dict], Awaitable[list[dict[str, str]]]]:
    """A ``select`` coroutine over the service's store (union default graph, SPARQL JSON parsed to plain rows, one
    label per resource: :mod:`.labels`)."""

    async def select(query: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> list[dict[str, str]]:
        request = QueryRequest(
            text=query,
            union_default=True,
            results_format="application/sparql-results+json",
            timeout=svc.settings.timeout,
            row_cap=None,
            substitutions=tuple(bindings.items()),
        )
        result = await svc.store.query(request)
        data = json.loads(result.body)
        return [{k: v["value"] for k, v in b.items()} for b in prefer_english(data["results"]["bindings"])]

    return select


async def cached(request: Request, build: Callable[[Services], Awaitable[Any]], linked: bool = True) -> Response:
    """JSON answers through the shared read path (304, result cache until the next write, ETag); ``linked`` ones
    (resources, lists, search hits) carry the JSON-LD ``@context``, the others (the query catalogue, an
    assessment) are plain JSON."""
    svc = services(request)
    media = negotiate_json(request.headers.get("accept"), linked)
    if media is None:
        offered = "application/json or application/ld+json" if linked else "application/json"
        return JSONResponse({"error": "not acceptable", "detail": f"this answer is available as {offered}"}, 406)

    async def compute() -> QueryResult:
        version = svc.store.version
        body = await build(svc)
        if isinstance(body, dict) and linked:
            body = {"@context": res.CONTEXT, **body}
        return QueryResult(json.dumps(body, ensure_ascii=False).encode("utf-8"), media, "solutions", version)

    return await read_through(request, ("api", request.url.path, str(request.url.query), media), compute)


# -- resources ---------------------------------------------------------------------------------------------------


@router.get("/proposals", summary="Every proposal, filtered and paginated")
async def proposals(
    request: Request,
    actor: Annotated[str | None, Query(pattern=SLUG, description="Proposer or addressee (actor id).")] = None,
    document: Annotated[str | None, Query(pattern=SLUG, description="Document id.")] = None,
    topic: Annotated[str | None, Query(pattern=SLUG, description="Topic id.")] = None,
    date_from: Annotated[DateParam, Query(alias="from")] = None,
    date_to: Annotated[DateParam, Query(alias="to")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Each proposal with its id, IRI, label, proposers, the actors who should act, documents, and whether it is
    contested. Filters: `actor`, `document`, `topic`, `from`/`to` (document dates)."""
    return await cached(
        request,
        lambda svc: res.list_proposals(selector(svc), actor, document, topic, date_from, date_to, limit, offset),
    )


@router.get("/proposals/{id}", summary="The whole argument around one proposal")
async def proposal(request: Request, id: ProposalId) -> Response:
    """Statement, proposers, who should act, cost, status over time, supporting claims, objections (who raised
    them, where and when, quotes with offsets, cited provisions, rebuttals), stances, related proposals."""
    return await cached(request, lambda svc: res.get_proposal(selector(svc), id))


@router.get("/actors", summary="Every actor")
async def actors(
    request: Request,
    kind: Annotated[str | None, Query(description="Person, State, Alliance, GovernmentBody, ThinkTank …")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    if kind is not None and kind not in res.ACTOR_KINDS:
        raise ParamError("kind", f"unknown actor kind {kind!r}; one of {', '.join(res.ACTOR_KINDS)}")
    return await cached(request, lambda svc: res.list_actors(selector(svc), kind, limit, offset))


@router.get("/actors/{id}", summary="One actor: kind, affiliations, Wikidata, proposals, claims, stances")
async def actor(request: Request, id: ActorId) -> Response:
    return await cached(request, lambda svc: res.get_actor(selector(svc), id))


@router.get("/claims/{id}", summary="One claim: text, asserter, supports and attacks both ways, quote")
async def claim(request: Request, id: ClaimId) -> Response:
    return await cached(request, lambda svc: res.get_claim(selector(svc), id))


@router.get("/documents", summary="Every document with its metadata")
async def documents(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
    return await cached(request, lambda svc: res.list_documents(selector(svc), limit, offset))


@router.get("/documents/{id}", summary="One document: metadata, full text, every annotation with its offsets")
async def document(request: Request, id: DocumentId) -> Response:
    return await cached(request, lambda svc: res.get_document(selector(svc), id))


@router.get("/context.jsonld", summary="The JSON-LD context of every answer")
async def context() -> Response:
    return Response(json.dumps({"@context": res.CONTEXT}), media_type=JSON_LD)


# -- search ------------------------------------------------------------------------------------------------------


async def search_index(svc: Services) -> SearchIndex:
    """The full-text index of the current dataset version (rebuilt after a write)."""

    async def make() -> SearchIndex:
        return SearchIndex.from_rows(await selector(svc)(source_query(), {}))

    return await svc.per_version("search index", make)


@router.get("/search", summary="Full-text search over labels, claims, quotes and document text")
async def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500, description='Words, "phrases", AND/OR, -exclusions.')],
    kind: Annotated[str | None, Query(description="proposal, claim, actor, document, stance, fact …")] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> Response:
    """Ranked results (BM25, English stemming), each with its kind, IRI, label and a snippet with the match in <b>."""
    if kind is not None and kind not in KINDS:
        raise ParamError("kind", f"unknown kind {kind!r}; one of {', '.join(KINDS)}")

    async def build(svc: Services) -> dict[str, Any]:
        index = await search_index(svc)
        try:
            page = index.search(q, limit=limit, offset=offset, kind=kind)
        except QueryError as err:
            raise ParamError("q", f"cannot parse the search query: {err}") from err
        return {
            "query": q,
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "items": [
                {
                    "kind": h.kind,
                    "iri": h.iri,
                    "id": res.slug_of(h.iri),
                    "label": h.label,
                    "snippet": h.snippet,
                    "score": round(h.score, 4),
                }
                for h in page.hits
            ],
        }

    return await cached(request, build)


# -- similar claims (cross-document matching) ----------------------------------------------------------------------


async def similarity_index(svc: Services) -> SimilarityIndex:
    """The claims and proposals of the current dataset version, ready for similarity search."""

    async def make() -> SimilarityIndex:
        select = selector(svc)
        wanted: list[str] = []
        KnowledgeGraph.from_select(lambda query: wanted.append(query) or [])  # learn which queries it asks
        answers = {query: await select(query, {}) for query in wanted}
        return SimilarityIndex.from_graph(KnowledgeGraph.from_select(lambda query: answers[query]))

    return await svc.per_version("similarity index", make)


@router.get("/claims/{id}/similar", summary="Claims and proposals of other documents most like this claim")
async def similar_claims(
    request: Request, id: ClaimId, k: Annotated[int, Query(ge=1, le=50, description="How many.")] = 5
) -> Response:
    """Candidates for "same as", "supports" or "attacks" links: lexical similarity (TF-IDF cosine) by default,
    sentence embeddings when the optional `semantic` extra is installed."""

    async def build(svc: Services) -> dict[str, Any]:
        claim_iri = res.iri_of("claim", id)
        await res.exists(selector(svc), claim_iri, "Claim")
        index = await similarity_index(svc)
        matches = index.similar(claim_iri, k)
        return {"claim": res.ref(claim_iri), "method": index.method, "items": [m.as_dict() for m in matches]}

    return await cached(request, build)


# -- argument assessment -----------------------------------------------------------------------------------------


async def argument_graph(svc: Services) -> ArgumentGraph:
    """Claims, proposals, supports and attacks of the current dataset version."""

    async def make() -> ArgumentGraph:
        select = selector(svc)
        return ArgumentGraph.from_rows(await select(ARGUMENTS, {}), await select(RELATIONS, {}))

    return await svc.per_version("argument graph", make)


async def unknown_actors(svc: Services, ids: list[str]) -> list[str]:
    """The ``ids`` that name no actor in the dataset."""
    if not ids:
        return []
    values = " ".join(f"<{res.iri_of('actor', i)}>" for i in ids)  # ids are slugs (checked): safe in an IRI
    rows = await selector(svc)(f"SELECT ?a WHERE {{ VALUES ?a {{ {values} }} ?a a <{res.PKG}Actor> }}", {})
    known = {row["a"] for row in rows}
    return [i for i in ids if res.iri_of("actor", i) not in known]


@router.get("/proposals/{id}/assessment", summary="Does the proposal stand? Label and explanation")
async def assessment(
    request: Request,
    id: ProposalId,
    semantics: Annotated[str, Query(pattern="^(grounded|preferred)$")] = "grounded",
    as_of: Annotated[DateParam, Query(description="Only documents dated on or before this date.")] = None,
    by: Annotated[
        list[str] | None, Query(description="Only claims asserted by these actors (ids; repeat the parameter).")
    ] = None,
) -> Response:
    """The label (IN, OUT, UNDEC) of the proposal under the chosen semantics and view, and why: for OUT the
    undefeated attackers and who holds them, with quotes; for IN the arguments that defend it against each attacker."""
    for actor_id in by or []:
        if not re.fullmatch(SLUG, actor_id):
            raise ParamError("by", f"not an actor id: {actor_id!r}")
    cutoff = period_end(as_of) if as_of else None

    async def build(svc: Services) -> dict[str, Any]:
        graph = await argument_graph(svc)
        iri = res.iri_of("proposal", id)
        if iri not in graph.arguments or graph.arguments[iri].kind != "proposal":
            raise res.NotFound(iri)
        actors = [res.iri_of("actor", a) for a in by] if by else None
        for actor_id in await unknown_actors(svc, by or []):  # else the view holds the proposal alone: it stands
            raise ParamError("by", f"no actor {actor_id!r}")
        view = graph.view(as_of=cutoff, by=actors, keep=[iri] if actors else ())
        if iri not in view.arguments:
            return {
                "proposal": res.ref(iri, graph.arguments[iri].label),
                "semantics": semantics,
                "as_of": as_of,
                "by": by,
                "label": None,
                "explanation": "not yet stated as of that date",
            }
        try:
            result = assess(view, semantics)
        except TooLarge as err:
            raise ParamError("semantics", str(err)) from err
        explanation = result.explain(iri)
        return {
            "proposal": res.ref(iri, graph.arguments[iri].label),
            "semantics": semantics,
            "as_of": as_of,
            "by": by,
            "arguments": len(view.arguments),
            "label": explanation.pop("label"),
            "explanation": explanation,
        }

    return await cached(request, build, linked=False)


# -- canned queries ----------------------------------------------------------------------------------------------


@router.get("/queries", summary="The named queries of queries/, with their parameters")
async def list_queries(request: Request) -> Response:
    catalogue = request.app.state.named_queries

    async def build(_: Services) -> dict[str, Any]:
        return {
            "total": len(catalogue),
            "items": [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "tags": list(q.tags),
                    "params": [
                        {"name": p.name, "type": p.type, "default": p.default, "description": p.description}
                        for p in q.params
                    ],
                    "url": f"/api/queries/{q.name}",
                }
                for q in catalogue.values()
            ],
        }

    return await cached(request, build, linked=False)


@router.get("/queries/{name}", summary="Run a named query with its parameters bound safely")
async def run_query(request: Request, name: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]+$")]) -> Response:
    """Parameters come from the query string (`?actor=…`); values are typed by the query's header and substituted
    into the parsed query, never spliced into its text. SPARQL JSON by default; CSV, TSV or XML by `Accept`."""
    catalogue = request.app.state.named_queries
    if name not in catalogue:
        raise res.NotFound(f"query {name}")
    query = catalogue[name]
    known = {p.name for p in query.params}
    for key in request.query_params:
        if key not in known and key != "format":
            raise ParamError(
                key, f"query {name!r} has no parameter {key!r}; it takes: {', '.join(sorted(known)) or 'none'}"
            )
    values = {k: v for k, v in request.query_params.items() if k in known}
    try:
        bindings = named.bind(query, values)
    except ValueError as err:
        bad = next((p for p in known if repr(p) in str(err) or p in str(err)), next(iter(values), "params"))
        raise ParamError(bad, str(err)) from err
    substitutions = tuple((variable.value, term) for variable, term in bindings.items())
    return await answer_query(request, query.text, Dataset(), request.query_params.get("format"), substitutions)
