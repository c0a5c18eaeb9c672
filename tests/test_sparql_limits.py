"""The query time limit (a query past it is stopped, its CPU freed, and other requests keep being answered) and the
federation refusal (SERVICE and LOAD reach no address off the allow-list)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tests import test_serve_support as support
from tests.test_serve_support import Listener, Server, pid_alive

server, client, allowed_listener = support.server, support.client, support.allowed_listener

NUMBERS = " ".join(str(i) for i in range(200))
# 200^5 solutions: minutes of CPU for pyoxigraph, no data needed
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"VALUES ?{v} {{ {NUMBERS} }}" for v in "abcde") + " }"


def cpu_ticks(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().split(") ", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def test_expensive_query_is_stopped_while_others_are_answered(server: Server) -> None:
    before = server.remember_workers()
    outcome: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        with server.client(timeout=30) as c:
            outcome["response"] = c.get("/sparql", params={"query": EXPENSIVE})
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)  # the expensive query is running now
    cheap_times = []
    with server.client() as c:
        for i in range(5):
            started = time.monotonic()
            assert c.get("/sparql", params={"query": f"ASK {{ ?s ?p {i} }}"}).status_code == 200
            cheap_times.append(time.monotonic() - started)
        running = server.remember_workers()
    thread.join(30)
    response = outcome["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "time limit of 2 s" in response.text and response.headers["retry-after"]
    assert 1.9 <= float(outcome["seconds"]) < 4.0  # stopped at the 2 s limit
    assert max(cheap_times) < 1.0, cheap_times
    # the worker that ran it was killed: its CPU is free
    after = server.remember_workers()
    gone = (before | running) - after
    assert gone and not any(pid_alive(pid) for pid in gone)
    ticks = {pid: cpu_ticks(pid) for pid in after}
    time.sleep(0.5)
    spent = sum(cpu_ticks(pid) - t for pid, t in ticks.items() if pid_alive(pid))
    assert spent < 0.2 * os.sysconf("SC_CLK_TCK"), "a worker is still busy"


class SilentListener:
    """Accepts TCP connections and records that they happened."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[SilentListener]:
    lst = SilentListener()
    yield lst
    lst.close()


def test_service_and_load_are_refused(server: Server, client: httpx.Client, listener: SilentListener) -> None:
    target = listener.url + "sparql"
    queries = [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"PREFIX r: <{listener.url}> SELECT * WHERE {{ ?a ?b ?c FILTER EXISTS {{ SERVICE r:sparql {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ {{ SELECT ?s {{ sErViCe <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]
    for query in queries:
        r = client.get("/sparql", params={"query": query})
        assert r.status_code == 403, (query, r.text)
        assert "not allowed" in r.text
    for update in (
        f"LOAD <{listener.url}data.ttl>",
        f"LOAD SILENT <{listener.url}data.ttl> INTO GRAPH <http://example.org/g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ):
        assert server.update(client, update).status_code == 403, update
    time.sleep(0.3)
    assert listener.connections == 0
    # the word on its own is harmless
    r = client.get("/sparql", params={"query": 'SELECT * WHERE { BIND("service load" AS ?x) }'})
    assert r.status_code == 200


def test_allow_listed_endpoint_is_reached(client: httpx.Client, allowed_listener: Listener) -> None:
    seen = len(allowed_listener.requests)
    r = client.get(
        "/sparql", params={"query": f"SELECT ?x WHERE {{ SERVICE <{allowed_listener.url}> {{ ?x ?y ?z }} }}"}
    )
    assert r.status_code == 200, r.text
    assert [b["x"]["value"] for b in r.json()["results"]["bindings"]] == ["remote"]
    assert len(allowed_listener.requests) == seen + 1
