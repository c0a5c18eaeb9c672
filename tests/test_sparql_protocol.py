"""SPARQL 1.1 Protocol at /sparql against a real server: every way to ask, every format, every error status,
HTTP caching, CORS and the row cap."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx
import pyoxigraph as ox
import pytest

from tests import test_serve_support as support
from tests.test_serve_support import EX, Server

server, client, allowed_listener = support.server, support.client, support.allowed_listener

P = f"{EX}proto/"
G1, G2 = f"{P}g1", f"{P}g2"
SELECT = f"SELECT ?o WHERE {{ <{P}s> <{P}p> ?o }} ORDER BY ?o"
CONSTRUCT = f"CONSTRUCT {{ ?s <{P}q> ?o }} WHERE {{ ?s <{P}p> ?o }}"
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module", autouse=True)
def data(server: Server) -> None:
    with server.client() as c:
        r = server.update(
            c,
            f"""INSERT DATA {{
                GRAPH <{G1}> {{ <{P}s> <{P}p> "one", "a,b \\"q\\"" ; <{P}n> 1 . }}
                GRAPH <{G2}> {{ <{P}s> <{P}p> "two"@en . <{P}t> <{P}p> <{P}o> . }}
            }}""",
        )
        assert r.status_code == 204, r.text


def values(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [row["o"]["value"] for row in response.json()["results"]["bindings"]]


def test_get_form_post_and_direct_post_agree(client: httpx.Client) -> None:
    by_get = values(client.get("/sparql", params={"query": SELECT}))
    by_form = values(client.post("/sparql", data={"query": SELECT}))
    by_post = values(
        client.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})
    )
    assert by_get == by_form == by_post == ['a,b "q"', "one", "two"]


def test_union_default_graph_and_graph_keyword(server: Server, client: httpx.Client) -> None:
    rows = server.select(client, f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{P}s> ?p ?o }} }} ORDER BY ?g")
    assert [r["g"] for r in rows] == [G1, G2]
    # a FROM clause names the query's own dataset, which wins over the union default
    rows = server.select(client, f"SELECT ?o FROM <{G2}> WHERE {{ <{P}s> <{P}p> ?o }}")
    assert [r["o"] for r in rows] == ["two"]


def test_protocol_dataset_parameters(server: Server, client: httpx.Client) -> None:
    assert [r["o"] for r in server.select(client, SELECT, **{"default-graph-uri": G1})] == ['a,b "q"', "one"]
    r = client.post("/sparql", data={"query": SELECT, "default-graph-uri": G2})
    assert values(r) == ["two"]
    r = client.post(
        "/sparql",
        params=[("default-graph-uri", G1), ("default-graph-uri", G2)],
        content=SELECT.encode(),
        headers={"Content-Type": "application/sparql-query"},
    )
    assert len(values(r)) == 3
    rows = server.select(client, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": G2})
    assert [r["g"] for r in rows] == [G2]


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (JSON, JSON),
        ("application/json", JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/sparql-results+xml;q=0.5, application/sparql-results+json", JSON),
        ("*/*", JSON),
        (None, JSON),
    ],
)
def test_select_formats(client: httpx.Client, accept: str | None, media: str) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == media
    fmt = ox.QueryResultsFormat.from_media_type(media)
    if media == "text/csv":  # pyoxigraph reads no CSV: check it as CSV
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[0] == ["o"] and sorted(row[0] for row in rows[1:]) == ['a,b "q"', "one", "two"]
    else:
        parsed = ox.parse_query_results(r.content, fmt)
        assert sorted(s["o"].value for s in parsed) == ['a,b "q"', "one", "two"]


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": SELECT, "format": "csv"}, headers={"Accept": JSON})
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get("/sparql", params={"query": SELECT, "format": "tsv"})
    assert r.headers["content-type"].startswith("text/tab-separated-values")
    r = client.get("/sparql", params={"query": CONSTRUCT, "format": "xml"})
    assert r.headers["content-type"].startswith("application/rdf+xml")
    r = client.get("/sparql", params={"query": SELECT, "format": "application/sparql-results+xml"})
    assert r.headers["content-type"].startswith("application/sparql-results+xml")


@pytest.mark.parametrize("accept", [JSON, "application/sparql-results+xml"])
def test_ask_formats(client: httpx.Client, accept: str) -> None:
    for query, expected in ((f"ASK {{ <{P}s> ?p ?o }}", True), (f"ASK {{ <{P}nothing> ?p ?o }}", False)):
        r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
        assert r.status_code == 200
        assert r.headers["content-type"].startswith(accept)
        parsed = ox.parse_query_results(r.content, ox.QueryResultsFormat.from_media_type(accept))
        assert bool(parsed) is expected


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_construct_and_describe_formats(client: httpx.Client, accept: str, fmt: ox.RdfFormat) -> None:
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    triples = {(str(q.subject), str(q.object)) for q in ox.parse(r.content, fmt)}
    assert (f"<{P}t>", f"<{P}o>") in triples and len(triples) == 4
    r = client.get("/sparql", params={"query": f"DESCRIBE <{P}t>"}, headers={"Accept": accept})
    assert r.status_code == 200
    assert any(str(q.object) == f"<{P}o>" for q in ox.parse(r.content, fmt))


def test_not_acceptable(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406  # the message says which formats go with which query forms
    assert "SELECT and ASK results can be sent as application/sparql-results+json" in r.text
    assert "CONSTRUCT and DESCRIBE results as text/turtle" in r.text
    # a graph result cannot be sent as CSV
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "RDF" in r.text
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"})
    assert r.status_code == 406


def test_service_description(server: Server, client: httpx.Client) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    triples = list(ox.parse(r.content, ox.RdfFormat.TURTLE))
    assert any(str(q.object) == f"<{sd}Service>" for q in triples)
    assert any(q.predicate.value == f"{sd}endpoint" and q.object.value == server.url + "/sparql" for q in triples)
    assert any(q.object.value == f"{sd}UnionDefaultGraph" for q in triples)
    r = client.get("/sparql", headers={"Accept": "application/rdf+xml"})
    assert r.headers["content-type"].startswith("application/rdf+xml")
    assert list(ox.parse(r.content, ox.RdfFormat.RDF_XML))


def test_syntax_error_is_400_with_line_and_column(client: httpx.Client) -> None:
    bad = "SELECT * WHERE {\n  ?s ?p \n}"
    for r in (
        client.get("/sparql", params={"query": bad}),
        client.post("/sparql", data={"query": bad}),
        client.post("/sparql", content=bad.encode(), headers={"Content-Type": "application/sparql-query"}),
    ):
        assert r.status_code == 400
        assert re.search(r"\b3:\d+\b", r.text), r.text  # the parser's line:column
    undeclared = "SELECT * WHERE {\n  ?s dc:title ?t }"  # the parser itself lists a hundred expected characters
    r = client.get("/sparql", params={"query": undeclared})
    assert r.status_code == 400 and "error at 2:" in r.text and "the prefix 'dc:' is not declared" in r.text
    assert len(r.text) < 200, r.text


def test_size_limits_413(server: Server, client: httpx.Client) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (65 * 1024)
    r = client.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413
    assert client.post("/sparql", data={"query": big}).status_code == 413
    r = server.update(client, "INSERT DATA { <http://x> <http://y> <http://z> } #" + "x" * (65 * 1024))
    assert r.status_code == 413
    # just under the limit is fine
    ok = "ASK {} #" + "x" * (60 * 1024)
    assert client.post("/sparql", content=ok.encode(), headers={"Content-Type": "application/sparql-query"}).is_success


def test_malformed_requests(client: httpx.Client) -> None:
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400
    assert client.get("/sparql", params={"update": "CLEAR ALL"}).status_code == 400
    assert client.put("/sparql", params={"query": "ASK {}"}).status_code == 405
    r = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = client.post("/sparql", content=b"query=ASK%20%7B%7D")  # no Content-Type
    assert r.status_code == 415
    r = client.post(
        "/sparql",
        content="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
    )
    assert r.status_code == 415
    assert client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}).status_code == 400
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert client.post("/sparql", content=b"format=json", headers=form).status_code == 400


def test_relative_iris_resolve_against_the_endpoint(server: Server, client: httpx.Client) -> None:
    r = client.post(
        "/sparql",
        content=b"CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
    )
    assert r.status_code == 200
    assert f"<{server.url}/s>" in r.text


def test_cors(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://tools.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    assert "etag" in r.headers["access-control-expose-headers"].lower()
    r = client.post("/sparql", data={"query": "ASK {}"}, headers={"Origin": "https://tools.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://tools.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]


def test_etag_304_cache_and_invalidation(server: Server, client: httpx.Client) -> None:
    query = f"SELECT ?o WHERE {{ <{P}cache> <{P}p> ?o }}"
    first = client.get("/sparql", params={"query": query})
    etag = first.headers["etag"]
    assert first.headers["cache-control"].startswith("public")
    assert "accept" in first.headers["vary"].lower()
    hits = client.get("/healthz").json()["cache"]["hits"]
    again = client.get("/sparql", params={"query": query})
    assert again.headers["etag"] == etag and again.content == first.content
    assert client.get("/healthz").json()["cache"]["hits"] == hits + 1  # answered from the cache
    conditional = client.get("/sparql", params={"query": query}, headers={"If-None-Match": etag})
    assert conditional.status_code == 304 and conditional.content == b""
    assert conditional.headers["etag"] == etag
    # POST has no 304 (RFC 9110, 13.1.2): a matching If-None-Match fails the precondition
    posted = client.post("/sparql", data={"query": query}, headers={"If-None-Match": etag})
    assert posted.status_code == 412
    assert client.post("/sparql", data={"query": query}).status_code == 200
    # another representation has another ETag
    xml = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+xml"})
    assert xml.headers["etag"] != etag
    # a write changes the version: the old ETag no longer matches and the answer is recomputed
    assert server.update(client, f'INSERT DATA {{ GRAPH <{P}g3> {{ <{P}cache> <{P}p> "new" }} }}').status_code == 204
    after = client.get("/sparql", params={"query": query}, headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert values(after) == ["new"]


def test_row_cap_says_it_truncated(server: Server, client: httpx.Client) -> None:
    triples = " ".join(f"<{P}many> <{P}i> {i} ." for i in range(8))
    assert server.update(client, f"INSERT DATA {{ GRAPH <{P}many> {{ {triples} }} }}").status_code == 204
    r = client.get("/sparql", params={"query": f"SELECT ?i {{ <{P}many> <{P}i> ?i }}"})
    assert len(r.json()["results"]["bindings"]) == 5
    assert r.headers["x-result-truncated"] == "true" and r.headers["x-row-cap"] == "5"
    r = client.get("/sparql", params={"query": f"SELECT ?i {{ <{P}many> <{P}i> ?i }} LIMIT 5"})
    assert len(r.json()["results"]["bindings"]) == 5 and "x-result-truncated" not in r.headers
    r = client.get(
        "/sparql",
        params={"query": f"CONSTRUCT WHERE {{ <{P}many> <{P}i> ?i }}"},
        headers={"Accept": "application/n-triples"},
    )
    assert len(r.text.strip().splitlines()) == 5 and r.headers["x-result-truncated"] == "true"


def test_health(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["workers"]["live"] >= 1
    assert json.dumps(health)
