"""The remote backend on its own: parameter binding, errors as 502/504, push (idempotent, graph by graph), the version
marker seen across instances. Runs against the Oxigraph server (``oxigraph serve``, from the test extra)."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from policykg.build import BuildResult
from policykg.store import canonical, remote
from policykg.store.errors import QuerySyntaxError
from tests.test_serve_support import TOKEN, free_port, running

EX = "http://example.org/remote/"


def test_values_block_goes_first_in_the_where_group() -> None:
    this = ox.NamedNode(EX + "a")
    lit = ox.Literal('say "hi"\n} INSERT', language="en")
    bound = remote.bind_values("SELECT ?o WHERE { ?this ?p ?o }", [("this", this), ("x", lit)])
    assert bound.startswith(f"SELECT ?o WHERE {{ VALUES (?this ?x) {{ (<{EX}a> {lit}) }}")
    construct = remote.bind_values("CONSTRUCT { ?this ?p ?o } WHERE { { ?this ?p ?o } }", [("this", this)])
    assert "CONSTRUCT { ?this ?p ?o } WHERE { VALUES (?this)" in construct
    short = remote.bind_values("CONSTRUCT WHERE { ?this ?p ?o }", [("this", this)])
    assert short.startswith("CONSTRUCT { ?this ?p ?o } WHERE { VALUES (?this)")
    describe = remote.bind_values("DESCRIBE ?this", [("this", this)])
    assert describe.strip().endswith(f"WHERE {{ VALUES (?this) {{ (<{EX}a>) }} }}")
    for text in (bound, construct, short, describe):
        ox.Store().query(text)  # each parses
    with pytest.raises(QuerySyntaxError):
        remote.bind_values("INSERT DATA {}", [("this", this)])


def test_answers_match_the_embedded_store() -> None:
    """The VALUES binding gives what pyoxigraph's substitutions give."""
    store = ox.Store()
    store.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "x", 2 . <{EX}b> <{EX}p> "y" }} }}')
    query = f"SELECT ?this ?o WHERE {{ ?this <{EX}p> ?o OPTIONAL {{ ?this <{EX}q> ?z }} }} ORDER BY ?o"
    term = ox.NamedNode(EX + "a")
    direct = store.query(query, use_default_graph_as_union=True, substitutions={ox.Variable("this"): term})
    bound = store.query(remote.bind_values(query, [("this", term)]), use_default_graph_as_union=True)
    assert [r["o"] for r in direct] == [r["o"] for r in bound]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    port = free_port()
    log = tmp_path_factory.mktemp("oxigraph") / "log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([binary, "serve", "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=out)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def _count(url: str) -> int:
    r = httpx.get(
        url + "/query",
        params={"query": "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def test_push_is_idempotent_and_reports_each_graph(oxigraph: str, built: BuildResult) -> None:
    assert built.out is not None
    first = list(remote.push(built.out, oxigraph + "/store"))
    assert not [p for p in first if p.error] and first[-1].graph == remote.VERSION_GRAPH
    count = _count(oxigraph)
    expected = sum(len(t) for t in remote.graphs_of(built.out).values())
    assert count == expected + 1  # + the version marker
    again = list(remote.push(built.out, oxigraph + "/store"))
    assert _count(oxigraph) == count and all(p.status in (200, 204) for p in again)
    dead = f"http://127.0.0.1:{free_port()}/store"
    failed = list(remote.push(built.out, dead))
    assert all(p.error and dead in p.error for p in failed) and len(failed) == len(first) - 1


def test_writes_through_one_instance_reach_another(oxigraph: str, tmp_path: Path) -> None:
    args = ("--backend", "sparql", "--query-endpoint", oxigraph + "/query", "--update-endpoint", oxigraph + "/update")
    env = {"POLICYKG_POLL_INTERVAL": "0.2"}
    with running(tmp_path, *args, env=env) as one, running(tmp_path, *args, env=env) as two:
        query = {"query": f"SELECT ?o {{ <{EX}s> <{EX}p> ?o }}"}
        with one.client() as c1, two.client() as c2:
            before = c2.get("/sparql", params=query)
            assert before.json()["results"]["bindings"] == []
            update = f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> "new" }} }}'
            assert one.update(c1, update).status_code == 204
            time.sleep(0.6)
            after = c2.get("/sparql", params=query, headers={"If-None-Match": before.headers["etag"]})
            assert after.status_code == 200 and after.json()["results"]["bindings"][0]["o"]["value"] == "new"
            # one ETag space for every instance over the store (behind one host name, as behind a load balancer)
            host = {"Host": "kg.example"}
            assert (
                c1.get("/sparql", params=query, headers=host).headers["etag"]
                == (c2.get("/sparql", params=query, headers=host).headers["etag"])
            )


class _Slow(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        time.sleep(3)
        self.send_response(200)
        self.end_headers()

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


def test_remote_down_is_502_and_slow_is_504(tmp_path: Path) -> None:
    slow = ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    try:
        with running(tmp_path, "--backend", "sparql", "--query-endpoint", dead, token=TOKEN) as srv, srv.client() as c:
            r = c.get("/sparql", params={"query": "ASK {}"})
            assert r.status_code == 502 and dead in r.text
            assert c.get("/api/proposals").status_code == 502
            assert c.get("/sparql", params={"query": "ASK {"}).status_code == 400  # checked before it is sent
            assert "Traceback" not in srv.log()
        endpoint = f"http://127.0.0.1:{slow.server_address[1]}/sparql"
        args = ("--backend", "sparql", "--query-endpoint", endpoint, "--timeout", "1")
        with running(tmp_path, *args) as srv, srv.client() as c:
            r = c.get("/sparql", params={"query": "ASK {}"})
            assert r.status_code == 504, r.text
    finally:
        slow.shutdown()
        slow.server_close()


def test_the_union_goes_as_from_clauses_where_sparql_puts_them() -> None:
    """In the text, not as protocol parameters (Virtuoso answers each with a header: past 50 graphs, a 502)."""
    graphs = (EX + "g1", EX + "g2")
    store = ox.Store()
    store.update(
        f"INSERT DATA {{ GRAPH <{EX}g1> {{ <{EX}a> <{EX}p> 1 }} GRAPH <{EX}g2> {{ <{EX}a> <{EX}p> 2 }}"
        f" GRAPH <{EX}system> {{ <{EX}a> <{EX}p> 3 }} }}"
    )
    queries = {
        "SELECT ?o WHERE { ?s ?p ?o }": 2,
        "SELECT (EXISTS { ?s ?p 3 } AS ?x) { } ORDER BY ?x": 1,
        "SELECT ?o { ?s ?p ?o } GROUP BY ?o HAVING (?o > 0)": 2,
        "SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }": 2,
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }": 2,
        "CONSTRUCT WHERE { ?s ?p ?o }": 2,
        f"DESCRIBE <{EX}a>": 2,
        "ASK { ?s ?p 3 }": False,
        "ASK WHERE { ?s ?p 2 }": True,
    }
    for text, expected in queries.items():
        sent = remote.with_dataset(text, graphs, graphs)
        assert "FROM <" in sent and "FROM NAMED <" in sent
        answer = store.query(sent)
        got = bool(answer) if isinstance(answer, ox.QueryBoolean) else len(list(answer))
        assert got == expected, (text, sent)
    assert remote.with_dataset("SELECT * {}", (), ()) == "SELECT * {}"


def test_the_stores_own_graphs_are_left_out_of_the_union() -> None:
    """Virtuoso names its DAV and service-description graphs after its DefaultHost, whatever the service calls it."""
    graphs = [
        "http://www.openlinksw.com/schemas/virtrdf#",
        "http://www.w3.org/ns/ldp#",
        "http://db.internal:8890/DAV/",
        "http://db.internal:8890/sparql",
        "http://127.0.0.1:18890/sparql",
        remote.VERSION_GRAPH,
        "https://w3id.org/policykg/graph/corpus",
        EX + "g",
    ]
    assert remote.dataset_graphs(graphs, ["http://127.0.0.1:18890/sparql", None]) == (
        EX + "g",
        "https://w3id.org/policykg/graph/corpus",
    )


def test_uploads_write_integers_bare() -> None:
    """Virtuoso's Turtle loader reads "208000000000"^^xsd:integer as a decimal; a bare 208000000000 stays an integer."""
    triples = [
        ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal(208000000000)),
        ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.Literal(-7)),
        ox.Triple(
            ox.NamedNode(EX + "a"),
            ox.NamedNode(EX + "q"),
            ox.Literal('x "5"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        ),
        ox.Triple(
            ox.NamedNode(EX + "a"), ox.NamedNode(EX + "q"), ox.Literal("2.5", datatype=ox.NamedNode(XSD + "decimal"))
        ),
    ]
    nt = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    sent = remote.bare_integers(nt)
    assert b" 208000000000 .\n" in sent and b" -7 .\n" in sent and sent.count(b"XMLSchema#integer") == 1
    assert {q.triple for q in ox.parse(sent, ox.RdfFormat.TURTLE)} == set(triples)


XSD = "http://www.w3.org/2001/XMLSchema#"


def test_virtuoso_terms_are_put_back_in_their_canonical_form() -> None:
    text = """SELECT ?a ?b ?c ?d ?e ?f ?g (COUNT(*) AS ?n) (?x = 1 AS ?h) WHERE {
      BIND(EXISTS { ?s ?p ?o } AS ?a) BIND(NOT EXISTS { ?s ?p ?o FILTER(?o = 2) } AS ?b) BIND(BOUND(?z) AS ?c)
      BIND(!?y AS ?d) BIND(?x IN (1, 2) AS ?e) BIND(IF(EXISTS { ?s ?p ?o }, 1, 0) AS ?f) BIND(STRSTARTS("a", "b") AS ?g)
      BIND(COALESCE(?x, false) AS ?k) BIND(1 + 2 AS ?m) }"""
    flagged = canonical.boolean_variables(text, [("param", ox.Literal(True)), ("other", ox.Literal(1))])
    assert flagged == {"a", "b", "c", "d", "e", "g", "h", "param"}
    one, zero = ox.Literal(1), ox.Literal(0)
    assert canonical.canonical(one, True) == ox.Literal(True) and canonical.canonical(zero, True) == ox.Literal(False)
    assert canonical.canonical(one, False) == one  # an integer where the query does not say boolean
    assert canonical.canonical(ox.Literal("1", datatype=ox.NamedNode(XSD + "boolean"))) == ox.Literal(True)
    duration = ox.NamedNode(XSD + "duration")
    for months, lexical in [("12", "P1Y"), ("-18", "-P1Y6M"), ("0", "PT0S"), ("5", "P5M")]:
        assert canonical.canonical(ox.Literal(months, datatype=duration)) == ox.Literal(lexical, datatype=duration)
    assert canonical.canonical(ox.Literal("P1Y2M3DT4H", datatype=duration)).value == "P1Y2M3DT4H"


class _Versions(BaseHTTPRequestHandler):
    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers.get("content-length") or 0))
        body = b'{"head":{"vars":["v"]},"results":{"bindings":[{"v":{"type":"literal","value":"7"}}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_an_idle_instance_sends_nothing_and_a_busy_one_reads_the_version_once_per_interval() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Versions)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def scenario() -> None:
        store = remote.RemoteStore(f"http://127.0.0.1:{server.server_address[1]}/sparql", poll_interval=0.2)
        await store.start()
        try:
            assert store.version == 7 and _Versions.requests == 1
            await asyncio.sleep(0.6)  # idle: no polling
            assert _Versions.requests == 1
            await asyncio.gather(*(store.fresh() for _ in range(5)))  # stale: one read for all five requests
            assert _Versions.requests == 2
            await store.fresh()  # fresh: nothing
            assert _Versions.requests == 2
        finally:
            await store.close()

    try:
        asyncio.run(scenario())
    finally:
        server.shutdown()
        server.server_close()


def test_graphs_named_by_an_update() -> None:
    """The remote store recounts the statistics over the graphs an update names, or over all when it cannot tell."""
    from policykg.store.remote import graphs_named

    assert graphs_named("INSERT DATA { GRAPH <http://a/g> { <http://s> <http://p> 1 } }") == {
        "http://a/g",
        "http://s",
        "http://p",
    }
    assert graphs_named("ADD <http://a> TO <http://b>") == {"http://a", "http://b"}
    assert graphs_named("DROP ALL") == set()
    assert graphs_named("PREFIX e: <http://e/> INSERT DATA { GRAPH e:g { <http://s> <http://p> 1 } }") is None
    assert graphs_named("INSERT { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }") is None
    assert graphs_named("WITH <rel> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }") is None
