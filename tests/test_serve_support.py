"""Running the real service for the integration tests: ``policykg serve`` on uvicorn, on 127.0.0.1 and a free port.

Each server is a subprocess that the fixture stops (SIGTERM, then SIGKILL) along with any worker it left behind.
Other test modules import the helpers and bind the fixtures (``server = support.server``); each module then gets
its own server, stopped when the module is done.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-4c1d"
EX = "http://example.org/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


BACKEND = os.environ.get("POLICYKG_TEST_BACKEND", "embedded")
"""Which store the shared suites (API, SPARQL protocol, Linked Data) run on: ``embedded``, ``virtuoso`` (a running
Virtuoso at ``POLICYKG_TEST_VIRTUOSO``, default http://127.0.0.1:8890, with ``POLICYKG_TEST_REMOTE_AUTH``) or
``oxigraph`` (a fresh ``oxigraph serve`` per server). Tests that only make sense embedded never ask for it."""
REMOTE = BACKEND != "embedded"


def only_embedded(reason: str) -> pytest.MarkDecorator:
    """Skip on a remote backend, for a documented limitation of the remote stores (``reason``)."""
    return pytest.mark.skipif(REMOTE, reason=f"{BACKEND}: {reason}")


class RemoteStore:
    """The remote store a test server runs over: started (Oxigraph) or emptied (Virtuoso), then given the corpus."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self.proc: subprocess.Popen[bytes] | None = None
        self.auth = (
            os.environ.get("POLICYKG_TEST_REMOTE_AUTH", "policykg:policykg-ci") if backend == "virtuoso" else None
        )
        if backend == "virtuoso":
            base = os.environ.get("POLICYKG_TEST_VIRTUOSO", "http://127.0.0.1:8890")
            self.query, self.update = base + "/sparql", base + "/sparql-auth"
            self.gsp = base + "/sparql-graph-crud-auth"
        elif backend == "oxigraph":
            base = f"http://127.0.0.1:{free_port()}"
            self.query, self.update, self.gsp = base + "/query", base + "/update", base + "/store"
        else:
            raise ValueError(f"unknown test backend {backend!r}")

    def args(self) -> list[str]:
        return [
            "--backend",
            "sparql",
            "--query-endpoint",
            self.query,
            "--update-endpoint",
            self.update,
            "--gsp-endpoint",
            self.gsp,
        ]

    def start(self, log_path: Path, corpus: Path | None) -> None:
        from policykg.store import remote

        if self.backend == "oxigraph":
            binary = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
            bind = self.query.split("//")[1].split("/")[0]
            with open(log_path, "ab") as log:
                self.proc = subprocess.Popen([binary, "serve", "--bind", bind], stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(self.query, params={"query": "ASK {}"}, timeout=1).status_code == 200:
                        break
                time.sleep(0.05)
        else:
            self.empty()
        if corpus is not None:
            auth = remote.Auth.parse(self.auth)
            failed = [p for p in remote.push(corpus, self.gsp, auth=auth) if p.error]
            assert not failed, failed

    def empty(self) -> None:
        """Drop every graph but the store's own (Virtuoso's system graphs, as the service tells them apart)."""
        from policykg.store import remote

        auth = httpx.DigestAuth(*self.auth.split(":", 1)) if self.auth else None
        r = httpx.get(
            self.query,
            params={"query": "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        graphs = [b["g"]["value"] for b in r.json()["results"]["bindings"]]
        graphs = [*remote.dataset_graphs(graphs, [self.query]), *(g for g in graphs if g == remote.VERSION_GRAPH)]
        if graphs:
            text = " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in graphs)
            r = httpx.post(self.update, data={"update": text}, auth=auth, timeout=60)
            assert r.status_code < 300, r.text

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Server:
    """A ``policykg serve`` subprocess (``remote=True``: over the test backend's store, see :data:`BACKEND`)."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        root: Path = ROOT,
        token: str | None = TOKEN,
        remote: bool = False,
    ):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [*args]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("POLICYKG_")}
        if token:
            self.env["POLICYKG_UPDATE_TOKEN"] = token
        self.env.update(env or {})
        self.root = root
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None
        self.workers: set[int] = set()
        self.store: RemoteStore | None = RemoteStore(BACKEND) if remote and REMOTE else None
        self.empty = "--empty" in self.args
        if self.store is not None:
            kept: list[str] = []
            skip = False
            for arg in self.args:  # what only the embedded store takes
                if skip:
                    skip = False
                elif arg == "--query-workers":
                    skip = True
                elif arg != "--empty":
                    kept.append(arg)
            self.args = kept + self.store.args()
            if self.store.auth:
                self.env["POLICYKG_REMOTE_AUTH"] = self.store.auth

    def start(self, log_path: Path, timeout: float = 60.0) -> Server:
        self.log_path = log_path
        if self.store is not None:
            corpus = None if self.empty else self.root / "build" / "policykg.trig"
            self.store.start(log_path.with_suffix(".store.log"), corpus)
        cmd = [sys.executable, "-m", "policykg", "--root", str(self.root), "serve"]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), *self.args]
        with open(log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=self.env, cwd=self.root)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                health = httpx.get(self.url + "/healthz", timeout=1.0)
                if health.status_code == 200:
                    self.remember_workers(health.json())
                    return self
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not answer within {timeout}s:\n{self.log()}")

    def remember_workers(self, health: dict | None = None) -> set[int]:
        health = health or httpx.get(self.url + "/healthz", timeout=5).json()
        pids = set(health["workers"]["pids"])
        self.workers |= pids | set(health.get("parsers", {}).get("pids", []))
        return pids

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> None:
        try:
            self._stop()
        finally:
            if self.store is not None:
                self.store.stop()

    def _stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                self.remember_workers()
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        # workers die with the server (PR_SET_PDEATHSIG); make sure none is left whatever happened
        deadline = time.monotonic() + 5
        while any(pid_alive(p) for p in self.workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self.workers:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)

    # -- requests ----------------------------------------------------------------------------------------------------

    def client(self, timeout: float = 30.0) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=timeout)

    def auth(self, token: str = TOKEN) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def update(self, client: httpx.Client, text: str, **params: str) -> httpx.Response:
        return client.post(
            "/sparql",
            params=params,
            content=text.encode(),
            headers={"Content-Type": "application/sparql-update", **self.auth()},
        )

    def select(self, client: httpx.Client, query: str, **params: str) -> list[dict[str, str]]:
        r = client.get(
            "/sparql", params={"query": query, **params}, headers={"Accept": "application/sparql-results+json"}
        )
        assert r.status_code == 200, r.text
        data = r.json()
        return [{k: v["value"] for k, v in row.items()} for row in data["results"]["bindings"]]

    def ask(self, client: httpx.Client, query: str) -> bool:
        r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200, r.text
        return r.json()["boolean"]


@contextlib.contextmanager
def running(tmp: Path, *args: str, **kwargs) -> Iterator[Server]:
    server = Server(*args, **kwargs)
    try:
        yield server.start(tmp / f"server-{server.port}.log")
    finally:
        server.stop()


class Listener:
    """A local HTTP server that records every request and answers like a SPARQL endpoint."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
                outer.requests.append(f"{self.command} {self.path} {body}")
                data = {
                    "head": {"vars": ["x"]},
                    "results": {"bindings": [{"x": {"type": "literal", "value": "remote"}}]},
                }
                payload = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def allowed_listener() -> Iterator[Listener]:
    """An endpoint on the test server's federation allow-list."""
    listener = Listener()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, allowed_listener: Listener) -> Iterator[Server]:
    """An empty in-memory store with the union default graph, small limits and an update token."""
    env = {
        "POLICYKG_MAX_QUERY_BYTES": str(64 * 1024),
        "POLICYKG_MAX_UPLOAD_BYTES": str(256 * 1024),
        "POLICYKG_CACHE_ENTRIES": "64",
        "POLICYKG_ALLOWED_ENDPOINTS": allowed_listener.url,
    }
    args = ("--empty", "--timeout", "2", "--row-cap", "5", "--query-workers", "2")
    with running(tmp_path_factory.mktemp("server"), *args, env=env, remote=True) as srv:
        yield srv


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c
