"""The statistics graph: the build writes it, and every write through the service recounts it, so the overview
queries that read it (named-graphs, dataset-overview, topics-overview) never describe an older version of the data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pyoxigraph as ox
import pytest

from policykg import statistics
from policykg.build import BuildResult
from policykg.config import Paths
from tests.test_serve_corpus import with_build
from tests.test_serve_support import Server, running

PKG = "https://w3id.org/policykg/ontology#"
EX = "https://example.org/statistics-test/"
TURTLE = {"Content-Type": "text/turtle"}


def test_the_build_counts_what_it_wrote(built: BuildResult) -> None:
    store = ox.Store()
    store.load(path=str(built.out), format=ox.RdfFormat.TRIG)
    per_graph = {
        row["g"].value: int(row["n"].value)
        for row in store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    }
    recorded = {
        row["g"].value: int(row["n"].value)
        for row in store.query(
            f"SELECT ?g ?n WHERE {{ GRAPH <{statistics.GRAPH}> {{ ?g <http://rdfs.org/ns/void#triples> ?n }} }}"
        )
    }
    assert recorded == per_graph  # every graph, the statistics graph itself included
    proposals = store.query(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ GRAPH ?g {{ ?p a <{PKG}Proposal> }} }}")
    assert _class_count(store, PKG + "Proposal") == int(next(iter(proposals))["n"].value) > 50


def _class_count(store: ox.Store, cls: str) -> int:
    void = "http://rdfs.org/ns/void#"
    rows = list(store.query(f"SELECT ?n WHERE {{ GRAPH ?g {{ ?part <{void}class> <{cls}> ; <{void}entities> ?n }} }}"))
    return int(rows[0]["n"].value)


@pytest.fixture(scope="module")
def corpus_server(
    tmp_path_factory: pytest.TempPathFactory, built: BuildResult
) -> Iterator[tuple[Server, httpx.Client]]:
    """A server on the corpus (the session's build), over the test backend's store."""
    root = tmp_path_factory.mktemp("statistics-project")
    for name in ("ontology", "corpus", "queries"):
        shutil.copytree(Paths().root / name, root / name)
    with_build(Paths(root), built)
    logs = tmp_path_factory.mktemp("statistics-logs")
    with running(logs, "--query-workers", "2", root=root, remote=True) as srv, srv.client() as client:
        yield srv, client


def _rows(client: httpx.Client, name: str) -> list[dict]:
    r = client.get(f"/api/queries/{name}")
    assert r.status_code == 200, r.text
    return r.json()["results"]["bindings"]


def _graphs(client: httpx.Client) -> dict[str, int]:
    return {row["graph"]["value"]: int(row["triples"]["value"]) for row in _rows(client, "named-graphs")}


def _classes(client: httpx.Client) -> dict[str, int]:
    return {row["class"]["value"]: int(row["count"]["value"]) for row in _rows(client, "dataset-overview")}


def _topics(client: httpx.Client) -> dict[str, tuple[int, int, int]]:
    return {
        row["topic"]["value"]: tuple(int(row[k]["value"]) for k in ("documents", "proposals", "claims"))
        for row in _rows(client, "topics-overview")
    }


def test_every_write_recounts(corpus_server: tuple[Server, httpx.Client]) -> None:
    server, client = corpus_server
    graphs, classes, topics = _graphs(client), _classes(client), _topics(client)
    topic = next(iter(topics))
    graph = EX + "graph"
    body = (
        f"<{EX}p1> a <{PKG}Proposal> ; <{PKG}topic> <{topic}> .\n"
        f"<{EX}p2> a <{PKG}Proposal> ; <{PKG}topic> <{topic}> .\n"
    ).encode()

    r = client.put("/store", params={"graph": graph}, content=body, headers={**TURTLE, **server.auth()})
    assert r.status_code in (201, 204), r.text
    after = _graphs(client)
    assert after[graph] == 4
    assert after[statistics.GRAPH] > graphs[statistics.GRAPH]  # its own count grew with the new graph's line
    assert _classes(client)[PKG + "Proposal"] == classes[PKG + "Proposal"] + 2
    documents, proposals, claims = topics[topic]
    assert _topics(client)[topic] == (documents, proposals + 2, claims)

    update = f"DELETE DATA {{ GRAPH <{graph}> {{ <{EX}p2> a <{PKG}Proposal> }} }}"
    assert server.update(client, update).status_code == 204
    assert _graphs(client)[graph] == 3
    assert _classes(client)[PKG + "Proposal"] == classes[PKG + "Proposal"] + 1

    assert client.delete("/store", params={"graph": graph}, headers=server.auth()).status_code == 204
    assert _graphs(client) == graphs and _classes(client) == classes and _topics(client) == topics
