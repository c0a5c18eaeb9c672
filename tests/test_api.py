"""The analyst REST API over a real server on 127.0.0.1: resources, filters, errors, search, queries, assessment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import RDF, Graph, URIRef

from policykg.build import BuildResult
from policykg.config import Paths
from tests.test_serve_corpus import with_build
from tests.test_serve_support import Server, running

ID = "https://w3id.org/policykg/id/"
PKG = "https://w3id.org/policykg/ontology#"
TOKYO = "nato-tokyo-liaison-office"


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, built: BuildResult) -> Iterator[tuple[Server, httpx.Client]]:
    """One server on the corpus for the whole module (the session's build, reused)."""
    import shutil

    root = tmp_path_factory.mktemp("api-project")
    for name in ("ontology", "corpus", "queries"):
        shutil.copytree(Paths().root / name, root / name)
    project = Paths(root)
    with_build(project, built)
    logs = tmp_path_factory.mktemp("api-logs")
    with running(logs, "--query-workers", "2", root=root, remote=True) as srv, srv.client() as c:
        yield srv, c


def get(api: tuple[Server, httpx.Client], url: str, **params: object) -> httpx.Response:
    return api[1].get(url, params=params)


def test_proposal_list_with_filters_and_pagination(api) -> None:
    page = get(api, "/api/proposals", limit=5).json()
    assert page["total"] > 50 and len(page["items"]) == 5 and "@context" in page
    tokyo = next(p for p in get(api, "/api/proposals", limit=500).json()["items"] if p["id"] == TOKYO)
    assert tokyo["iri"] == ID + "proposal/" + TOKYO and tokyo["contested"] is True
    assert {a["id"] for a in tokyo["proposers"]} == {"barry-pavel", "jeffrey-reynolds"}
    assert {a["id"] for a in tokyo["addressees"]} == {"nato"}
    by_doc = get(api, "/api/proposals", document="france-cool-on-nato-tokyo-office").json()
    assert TOKYO in {p["id"] for p in by_doc["items"]}
    by_actor = get(api, "/api/proposals", actor="david-capezza", limit=500).json()
    assert "nato-russia-new-member-status" in {p["id"] for p in by_actor["items"]}
    assert all("david-capezza" in {a["id"] for a in p["proposers"] + p["addressees"]} for p in by_actor["items"])
    late = get(api, "/api/proposals", **{"from": "2016", "limit": 500}).json()
    assert TOKYO in {p["id"] for p in late["items"]}  # recurs in the 2023 report
    assert "nato-russia-new-member-status" not in {p["id"] for p in late["items"]}
    second = get(api, "/api/proposals", limit=5, offset=5).json()
    assert not {p["id"] for p in page["items"]} & {p["id"] for p in second["items"]}


def test_the_whole_argument_around_the_tokyo_office(api) -> None:
    p = get(api, f"/api/proposals/{TOKYO}").json()
    assert p["statement"].startswith("The culmination of an invigorated NATO-Japan relationship")
    french = next(o for o in p["objections"] if o["id"] == "french-official-north-atlantic-scope")
    assert [a["id"] for a in french["raised_by"]] == ["anonymous-french-official"]
    assert french["documents"][0]["id"] == "france-cool-on-nato-tokyo-office"
    assert french["date"] == "2023-06-06"
    quote = french["quotes"][0]
    assert "article V and article VI" in quote["exact"] and quote["end"] > quote["start"] >= 0
    assert {c["id"] for c in french["cites"]} >= {"north-atlantic-treaty-article-5", "north-atlantic-treaty-article-6"}
    stances = {(s["actor"]["id"], s["polarity"]) for s in p["stances"]}
    assert {("france", "opposes"), ("emmanuel-macron", "opposes"), ("jens-stoltenberg", "supports")} <= stances
    assert p["supporting"] and p["status"]


def test_a_status_dated_by_its_document_says_so(api) -> None:
    status = get(api, "/api/proposals/scc-2005-directive-establish-bjocc").json()["status"]
    by_value = {s["status"]: s for s in status}
    assert by_value["adopted"]["date"] == "2005-10-29" and by_value["adopted"]["date_inferred"] is None
    assert by_value["implemented"]["date"] == "2009-02"
    assert "set up is not stated" in by_value["implemented"]["date_inferred"]


def test_cost_of_the_coalition_warfare_program(api) -> None:
    cost = get(api, "/api/proposals/dod-asian-coalition-warfare-program").json()["cost"]
    assert cost == {"amount": 100000000, "currency": "USD", "period": "P1Y", "qualifier": "at least"}


def test_actor_claim_and_document(api) -> None:
    macron = get(api, "/api/actors/emmanuel-macron").json()
    assert macron["kind"] == "Person" and "http://www.wikidata.org/entity/Q3052772" in macron["wikidata"]
    assert any(s["proposal"]["id"] == TOKYO and s["polarity"] == "opposes" for s in macron["stances"])
    states = get(api, "/api/actors", kind="State", limit=500).json()
    assert "france" in {a["id"] for a in states["items"]} and all(a["kind"] == "State" for a in states["items"])
    france = next(a for a in states["items"] if a["id"] == "france")  # the same shape in the list as alone
    assert (
        france["wikidata"]
        == get(api, "/api/actors/france").json()["wikidata"]
        == ["http://www.wikidata.org/entity/Q142"]
    )
    claim = get(api, "/api/claims/french-official-north-atlantic-scope").json()
    assert TOKYO in {x["id"] for x in claim["attacks"]} and "Objection" in claim["classes"]
    doc = get(api, "/api/documents/france-cool-on-nato-tokyo-office").json()
    assert doc["text"].startswith(" date 2023-06-06")
    spans = {a["id"]: a for a in doc["annotations"]}
    french = spans["french-official-north-atlantic-scope"]
    assert doc["text"][french["start"] : french["end"]] == french["exact"]
    assert get(api, "/api/documents").json()["total"] == 5


def test_unknown_ids_and_bad_parameters(api) -> None:
    r = get(api, "/api/proposals/no-such-proposal")
    assert r.status_code == 404 and r.json()["error"] == "not found"
    assert get(api, "/api/claims/nope").status_code == 404
    assert get(api, "/api/claims/imported--claim").status_code == 404  # an id with "--" is an id, just not here
    r = get(api, "/api/proposals", limit=0)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "limit"
    r = get(api, "/api/proposals", **{"from": "last year"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "from"
    for name, value in (("from", "2012-13-45"), ("to", "2012-02-31"), ("from", "0000")):  # well-formed, no such day
        r = get(api, "/api/proposals", **{name: value})
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == name, (name, value)
        assert "not a calendar date" in r.json()["detail"][0]["msg"]
    r = get(api, "/api/actors", kind="Wizard")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "kind"
    assert get(api, "/api/proposals/Not_A_Slug").status_code == 422


def test_search(api) -> None:
    page = get(api, "/api/search", q="liaison office Tokyo").json()
    assert page["items"][0]["iri"] == ID + "proposal/" + TOKYO and "<b>" in page["items"][0]["snippet"]
    claims = get(api, "/api/search", q="office", kind="claim").json()
    assert claims["items"] and {i["kind"] for i in claims["items"]} == {"claim"}
    r = get(api, "/api/search", q='foo "bar')
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "q"


def test_named_queries_are_listed_and_run_with_bound_parameters(api) -> None:
    listing = get(api, "/api/queries").json()
    names = {q["name"] for q in listing["items"]}
    assert {"objections-to-proposal", "stances-of-actor"} <= names and len(names) >= 15
    stances = next(q for q in listing["items"] if q["name"] == "stances-of-actor")
    assert stances["params"][0]["name"] == "actor" and stances["params"][0]["type"] == "iri"
    r = get(api, "/api/queries/stances-of-actor", actor=ID + "actor/france")
    rows = r.json()["results"]["bindings"]
    assert r.status_code == 200 and rows and all(b["actor"]["value"] == ID + "actor/france" for b in rows)
    csv = api[1].get(
        "/api/queries/stances-of-actor", params={"actor": ID + "actor/france"}, headers={"Accept": "text/csv"}
    )
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith(("actor", "stance", "date"))
    # injection: the value is one literal, never query text
    r = get(api, "/api/queries/label-search", text='"} UNION { ?s ?p ?o } #')
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    r = get(api, "/api/queries/stances-of-actor", actor="not an iri")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "actor"
    assert get(api, "/api/queries/stances-of-actor", bogus="1").status_code == 422
    assert get(api, "/api/queries/no-such-query").status_code == 404


def test_assessment_views(api) -> None:
    now = get(api, f"/api/proposals/{TOKYO}/assessment").json()
    assert now["label"] == "OUT"
    attackers = {a["argument"].rsplit("/", 1)[-1] for a in now["explanation"]["defeated_by"]}
    assert "french-official-north-atlantic-scope" in attackers
    french = next(a for a in now["explanation"]["defeated_by"] if a["argument"].endswith("north-atlantic-scope"))
    assert french["held_by"] == [ID + "actor/anonymous-french-official"] and french["quotes"]
    first = get(api, f"/api/proposals/{TOKYO}/assessment", as_of="2012").json()
    assert first["label"] == "IN"
    june = get(api, f"/api/proposals/{TOKYO}/assessment", as_of="2023-06").json()
    assert june["label"] == "OUT"
    france = get(api, f"/api/proposals/{TOKYO}/assessment", by=["anonymous-french-official", "france"]).json()
    assert france["label"] == "OUT" and france["arguments"] < now["arguments"]
    preferred = get(api, f"/api/proposals/{TOKYO}/assessment", semantics="preferred").json()
    assert preferred["label"] in ("IN", "OUT", "UNDEC")
    assert get(api, f"/api/proposals/{TOKYO}/assessment", semantics="stable").status_code == 422
    for as_of in ("2012-02-31", "2012-13", "0000"):  # the date pattern holds; the calendar has no such day
        r = get(api, f"/api/proposals/{TOKYO}/assessment", as_of=as_of)
        assert r.status_code == 422 and r.json()["detail"][0]["loc"][-1] == "as_of", as_of
    r = get(api, f"/api/proposals/{TOKYO}/assessment", by=["france", "nope"])  # not "IN, nobody attacks it"
    assert r.status_code == 422 and "'nope'" in r.text and "'france'" not in r.text


EXTERNAL = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/oa#",
    "https://schema.org/",
)


def test_json_ld_of_every_answer_uses_only_defined_terms(api) -> None:
    """Read as JSON-LD, an answer states only what the ontology (or the vocabularies it reuses) defines, with IRIs
    where the ontology has resources: other knowledge bases can load it as it is."""
    ontology = Graph().parse(Paths().ontology)
    defined = {str(s) for s in ontology.subjects(RDF.type, None)}
    urls = [
        "/api/proposals?limit=500",
        f"/api/proposals/{TOKYO}",
        "/api/actors/france",
        "/api/actors/barry-pavel",
        "/api/claims/french-official-north-atlantic-scope",
        "/api/documents/france-cool-on-nato-tokyo-office",
        "/api/documents",
        "/api/search?q=article",
    ]
    for url in urls:
        g = Graph().parse(data=api[1].get(url).content, format="json-ld")
        assert len(g) > 0, url
        for _s, p_, o_ in g:
            assert str(p_) in defined or str(p_).startswith(EXTERNAL), (url, p_)
            if p_ == RDF.type:
                assert str(o_) in defined, (url, o_)
        for value in g.objects(None, URIRef(PKG + "acceptability")):
            assert isinstance(value, URIRef) and str(value) in defined, (url, value)


def test_answers_are_json_or_json_ld_by_accept_and_nothing_else(api) -> None:
    client = api[1]
    plain = client.get(f"/api/proposals/{TOKYO}")
    assert plain.headers["content-type"].startswith("application/json")
    linked = client.get(f"/api/proposals/{TOKYO}", headers={"Accept": "application/ld+json"})
    assert linked.headers["content-type"].startswith("application/ld+json") and linked.json() == plain.json()
    assert linked.headers["etag"] != plain.headers["etag"] and "accept" in linked.headers["vary"].lower()
    for accept in ("text/csv", "text/html", "application/xml"):  # not silently JSON
        r = client.get("/api/proposals", headers={"Accept": accept})
        assert r.status_code == 406 and r.json()["error"] == "not acceptable", accept
    assert client.get("/api/proposals", headers={"Accept": "text/html,*/*;q=0.8"}).status_code == 200  # a browser
    assert client.get("/api/queries", headers={"Accept": "application/ld+json"}).status_code == 406  # not linked


def test_openapi_schema_documents_every_endpoint(api) -> None:
    schema = get(api, "/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/proposals",
        "/api/proposals/{id}",
        "/api/actors/{id}",
        "/api/claims/{id}",
        "/api/documents/{id}",
        "/api/search",
        "/api/queries",
        "/api/queries/{name}",
        "/api/proposals/{id}/assessment",
        "/sparql",
    ):
        assert path in paths, path


def test_answers_carry_etags_and_conditional_requests_get_304(api) -> None:
    first = get(api, f"/api/proposals/{TOKYO}")
    assert first.headers["ETag"]
    again = api[1].get(f"/api/proposals/{TOKYO}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_similar_claims_from_other_documents(api) -> None:
    r = get(api, "/api/claims/french-official-no-nato-liaison-office-in-region/similar", k=5)
    body = r.json()
    assert r.status_code == 200 and len(body["items"]) == 5
    own = ID + "document/france-cool-on-nato-tokyo-office"
    assert all(set(m["documents"]) - {own} for m in body["items"]), "matches come from other documents"
    assert body["items"] == sorted(body["items"], key=lambda m: -m["score"])
    assert any("liaison" in (m["label"] + (m["quote"] or "")).lower() for m in body["items"])
    assert get(api, "/api/claims/no-such-claim/similar").status_code == 404


def test_no_generated_input_makes_the_api_fail(api, tmp_path: Path) -> None:
    """schemathesis against the live OpenAPI schema: no 500 on any generated input to /api."""
    import subprocess
    import sys

    server, _ = api
    cmd = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "25",
        "--include-path-regex",
        "^/api",
        "--phases",
        "examples,fuzzing",
        "--seed",
        "1",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=tmp_path, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout.split("Test cases:")[-1].splitlines()[1]
