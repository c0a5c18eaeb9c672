"""HTML pages: home, query editor, search, and a page per resource, rendered from the same resource assembly as
the REST API (:mod:`policykg.api.resources`). Every page shows its resource's IRI and links to its data views."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from .. import __version__
from .. import queries as named
from ..api import resources as res
from ..api.analyst import argument_graph, search_index, selector
from ..api.linked import data_formats, link_header
from ..api.linkeddata import DESCRIBE
from ..api.services import Services, services
from ..argumentation.assess import assess
from ..periods import check_period, period_end
from ..store import QueryRequest
from .highlight import segments

HERE = Path(__file__).parent
OA_EXACT = "http://www.w3.org/ns/oa#exact"
router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=HERE / "templates")


def page_of(iri: str) -> str:
    return "/page/" + iri.split("/id/", 1)[1] if "/id/" in iri else iri


templates.env.globals.update(page_of=page_of, version=__version__)
templates.env.filters["actor_name"] = lambda iri: iri.rsplit("/", 1)[-1].replace("-", " ")


def static_files() -> StaticFiles:
    return StaticFiles(directory=HERE / "static")


def render(request: Request, template: str, path: str | None = None, **context: Any) -> HTMLResponse:
    iri = res.ID + path if path else None
    headers = {"Link": link_header(path)} if path else {}
    context = {"iri": iri, "data_formats": data_formats(path) if path else [], "q": None, **context}
    return templates.TemplateResponse(request, template, context, headers=headers)


def not_found(request: Request, what: str) -> HTMLResponse:
    return error_page(request, 404, "Not found", f"No {what}.")


def error_page(request: Request, status: int, title: str, text: str) -> HTMLResponse:
    """An error as a page (a browser's user reads it), with the HTTP status a client checks."""
    response = render(request, "resource.html", title=title, rows=[{"p": "error", "text": text}])
    response.status_code = status
    return response


# -- home, editor, search ----------------------------------------------------------------------------------------

COUNTS = [
    ("Document", "documents"),
    ("Actor", "actors"),
    ("Proposal", "proposals"),
    ("Claim", "claims"),
    ("Objection", "objections"),
    ("Rebuttal", "rebuttals"),
    ("Stance", "stances"),
    ("QuantitativeFact", "quantitative facts"),
    ("LegalProvision", "treaty articles"),
    ("CrossDocumentAttack", "cross-document attacks"),
]


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    select = selector(services(request))
    values = " ".join(f"pkg:{c}" for c, _ in COUNTS)
    rows = await select(
        res.PREFIXES + f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?c {{ {values} }} ?x a ?c }} GROUP BY ?c",
        {},
    )
    found = {r["c"].removeprefix(res.PKG): r["n"] for r in rows}
    counts = [{"label": label, "n": found.get(cls, "0")} for cls, label in COUNTS]
    documents = (await res.list_documents(select, limit=500))["items"]
    proposals = (await res.list_proposals(select, limit=500))["items"]
    return render(request, "home.html", title="Home", counts=counts, documents=documents, proposals=proposals)


def example_text(query: named.NamedQuery) -> str:
    """The query as the editor shows it: its parameters bound to their defaults by a VALUES block."""
    bindings = named.bind(query, {})
    if not bindings:
        return query.text
    names = " ".join(f"?{v.value}" for v in bindings)
    terms = " ".join(str(t) for t in bindings.values())
    return f"{query.text.rstrip()}\nVALUES ({names}) {{ ({terms}) }}\n"


@router.get("/query", response_class=HTMLResponse)
async def query_editor(request: Request) -> HTMLResponse:
    catalogue = request.app.state.named_queries
    listed = [
        {"name": q.name, "title": q.title, "description": q.description, "example": example_text(q)}
        for q in catalogue.values()
    ]
    safe_json = json.dumps(listed).replace("</", "<\\/")
    return render(request, "query.html", title="Query editor", named_queries=listed, named_queries_json=safe_json)


@router.get("/page/search", response_class=HTMLResponse)
async def search_page(request: Request, q: str = "") -> HTMLResponse:
    page = None
    if q.strip():
        index = await search_index(services(request))
        found = index.search(q, limit=50, plain_fallback=True)
        page = {"total": found.total, "items": [h.__dict__ for h in found.hits], "plain": found.plain}
    return render(request, "search.html", title="Search", page=page, q=q)


# -- resource pages ----------------------------------------------------------------------------------------------


def argument_elements(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Cytoscape elements: the proposal, its supports, objections and their answers, and who holds each."""
    nodes: dict[str, dict[str, Any]] = {}
    edges: list[dict[str, Any]] = []

    def node(r: dict[str, Any], cls: str) -> str:
        label = r.get("label") or r.get("id") or ""
        nodes.setdefault(
            r["iri"],
            {"data": {"id": r["iri"], "short": label[:90], "label": label, "href": page_of(r["iri"])}, "classes": cls},
        )
        return r["iri"]

    def edge(source: str, target: str, cls: str, label: str) -> None:
        edges.append(
            {
                "data": {"id": f"{cls}:{source}->{target}", "source": source, "target": target, "label": label},
                "classes": cls,
            }
        )

    def holders(statement: str, actors: list[dict[str, Any]]) -> None:
        for actor in actors:
            edge(node(actor, "actor"), statement, "holds", "holds")

    center = node(p, "proposal")
    holders(center, p["proposers"])
    for claim in p["supporting"]:
        holders(node(claim, "claim"), claim.get("asserted_by", []))
        edge(claim["iri"], center, "support", "supports")
    for o in p["objections"]:
        holders(node(o, "objection"), o["raised_by"])
        edge(o["iri"], center, "attack", "attacks")
        for answer in o["rebuttals"]:
            holders(node(answer, "rebuttal"), answer.get("asserted_by", []))
            edge(answer["iri"], o["iri"], "attack", "attacks")
        for reason in o.get("supported_by", []):
            node(reason, "claim")
            edge(reason["iri"], o["iri"], "support", "supports")
    return list(nodes.values()) + edges


async def proposal_page(request: Request, slug: str) -> HTMLResponse:
    svc = services(request)
    p = await res.get_proposal(selector(svc), slug)
    semantics = request.query_params.get("semantics", "grounded")
    as_of = request.query_params.get("as_of") or None
    names: dict[str, str] = {}
    if semantics not in ("grounded", "preferred"):
        return error_page(request, 422, "Bad request", f"Semantics: {semantics!r} is neither grounded nor preferred.")
    if as_of is not None:
        try:
            check_period(as_of)
        except ValueError as err:
            return error_page(request, 422, "Bad request", f"As of: {err}.")
    graph = await argument_graph(svc)
    view = graph.view(as_of=period_end(as_of) if as_of else None)
    assessment: dict[str, Any] = {"semantics": semantics, "as_of": as_of, "label": None, "explanation": None}
    if p["iri"] in view.arguments:
        explanation = assess(view, semantics).explain(p["iri"])
        held = sorted({who for a in explanation.get("defeated_by", []) for who in a.get("held_by", [])})
        names = await labels_of(svc, held)
        assessment.update(label=explanation.pop("label"), explanation=explanation)
    graph_json = json.dumps(argument_elements(p)).replace("</", "<\\/")
    return render(
        request,
        "proposal.html",
        f"proposal/{slug}",
        title=p["label"],
        p=p,
        graph_json=graph_json,
        assessment=assessment,
        semantics=semantics,
        as_of=as_of,
        names=names,
    )


async def labels_of(svc: Services, iris: list[str]) -> dict[str, str]:
    """The labels of ``iris`` (IRIs read from the store), for text that names them."""
    if not iris:
        return {}
    values = " ".join(f"<{iri}>" for iri in iris if ">" not in iri)
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    rows = await selector(svc)(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x {label} ?l }}", {})
    return {row["x"]: row["l"] for row in rows}


async def document_page(request: Request, slug: str) -> HTMLResponse:
    d = await res.get_document(selector(services(request)), slug)
    parts = segments(d["text"] or "", d["annotations"], d["article_end"])
    return render(request, "document.html", f"document/{slug}", title=d["title"], d=d, segments=parts)


async def generic_page(request: Request, path: str) -> Response:
    """Any other resource (stance, fact, treaty, annotation …): its statements as a table."""
    svc = services(request)
    iri = res.ID + path
    result = await svc.store.query(
        QueryRequest(
            DESCRIBE,
            union_default=True,
            graph_format="application/n-triples",
            substitutions=(("this", ox.NamedNode(iri)),),
            timeout=svc.settings.timeout,
        )
    )
    described = list(ox.parse(result.body, format=ox.RdfFormat.N_TRIPLES))
    triples = [t for t in described if t.subject == ox.NamedNode(iri)]
    if not triples:
        return not_found(request, f"resource {iri}")
    labels = {t.subject.value: t.object.value for t in described if t.predicate.value.endswith("rdf-schema#label")}
    # the words its anchors quote (their selectors are in the description): what the anchor's label only locates
    quotes = sorted({t.object.value for t in described if t.predicate.value == OA_EXACT})
    rows = []
    for t in sorted(triples, key=lambda t: (t.predicate.value, str(t.object))):
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            rows.append(
                {
                    "p": t.predicate.value,
                    "text": labels.get(obj.value, obj.value),
                    "href": page_of(obj.value) if "/id/" in obj.value else obj.value,
                }
            )
        else:
            rows.append({"p": t.predicate.value, "text": obj.value})
    rows.extend({"p": "quote", "text": f"“{quote}”"} for quote in quotes)
    return render(request, "resource.html", path, title=labels.get(iri, path), rows=rows)


@router.get("/page/{path:path}", response_class=HTMLResponse)
async def resource_page(request: Request, path: str) -> Response:
    kind, _, slug = path.partition("/")
    select = selector(services(request))
    try:
        if kind == "proposal" and "/" not in slug:
            return await proposal_page(request, slug)
        if kind == "actor" and "/" not in slug:
            a = await res.get_actor(select, slug)
            return render(request, "actor.html", path, title=a["label"], a=a)
        if kind == "claim" and "/" not in slug:
            c = await res.get_claim(select, slug)
            return render(request, "claim.html", path, title=c["label"], c=c)
        if kind == "document" and "/" not in slug:
            return await document_page(request, slug)
    except res.NotFound:
        return not_found(request, f"{kind} {slug}")
    return await generic_page(request, path)
