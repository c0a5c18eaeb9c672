"""Linked Data: dereferenceable IRIs (``/id/…`` → 303 to ``/page/…`` or ``/data/…``), data views in four RDF
formats, the ontology at its own IRI, and the dataset's VoID description at ``/.well-known/void``."""

from __future__ import annotations

import functools
from pathlib import Path as FilePath

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from .. import __version__, statistics
from ..config import Paths
from ..store import QueryRequest, QueryResult
from . import resources as res
from .errors import HttpError
from .linkeddata import DESCRIBE, void_graph
from .services import Services, not_modified, read_through, services

router = APIRouter(tags=["Linked Data"])

# suffix → (media type, pyoxigraph format)
FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
NAMES = {"ttl": "Turtle", "jsonld": "JSON-LD", "nt": "N-Triples", "rdf": "RDF/XML"}
BY_MEDIA = {media: suffix for suffix, (media, _) in FORMATS.items()}
BY_MEDIA["application/json"] = "jsonld"
ONTOLOGY_IRI = res.BASE + "ontology"


def data_formats(path: str) -> list[dict[str, str]]:
    """Links to the data views of a resource, one per RDF format (pages and Link headers use them)."""
    return [{"name": NAMES[s], "media": m, "href": f"/data/{path}.{s}"} for s, (m, _) in FORMATS.items()]


def link_header(path: str) -> str:
    return ", ".join(f'<{f["href"]}>; rel="alternate"; type="{f["media"]}"' for f in data_formats(path))


def preference(accept: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, order breaks ties)."""
    ranked = []
    for i, part in enumerate((accept or "*/*").split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        if q > 0 and media:
            ranked.append((-q, i, media.lower()))
    return [m for _, _, m in sorted(ranked)]


def choose(accept: str | None, html_ok: bool = True) -> str | None:
    """'html', an RDF suffix, or None when nothing acceptable. */* alone gets Turtle (a machine asking)."""
    for media in preference(accept):
        if html_ok and media in ("text/html", "application/xhtml+xml"):
            return "html"
        if media in BY_MEDIA:
            return BY_MEDIA[media]
        if media in ("*/*", "text/*", "application/*"):
            return "ttl"
    return None


def split_suffix(path: str) -> tuple[str, str | None]:
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in FORMATS and "/" not in suffix:
        return stem, suffix
    return path, None


async def exists(svc: Services, iri: str) -> bool:
    result = await svc.store.query(
        QueryRequest(
            "ASK { { ?this ?p ?o } UNION { ?s ?p ?this } }",
            union_default=True,
            results_format="application/sparql-results+json",
            substitutions=(("this", ox.NamedNode(iri)),),
            timeout=svc.settings.timeout,
        )
    )
    return b"true" in result.body


def not_acceptable(what: str) -> Response:
    offered = ", ".join(["text/html", *[m for m, _ in FORMATS.values()]])
    return Response(f"Not acceptable: {what} is available as {offered}\n", 406, media_type="text/plain")


@router.get("/id/{path:path}", summary="Dereference a resource IRI (303 to its page or its data)")
async def dereference(request: Request, path: str) -> Response:
    svc = services(request)
    stem, suffix = split_suffix(path)
    iri = res.ID + stem
    if not await exists(svc, iri):
        return Response(f"Not found: no resource {iri}\n", 404, media_type="text/plain")
    target = suffix or choose(request.headers.get("accept"))
    if target is None:
        return not_acceptable(iri)
    location = f"/page/{stem}" if target == "html" else f"/data/{stem}.{target}"
    return RedirectResponse(location, status_code=303, headers={"Vary": "Accept", "Link": link_header(stem)})


@router.get("/data/{path:path}", summary="A resource's concise bounded description, in an RDF format")
async def data(request: Request, path: str) -> Response:
    svc = services(request)
    stem, suffix = split_suffix(path)
    suffix = suffix or choose(request.headers.get("accept"), html_ok=False)
    iri = res.ID + stem
    if iri == statistics.DATASET and suffix is not None:
        return await void_response(request, suffix)
    if suffix is None:  # no format for this client; but a resource that is not there is a 404 whatever it accepts
        if not await exists(svc, iri):
            return Response(f"Not found: no resource {iri}\n", 404, media_type="text/plain")
        return not_acceptable(iri)
    media, _ = FORMATS[suffix]

    async def describe() -> QueryResult:
        if not await exists(svc, iri):
            raise HttpError(404, f"Not found: no resource {iri}")
        request_ = QueryRequest(
            DESCRIBE,
            union_default=True,
            graph_format=media,
            substitutions=(("this", ox.NamedNode(iri)),),
            timeout=svc.settings.timeout,
        )
        return await svc.store.query(request_)

    links = {"Link": link_header(stem) + f', <{iri}>; rel="describes"'}
    return await read_through(request, ("data", iri, suffix), describe, links)


# -- the ontology ------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=2)
def ontology_html(path: FilePath, mtime: float) -> str:
    """The ontology's documentation, generated from the OWL file by pyLODE (cached per file version)."""
    from pylode import OntPub

    return OntPub(ontology=str(path)).make_html()


@functools.lru_cache(maxsize=8)
def ontology_as(path: FilePath, mtime: float, suffix: str) -> bytes:
    if suffix == "ttl":
        return path.read_bytes()
    triples = ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    return ox.serialize(list(triples), format=FORMATS[suffix][1])


@router.get("/ontology", summary="The ontology: HTML documentation or OWL in an RDF format, by Accept")
async def ontology(request: Request) -> Response:
    return serve_ontology(request, choose(request.headers.get("accept")))


@router.get("/ontology.{suffix}", summary="The ontology in one format (ttl, jsonld, nt, rdf, html)")
async def ontology_file(request: Request, suffix: str) -> Response:
    if suffix != "html" and suffix not in FORMATS:
        offered = ", ".join(f"/ontology.{s}" for s in [*FORMATS, "html"])
        return Response(
            f"Not found: no /ontology.{suffix}; the ontology is at {offered}\n", 404, media_type="text/plain"
        )
    return serve_ontology(request, suffix)


def serve_ontology(request: Request, chosen: str | None) -> Response:
    if chosen is None:
        return not_acceptable(ONTOLOGY_IRI)
    paths: Paths = getattr(request.app.state, "paths", None) or Paths()
    path = paths.ontology
    mtime = path.stat().st_mtime  # pyLODE runs once per version of the file
    alternates = [f'</ontology.{s}>; rel="alternate"; type="{m}"' for s, (m, _) in FORMATS.items()]
    headers = {"Vary": "Accept", "Link": ", ".join(alternates)}
    if chosen == "html":
        return HTMLResponse(ontology_html(path, mtime), headers=headers)
    return Response(ontology_as(path, mtime, chosen), media_type=FORMATS[chosen][0], headers=headers)


# -- VoID ----------------------------------------------------------------------------------------------------------


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset")
async def void(request: Request) -> Response:
    return await void_response(request, choose(request.headers.get("accept"), html_ok=False) or "ttl")


async def void_response(request: Request, suffix: str) -> Response:
    """The dataset's VoID description in the format of ``suffix``: at ``/.well-known/void``, and as the data of the
    dataset's own IRI (whose description in the store is only what the statistics graph counts)."""
    svc = services(request)
    key = ("void", suffix, str(request.base_url))
    version = svc.store.version
    etag = svc.etag(version, key)
    if not_modified(request, etag):
        return Response(status_code=304, headers=svc.read_headers(etag))
    from .analyst import selector

    async def make() -> bytes:
        built_at = getattr(request.app.state, "built_at", None)
        service_url = str(request.base_url).rstrip("/")
        graph = await void_graph(selector(svc), res.BASE, service_url, __version__, built_at)
        rdflib_format = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}[suffix]
        return graph.serialize(format=rdflib_format, encoding="utf-8")

    body = await svc.per_version(f"void {suffix} {request.base_url}", make)
    return Response(body, 200, svc.read_headers(etag), media_type=FORMATS[suffix][0])
