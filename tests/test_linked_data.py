"""Linked Data over HTTP: 303s by Accept and suffix, data views in four formats, 404s, the ontology, VoID, pages."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from markupsafe import escape
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, VOID

from policykg.build import BuildResult
from tests.test_api import api as api_fixture  # noqa: F401  (one server for the module)
from tests.test_serve_support import Server

ID = "https://w3id.org/policykg/id/"
PKG = "https://w3id.org/policykg/ontology#"
TOKYO = "proposal/nato-tokyo-liaison-office"
PARSE = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}
MEDIA = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}


@pytest.fixture(scope="module")
def c(api_fixture: tuple[Server, httpx.Client]) -> Iterator[httpx.Client]:  # noqa: F811
    yield api_fixture[1]


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html,application/xhtml+xml,*/*;q=0.8", f"/page/{TOKYO}"),
        ("text/turtle", f"/data/{TOKYO}.ttl"),
        ("application/ld+json", f"/data/{TOKYO}.jsonld"),
        ("application/n-triples", f"/data/{TOKYO}.nt"),
        ("application/rdf+xml", f"/data/{TOKYO}.rdf"),
        ("*/*", f"/data/{TOKYO}.ttl"),
        ("application/rdf+xml;q=0.9, text/turtle;q=0.5", f"/data/{TOKYO}.rdf"),
    ],
)
def test_resource_iri_redirects_303_by_accept(c: httpx.Client, accept: str, location: str) -> None:
    r = c.get(f"/id/{TOKYO}", headers={"Accept": accept}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == location
    assert "Accept" in r.headers["vary"]


def test_suffix_on_the_iri_picks_the_format(c: httpx.Client) -> None:
    r = c.get(f"/id/{TOKYO}.nt", headers={"Accept": "text/html"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/data/{TOKYO}.nt"


@pytest.mark.parametrize("suffix", list(PARSE))
def test_data_views_hold_the_concise_bounded_description(c: httpx.Client, suffix: str) -> None:
    r = c.get(f"/data/{TOKYO}.{suffix}")
    assert r.status_code == 200 and r.headers["content-type"].startswith(MEDIA[suffix])
    g = Graph().parse(data=r.content, format=PARSE[suffix])
    this = URIRef(ID + TOKYO)
    assert (this, RDFS.label, None) in g  # its own statements
    proposer = URIRef(ID + "actor/barry-pavel")
    assert (this, URIRef("https://w3id.org/policykg/ontology#proposedBy"), proposer) in g
    assert (proposer, RDFS.label, None) in g  # labels of what it points to
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    quotes = {str(o) for o in g.objects(None, exact)}
    assert any(q.startswith("The culmination of an invigorated NATO-Japan relationship") for q in quotes)


def test_data_view_by_accept_and_link_headers(c: httpx.Client) -> None:
    r = c.get(f"/data/{TOKYO}", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/ld+json")
    json.loads(r.text)
    assert f"/data/{TOKYO}.ttl" in r.headers["link"]


def test_wikidata_links_are_in_the_data_and_on_the_page(c: httpx.Client) -> None:
    g = Graph().parse(data=c.get("/data/actor/france.ttl").content, format="turtle")
    assert (URIRef(ID + "actor/france"), OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q142")) in g
    page = c.get("/page/actor/france").text
    assert 'href="http://www.wikidata.org/entity/Q142"' in page


def test_unknown_resources_are_404(c: httpx.Client) -> None:
    assert c.get("/id/proposal/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404
    assert c.get("/data/proposal/no-such-thing.ttl").status_code == 404
    assert c.get("/page/proposal/no-such-thing").status_code == 404


def test_unacceptable_accept_is_406(c: httpx.Client) -> None:
    assert c.get(f"/id/{TOKYO}", headers={"Accept": "image/png"}).status_code == 406
    assert c.get(f"/data/{TOKYO}", headers={"Accept": "text/html"}).status_code == 406


def test_what_is_not_there_is_404_whatever_the_client_accepts(c: httpx.Client) -> None:
    assert c.get(f"/data/{TOKYO}.xyz").status_code == 404  # not a format: part of a name that does not exist
    assert c.get(f"/data/{TOKYO}.xyz", headers={"Accept": "text/html"}).status_code == 404
    r = c.get("/ontology.owl")
    assert r.status_code == 404 and "/ontology.ttl" in r.text


@pytest.mark.parametrize(
    "url", ["/", f"/id/{TOKYO}", f"/page/{TOKYO}", f"/data/{TOKYO}.ttl", "/api/proposals", "/healthz", "/ontology"]
)
def test_head_answers_as_get_without_the_body(c: httpx.Client, url: str) -> None:
    """Link checkers and linked-data clients ask with HEAD: the GET's status and headers, no body."""
    got, head = c.get(url), c.head(url)
    assert head.status_code == got.status_code and head.status_code in (200, 303)
    assert head.content == b""
    assert head.headers.get("content-type") == got.headers.get("content-type")
    assert head.headers.get("location") == got.headers.get("location")
    assert head.headers.get("etag") == got.headers.get("etag")


def test_the_assessment_names_who_holds_the_defeating_claims(c: httpx.Client) -> None:
    page = c.get(f"/page/{TOKYO}").text
    assessment = page[page.index('id="assessment"') :].split("</p>", 1)[0]
    name = c.get("/api/actors/anonymous-french-official").json()["label"]
    assert "defeated by" in assessment and f'href="/page/actor/anonymous-french-official">{name}</a>' in assessment


def test_a_stance_page_shows_the_words_it_is_anchored_to(c: httpx.Client) -> None:
    page = c.get("/page/stance/france-opposes-nato-tokyo-office")
    assert page.status_code == 200
    quoted = c.get(
        "/sparql",
        params={
            "query": f"""SELECT ?exact WHERE {{
        <{ID}stance/france-opposes-nato-tokyo-office> <https://w3id.org/policykg/ontology#anchor>/
        <http://www.w3.org/ns/oa#hasTarget>/<http://www.w3.org/ns/oa#hasSelector>/<http://www.w3.org/ns/oa#exact>
        ?exact }}"""
        },
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert quoted and all(f"“{escape(q['exact']['value'])}”" in page.text for q in quoted)  # as Jinja escapes


def test_a_proposal_page_says_what_the_text_does_not(c: httpx.Client) -> None:
    """No addressee is shown as a reason, not a blank; a status dated by its document is marked inferred."""
    russia = c.get("/page/proposal/russia-international-cooperation-through-un-and-osce").text
    who = russia[russia.index("<dt>Who should act</dt>") :].split("</dd>", 1)[0]
    assert "names only the forums of the cooperation" in who
    bjocc = c.get("/page/proposal/scc-2005-directive-establish-bjocc").text
    history = bjocc[bjocc.index("Status over time") :].split("</ul>", 1)[0]
    implemented = next(li for li in history.split("<li>") if ": implemented" in li)
    assert "2009-02" in implemented and "(inferred)" in implemented and "set up is not stated" in implemented
    assert "(inferred)" not in next(li for li in history.split("<li>") if ": adopted" in li)


def test_pages_answer_bad_input_in_html(c: httpx.Client) -> None:
    r = c.get(f"/page/{TOKYO}", params={"as_of": "2012-02-31"})  # a date the calendar does not have
    assert r.status_code == 422 and "text/html" in r.headers["content-type"] and "not a calendar date" in r.text
    r = c.get(f"/page/{TOKYO}", params={"semantics": "stable"})  # not an assessment silently left out
    assert r.status_code == 422 and "text/html" in r.headers["content-type"] and "stable" in r.text
    r = c.get("/page/search", params={"q": "Article 5:"})  # a colon is search syntax (field:word)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert "its words were searched" in r.text and 'class="results"' in r.text and "<li>" in r.text
    assert c.get("/page/search", params={"q": "liaison office"}).text.count("its words were searched") == 0


def test_pages_show_the_iri_and_alternate_links(c: httpx.Client) -> None:
    r = c.get(f"/page/{TOKYO}")
    assert r.status_code == 200
    assert ID + TOKYO in r.text
    for suffix, media in MEDIA.items():
        assert f'<link rel="alternate" type="{media}" href="/data/{TOKYO}.{suffix}"' in r.text
    assert 'rel="alternate"' in r.headers["link"]


def test_the_ontology_at_its_own_iri(c: httpx.Client) -> None:
    html = c.get("/ontology", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "text/html" in html.headers["content-type"]
    for term in ("ContestedProposal", "CrossDocumentAttack", "Objection", "relationSource", "I-node", "CA-node"):
        assert term in html.text, term
    ttl = c.get("/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=ttl.content, format="turtle")
    assert (URIRef("https://w3id.org/policykg/ontology"), RDF.type, OWL.Ontology) in g
    for suffix in ("jsonld", "nt", "rdf"):
        r = c.get(f"/ontology.{suffix}")
        assert r.status_code == 200 and len(Graph().parse(data=r.content, format=PARSE[suffix])) == len(g)


def test_void_describes_the_dataset(c: httpx.Client, built: BuildResult) -> None:
    r = c.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.content, format="turtle")
    dataset = URIRef(ID + "dataset/policykg")
    assert (dataset, RDF.type, VOID.Dataset) in g
    assert int(g.value(dataset, VOID.triples)) == built.counts["triples"]
    assert str(g.value(dataset, VOID.uriSpace)) == ID
    assert str(g.value(dataset, VOID.sparqlEndpoint)).endswith("/sparql")
    vocabularies = {str(v) for v in g.objects(dataset, VOID.vocabulary)}
    assert {"http://www.w3.org/ns/oa#", "http://www.w3.org/ns/prov#", "http://purl.org/dc/terms/"} <= vocabularies
    assert len(set(g.objects(dataset, VOID.exampleResource))) >= 3
    assert g.value(dataset, URIRef("http://purl.org/dc/terms/license")) is not None
    sources = set(g.objects(dataset, URIRef("http://purl.org/dc/terms/source")))
    assert len(sources) == built.counts["documents"]
    assert len(set(g.objects(dataset, VOID.subset))) >= 7  # document graphs, corpus, ontology, inferred


def test_the_dataset_iri_and_its_partitions_dereference_to_what_void_says(c: httpx.Client) -> None:
    void = Graph().parse(data=c.get("/.well-known/void").content, format="turtle")
    dataset = URIRef(ID + "dataset/policykg")
    r = c.get("/id/dataset/policykg", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["location"] == "/data/dataset/policykg.ttl"
    described = Graph().parse(data=c.get(r.headers["location"]).content, format="turtle")
    assert (dataset, RDF.type, VOID.Dataset) in described and described.value(dataset, VOID.sparqlEndpoint)
    partitions = set(void.objects(dataset, VOID.classPartition))
    counted = c.get(  # the partitions the statistics graph counts, which every write recounts
        "/sparql",
        params={"query": f"SELECT ?p WHERE {{ GRAPH ?g {{ <{dataset}> <{VOID}classPartition> ?p }} }}"},
        headers={"Accept": "application/sparql-results+json"},
    ).json()["results"]["bindings"]
    assert partitions == {URIRef(b["p"]["value"]) for b in counted} and len(partitions) > 20
    actor = next(p for p in partitions if void.value(p, VOID["class"]) == URIRef(PKG + "Actor"))
    r = c.get(str(actor).removeprefix("https://w3id.org/policykg"), headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    data = Graph().parse(data=c.get(r.headers["location"]).content, format="turtle")
    assert data.value(actor, VOID.entities) == void.value(actor, VOID.entities)


def test_home_page_links_everything(c: httpx.Client) -> None:
    page = c.get("/").text
    for href in ('href="/query"', 'href="/docs"', 'href="/ontology"', 'href="/.well-known/void"'):
        assert href in page
    assert "Establish a NATO liaison office in Tokyo" in page
    assert "Benchmarking America" in page
