"""The on-disk store: contents survive a restart, and a server killed (SIGKILL) in the middle of a write leaves the
store readable with the write wholly there or wholly absent."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.test_serve_support import EX, Server, running

G = f"{EX}persist/g"
N = 150_000


def count(srv: Server, c: httpx.Client, graph: str) -> int:
    return int(srv.select(c, f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])


def test_contents_survive_a_restart(tmp_path: Path) -> None:
    store = tmp_path / "store"
    with running(tmp_path, "--empty", "--store", str(store), "--query-workers", "1") as srv, srv.client() as c:
        r = c.put(
            "/store",
            params={"graph": G},
            content=f"<{G}> <{EX}p> 'kept' .".encode(),
            headers={"Content-Type": "text/turtle", **srv.auth()},
        )
        assert r.status_code == 201
        assert srv.update(c, f"INSERT DATA {{ GRAPH <{G}2> {{ <{EX}a> <{EX}b> 1 }} }}").status_code == 204
        assert srv.ask(c, f"ASK {{ GRAPH <{G}> {{ ?s ?p 'kept' }} }}")
    with running(tmp_path, "--empty", "--store", str(store), "--query-workers", "1") as srv, srv.client() as c:
        assert srv.ask(c, f"ASK {{ GRAPH <{G}> {{ ?s ?p 'kept' }} }}")
        assert count(srv, c, f"{G}2") == 1
        assert srv.update(c, f"DROP GRAPH <{G}2>").status_code == 204
    with running(tmp_path, "--empty", "--store", str(store), "--query-workers", "1") as srv, srv.client() as c:
        assert count(srv, c, f"{G}2") == 0
        assert srv.ask(c, f"ASK {{ GRAPH <{G}> {{ ?s ?p 'kept' }} }}")


def big_graph(n: int) -> bytes:
    return "".join(f'<{EX}s{i}> <{EX}p> "new {i}" .\n' for i in range(n)).encode()


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_killed_mid_write_leaves_all_or_nothing(tmp_path: Path, method: str) -> None:
    store = tmp_path / "store"
    payload = big_graph(N)
    args = ("--empty", "--store", str(store), "--query-workers", "1", "--timeout", "60")
    srv = Server(*args)
    srv.start(tmp_path / "first.log")
    try:
        with srv.client() as c:
            r = c.put(
                "/store",
                params={"graph": G},
                content=f"<{G}> <{EX}p> 'old' .".encode(),
                headers={"Content-Type": "text/turtle", **srv.auth()},
            )
            assert r.status_code == 201
        answered: list[httpx.Response] = []

        def write() -> None:
            headers = {"Content-Type": "application/n-triples", **srv.auth()}
            with srv.client(timeout=120) as c, contextlib.suppress(httpx.HTTPError):
                answered.append(c.request(method, "/store", params={"graph": G}, content=payload, headers=headers))

        thread = threading.Thread(target=write)
        thread.start()
        deadline = time.monotonic() + 60
        while f"write: {method} <{G}>" not in srv.log() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert f"write: {method} <{G}>" in srv.log(), srv.log()
        time.sleep(0.15)  # the transaction is under way (it takes seconds for this many triples)
        srv.kill()
        thread.join(30)
        assert not answered, "the write finished before the kill: make the payload bigger"
    finally:
        srv.stop()
    with running(tmp_path, *args) as again, again.client() as c:
        n = count(again, c, G)
        old = again.ask(c, f"ASK {{ GRAPH <{G}> {{ ?s ?p 'old' }} }}")
        if method == "PUT":
            assert (n, old) in ((1, True), (N, False)), (n, old)
        else:
            assert (n, old) in ((1, True), (N + 1, True)), (n, old)
        # the store is healthy and writable after the crash
        assert again.update(c, f"INSERT DATA {{ GRAPH <{G}> {{ <{EX}after> <{EX}p> 1 }} }}").status_code == 204
