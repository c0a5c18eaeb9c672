"""Benchmark the SPARQL service against pyoxigraph in-process, the Oxigraph server and rdflib-endpoint.

    .venv/bin/python bench/run.py [--sizes 100k,1m] [--peers /tmp/benchvenv] [--json bench/data/results.json]

Needs ``bench/generate.py``'s data (made on demand), ``wrk`` (Debian package) and a venv with the peers
(``python3.11 -m venv /tmp/benchvenv && /tmp/benchvenv/bin/pip install oxigraph rdflib-endpoint``); a missing peer
is skipped and said so. Every server listens on 127.0.0.1, is started and stopped here, and every loop is bounded
in requests and seconds. Prints Markdown tables; writes every figure as JSON.

What is measured, per data size: load time and peak RSS of the service's own loader (in memory and on disk, each in
a fresh process, from N-Quads as ``policykg serve`` loads its build; on disk from TriG too); p50/p99 latency over
HTTP of every query in ``queries/`` (parameters inlined as ``VALUES`` with their defaults; the service runs with its
result cache off, so every request is evaluated) next to pyoxigraph in-process (query + JSON serialisation: the
floor); 8-client throughput on a mixed set of lookups (``wrk -c8`` with a Lua script cycling through them); ``wrk``
on one repeated lookup and on one repeated label (service with its cache on, Oxigraph: the label is the cheapest
query there is, where Oxigraph is at its fastest); and once, the cold start of ``policykg serve`` on the corpus to
its first answered query.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httptools
import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
JSON = "application/sparql-results+json"
SIZES = {"100k": 100_000, "1m": 1_000_000}
MIXED = [
    "stances-on-proposal",
    "objections-to-proposal",
    "claims-by-actor",
    "stances-of-actor",
    "facts-about-actor",
    "claims-citing-provision",
    "proposals-of-document",
    "proposals-by-cost",
]
"""The 8-client mixed set: the lookups an analyst's page makes (small results)."""
LOOKUP = "stances-on-proposal"
"""The single lookup repeated under wrk."""
LABEL = "SELECT ?label WHERE {{ {} <http://www.w3.org/2000/01/rdf-schema#label> ?label }}"
"""The label of :data:`LOOKUP`'s proposal, also repeated under wrk: a one-pattern query, Oxigraph's best case."""
SMALL_ROWS = 100
"""Results up to this many rows count as small for the HTTP-overhead target."""


# -- queries ------------------------------------------------------------------------------------------------------


def benchmark_queries() -> dict[str, str]:
    """Every query in queries/ as plain SPARQL: parameters bound to their defaults by a leading ``VALUES`` block, so
    that any endpoint can run it and the engine can use the binding (pyoxigraph's substitution joins it last)."""
    from policykg.queries import bind, load_queries

    texts = {}
    for name, query in sorted(load_queries(ROOT / "queries").items()):
        bound = bind(query, {}) if query.params else {}
        text = query.text
        if bound:
            names = " ".join(str(v) for v in bound)
            values = " ".join(str(t) for t in bound.values())
            where = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE)
            assert where is not None, name
            text = f"{text[: where.end()]}\n  VALUES ({names}) {{ ({values}) }}{text[where.end() :]}"
        texts[name] = text
    return texts


# -- processes and HTTP -------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    path: str
    proc: subprocess.Popen[bytes]
    ready_s: float = 0.0

    def url(self, text: str) -> str:
        return f"{self.path}?{urlencode({'query': text})}"

    def peak_rss_mb(self) -> float:
        """Peak RSS of the server process (VmHWM), MiB."""
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


class Connection:
    """One keep-alive HTTP/1.1 connection that costs the client little, so that a latency is the server's: the
    request's bytes are built once per URL and the response is parsed by httptools (the C parser uvicorn uses; it
    comes with ``uvicorn[standard]``). A cache hit through ``http.client``, whose header parsing is pure Python,
    took 0.16–0.30 ms longer than through this (p50 0.37–0.54 against 0.21–0.29 ms, 8 alternating rounds)."""

    def __init__(self, port: int, timeout: float = 120.0, accept: str = JSON) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._head = f"HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: {accept}\r\n\r\n".encode()
        self._requests: dict[str, bytes] = {}
        self._body: list[bytes] = []
        self._complete = False

    def get(self, url: str) -> tuple[int, bytes]:
        request = self._requests.get(url)
        if request is None:
            request = self._requests[url] = f"GET {url} ".encode() + self._head
        self._body.clear()
        self._complete = False
        parser = httptools.HttpResponseParser(self)
        self.sock.sendall(request)
        while not self._complete:
            chunk = self.sock.recv(1 << 18)
            if not chunk:
                raise ConnectionError("the server closed the connection before the end of its answer")
            parser.feed_data(chunk)
        return parser.get_status_code(), b"".join(self._body)

    # httptools' callbacks
    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._complete = True

    def close(self) -> None:
        self.sock.close()


def start(
    name: str,
    argv: list[str],
    port: int,
    path: str,
    probe: str,
    env: dict[str, str] | None = None,
    limit: float = 600.0,
) -> Server:
    """Start a server in its own process group and wait (at most ``limit`` s) until it answers ``probe``."""
    log = open(HERE / "data" / f"{name}.log", "wb")  # noqa: SIM115 - kept open for the child
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, start_new_session=True, cwd=ROOT
    )
    server = Server(name, port, path, proc)
    deadline = started + limit
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {log.name}")
        try:
            conn = Connection(port, timeout=60)
            try:
                status, _ = conn.get(server.url(probe))
            finally:
                conn.close()
            if status == 200:
                server.ready_s = time.perf_counter() - started
                return server
        except OSError:
            pass
        time.sleep(0.02)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {limit:.0f} s")


def latencies(
    server: Server, text: str, count: int, budget: float, minimum: int = 5, warm: int = 2, limit: float = 120.0
) -> list[float]:
    """Seconds per request, sequential on one keep-alive connection, after ``warm`` warm-up requests: ``count`` at
    most, and no more once ``budget`` seconds have passed and ``minimum`` were timed."""
    conn = Connection(server.port, timeout=limit)
    url = server.url(text)
    times: list[float] = []
    try:
        for _ in range(warm):
            status, body = conn.get(url)
            if status != 200:
                raise RuntimeError(f"{server.name}: HTTP {status}: {body[:300]!r}")
        stop = time.perf_counter() + budget
        while len(times) < count and (len(times) < minimum or time.perf_counter() < stop):
            t = time.perf_counter()
            conn.get(url)
            times.append(time.perf_counter() - t)
    finally:
        conn.close()
    return times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


# -- wrk ----------------------------------------------------------------------------------------------------------


def wrk(server: Server, texts: list[str], connections: int, seconds: int) -> float:
    """Requests per second under ``wrk -t2 -c{connections}``, cycling through ``texts`` (non-2xx answers are errors)."""
    paths = [server.url(t) for t in texts]
    script = HERE / "data" / "wrk.lua"
    lines = ", ".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{{lines}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        f'  return wrk.format("GET", paths[i], {{["Accept"] = "{JSON}"}})\nend\n'
    )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            f"http://127.0.0.1:{server.port}",
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk on {server.name}: {errors.group(1)} error answers\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return float(found.group(1)) if found else float("nan")


# -- loading ------------------------------------------------------------------------------------------------------


def load_probe(data: str, store_dir: str | None) -> None:
    """(Child mode) load ``data`` with the service's loader; print seconds and peak RSS as JSON."""
    from policykg.store.embedded import EmbeddedStore

    store = EmbeddedStore(Path(store_dir) if store_dir else None)
    started = time.perf_counter()
    store.bulk_load(Path(data))
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "rss_mb": rss}))


def measure_load(data: Path, on_disk: bool) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="policykg-bench-") as tmp:
        argv = [sys.executable, __file__, "--load-probe", str(data)]
        if on_disk:
            argv += ["--store", tmp]
        out = subprocess.run(argv, capture_output=True, text=True, timeout=600, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def serve_data(data: str, port: int, store_dir: str | None, queries_in: str = "worker") -> None:
    """(Child mode) serve ``data`` with the service's own store and app on 127.0.0.1:``port``; ``queries_in``
    ``loop`` or ``thread``: with queries run in the server process instead of in a worker (see
    :func:`in_process_store`)."""
    from policykg.api.server import serve_app
    from policykg.api.settings import Settings
    from policykg.store.embedded import EmbeddedStore
    from policykg.vocab import Minter
    from policykg.web import make_app

    settings = Settings.from_env(port=port, store=Path(store_dir) if store_dir else None)
    kind = EmbeddedStore if queries_in == "worker" else in_process_store(queries_in == "thread")
    store = kind(settings.store, workers=settings.workers, timeout=settings.timeout, prefixes=Minter().prefixes())
    store.bulk_load(Path(data))
    serve_app(make_app(settings, store), "127.0.0.1", port, "warning")


def in_process_store(thread: bool) -> type:
    """The in-memory embedded store with each query run in the server process, as the worker would run it: on the
    event loop, or on a thread (pyoxigraph releases the GIL while it evaluates, so the loop goes on meanwhile). For
    ``bench/overhead.py`` only: it shows what isolating queries in a worker costs. The service cannot run this way,
    because nothing could stop a runaway query (pyoxigraph's ``Store.query`` has no time limit or cancellation), and
    on the loop it would also hold up every other request while it ran."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from policykg.store import worker
    from policykg.store.base import QueryRequest, QueryResult
    from policykg.store.embedded import EmbeddedStore

    threads = ThreadPoolExecutor(2, thread_name_prefix="query") if thread else None

    class InProcessStore(EmbeddedStore):
        async def query(self, request: QueryRequest) -> QueryResult:
            backend, job = worker.MemoryBackend(self._ox), self.query_job(request)
            if threads is None:
                value = worker.run_query(backend, job)
            else:
                value = await asyncio.get_running_loop().run_in_executor(threads, worker.run_query, backend, job)
            return QueryResult(value["body"], value["media_type"], value["kind"], self.version, value["truncated"])

    return InProcessStore


# -- the run ------------------------------------------------------------------------------------------------------


def inprocess(data: Path, texts: dict[str, str], count: int, budget: float) -> dict[str, dict[str, float]]:
    """p50/p99 (ms) and rows of every query in this process: query and JSON serialisation (the floor)."""
    store = ox.Store()
    store.load(path=str(data), format=_format(data), lenient=True)
    out: dict[str, dict[str, float]] = {}
    for name, text in texts.items():
        result = store.query(text, use_default_graph_as_union=True)
        rows = len(list(result)) if isinstance(result, ox.QuerySolutions) else 1
        times: list[float] = []
        stop = time.perf_counter() + budget
        for i in range(count + 2):
            t = time.perf_counter()
            body = store.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)
            if i >= 2:
                times.append(time.perf_counter() - t)
            del body
            if i >= 6 and time.perf_counter() > stop:
                break
        out[name] = {"p50": pct(times, 0.5), "p99": pct(times, 0.99), "rows": rows}
    return out


def _format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.N_QUADS if path.suffix == ".nq" else ox.RdfFormat.TRIG


def ensure_data(size: str) -> tuple[Path, Path]:
    nq = HERE / "data" / f"policykg-{size}.nq"
    if not nq.is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(SIZES[size])], check=True, cwd=ROOT)
    return nq, nq.with_suffix(".trig")


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next(line.split(":", 1)[1].strip() for line in lines if line.startswith("model name"))
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(mem, 1),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "kernel": platform.release(),
    }


def run_size(size: str, texts: dict[str, str], args: argparse.Namespace, results: dict[str, Any]) -> None:
    nq, trig = ensure_data(size)
    data = nq  # what the stores load (the build's N-Quads twin)
    res: dict[str, Any] = results.setdefault(size, {})
    with open(nq, "rb") as lines:
        res["quads"] = sum(1 for _ in lines)
    say(f"\n## {size}: {res['quads']:,} quads ({data.name})")
    res["load"] = {
        "memory": measure_load(data, False),
        "disk": measure_load(data, True),
        "disk, from TriG": measure_load(trig, True),
    }
    for where, figures in res["load"].items():
        say(f"load ({where}): {figures['seconds']:.2f} s, peak RSS {figures['rss_mb']:.0f} MB")
    say("in-process latencies …")
    res["inprocess"] = inprocess(data, texts, args.requests, args.budget)
    probe = texts[LOOKUP]
    servers: dict[str, Server] = {}
    peers = Path(args.peers)
    env = {"POLICYKG_CACHE_ENTRIES": "0", "POLICYKG_ROW_CAP": "10000000", "POLICYKG_TIMEOUT": "120"}
    try:
        servers["service"] = start_service("service", data, probe, env)
        oxi = peers / "bin" / "oxigraph"
        if oxi.exists():
            location = HERE / "data" / f"oxigraph-{size}"
            shutil.rmtree(location, ignore_errors=True)
            t = time.perf_counter()
            subprocess.run(
                [str(oxi), "load", "--location", str(location), "--file", str(nq), "--lenient"],
                check=True,
                capture_output=True,
                timeout=600,
            )
            res["load"]["oxigraph-cli (disk)"] = {"seconds": time.perf_counter() - t, "rss_mb": float("nan")}
            port = free_port()
            servers["oxigraph"] = start(
                "oxigraph",
                [
                    str(oxi),
                    "serve-read-only",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--union-default-graph",
                ],
                port,
                "/query",
                probe,
            )
        else:
            say(f"(no {oxi}: Oxigraph server skipped)")
        rdflib = peers / "bin" / "rdflib-endpoint"
        if rdflib.exists() and SIZES[size] <= args.rdflib_max:
            port = free_port()
            servers["rdflib-endpoint"] = start(
                "rdflib-endpoint",
                [str(rdflib), "serve", str(nq), "--host", "127.0.0.1", "--port", str(port)],
                port,
                "/",
                probe,
            )
        elif not rdflib.exists():
            say(f"(no {rdflib}: rdflib-endpoint skipped)")
        res["servers"] = {n: {"ready_s": s.ready_s, "rss_mb": s.peak_rss_mb()} for n, s in servers.items()}
        res["http"] = {}
        for name in list(servers):
            say(f"HTTP latencies: {name} …")
            res["http"][name] = {}
            for q, text in texts.items():
                try:
                    if name == "rdflib-endpoint":  # seconds a query: 3 timed runs after 1 warm-up, 20 s at most
                        times = latencies(servers[name], text, 5, 2.0, 3, 1, limit=20.0)
                    else:
                        times = latencies(servers[name], text, args.requests, args.budget)
                    res["http"][name][q] = _summary(times)
                except TimeoutError:
                    say(f"  {name}: {q} took over 20 s: restarting {name}")
                    res["http"][name][q] = {"p50": float("inf"), "p99": float("inf"), "n": 0}
                    old = servers.pop(name)
                    old.stop()
                    servers[name] = start(name, old.proc.args, old.port, old.path, probe)  # type: ignore[arg-type]
        mixed = [texts[q] for q in MIXED]
        res["mixed_rps"] = {}
        for name, server in servers.items():
            say(f"8-client mixed throughput: {name} …")
            res["mixed_rps"][name] = wrk(server, mixed, 8, args.seconds)
        servers["service"].stop()
        servers["service (cache on)"] = start_service(
            "service-cached", data, probe, {**env, "POLICYKG_CACHE_ENTRIES": "1024"}
        )
        del servers["service"]
        res["mixed_rps"]["service (cache on)"] = wrk(servers["service (cache on)"], mixed, 8, args.seconds)
        res["wrk_lookup_rps"], res["wrk_label_rps"] = {}, {}
        label = label_query(probe)
        for name in ("service (cache on)", "oxigraph"):
            if name in servers:
                say(f"wrk single lookup and label: {name} …")
                res["wrk_lookup_rps"][name] = wrk(servers[name], [probe], 16, args.seconds)
                res["wrk_label_rps"][name] = wrk(servers[name], [label], 16, args.seconds)
    finally:
        for server in servers.values():
            server.stop()


def label_query(lookup: str) -> str:
    """:data:`LABEL` for the proposal that ``lookup`` (:data:`LOOKUP` with its parameter bound) is about."""
    found = re.search(r"VALUES \(\?\w+\) \{ \((<[^>]+>)\) \}", lookup)
    assert found, "the lookup binds one proposal IRI"
    return LABEL.format(found.group(1))


def start_service(name: str, data: Path, probe: str, env: dict[str, str], flags: tuple[str, ...] = ()) -> Server:
    """This service on ``data`` (``--serve-data``, a child process of this script, with ``flags`` such as
    ``--queries-in loop``) on a free port."""
    port = free_port()
    argv = [sys.executable, __file__, "--serve-data", str(data), "--port", str(port), *flags]
    return start(name, argv, port, "/sparql", probe, env)


def _summary(times: list[float]) -> dict[str, float]:
    return {"p50": pct(times, 0.5), "p99": pct(times, 0.99), "n": len(times)}


def cold_serve() -> dict[str, float]:
    """Seconds from starting ``policykg serve`` (corpus, existing build) to its first answered query."""
    port = free_port()
    exe = Path(sys.executable).with_name("policykg")
    server = start(
        "cold-serve",
        [str(exe), "serve", "--port", str(port), "--log-level", "warning"],
        port,
        "/sparql",
        "ASK { ?s ?p ?o }",
        limit=120,
    )
    server.stop()
    return {"seconds": server.ready_s}


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def report(results: dict[str, Any]) -> str:
    """The Markdown tables."""
    out: list[str] = []
    m = results["machine"]
    out.append(
        f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        f"pyoxigraph {m['pyoxigraph']}.\n"
    )
    out.append(
        f"Cold `policykg serve` on the corpus to the first answered query: {results['cold_serve']['seconds']:.2f} s\n"
    )
    for size in SIZES:
        res = results.get(size)
        if not res:
            continue
        out.append(f"### {size} ({res['quads']:,} quads)\n")
        out.append("| load | seconds | peak RSS (MB) |\n|---|---:|---:|")
        for where, f in res["load"].items():
            out.append(f"| {where} | {f['seconds']:.2f} | {f['rss_mb']:.0f} |")
        for name, s in res.get("servers", {}).items():
            out.append(f"| {name}: start to first answer | {s['ready_s']:.2f} | {s['rss_mb']:.0f} |")
        systems = list(res.get("http", {}))
        head = " | ".join(f"{s} p50 / p99" for s in ["in-process", *systems])
        out.append(f"\nLatency (ms) per query; `Δ` = service p50 − in-process p50\n\n| query | rows | {head} | Δ |")
        out.append("|---|---:|" + "---:|" * (len(systems) + 2))
        for q, inp in res["inprocess"].items():
            cells = [f"{inp['p50']:.2f} / {inp['p99']:.2f}"]
            for s in systems:
                h = res["http"][s].get(q)
                cells.append("–" if not h else "> 20 s" if not h["n"] else f"{h['p50']:.2f} / {h['p99']:.2f}")
            delta = res["http"]["service"][q]["p50"] - inp["p50"] if "service" in res.get("http", {}) else float("nan")
            out.append(f"| {q} | {inp['rows']:,} | {' | '.join(cells)} | {delta:+.2f} |")
        out.append("\n| throughput (req/s) | " + " | ".join(res.get("mixed_rps", {})) + " |")
        out.append("|---|" + "---:|" * len(res.get("mixed_rps", {})))
        out.append("| 8 clients, mixed lookups | " + " | ".join(f"{v:,.0f}" for v in res["mixed_rps"].values()) + " |")
        if res.get("wrk_lookup_rps"):
            out.append("\n| wrk, 16 connections, req/s | " + " | ".join(res["wrk_lookup_rps"]) + " |")
            out.append("|---|" + "---:|" * len(res["wrk_lookup_rps"]))
            for what, key in ((f"one lookup (`{LOOKUP}`)", "wrk_lookup_rps"), ("one label", "wrk_label_rps")):
                if res.get(key):
                    out.append(f"| {what} | " + " | ".join(f"{v:,.0f}" for v in res[key].values()) + " |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100k,1m", help="comma-separated: 100k, 1m")
    parser.add_argument("--peers", default="/tmp/benchvenv", help="venv holding oxigraph and rdflib-endpoint")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per query and system (most)")
    parser.add_argument("--budget", type=float, default=4.0, help="seconds per query and system (at least 5 runs)")
    parser.add_argument("--seconds", type=int, default=8, help="duration of each wrk run")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="largest size served by rdflib-endpoint")
    parser.add_argument("--json", type=Path, default=HERE / "data" / "results.json")
    parser.add_argument("--load-probe", help=argparse.SUPPRESS)
    parser.add_argument("--serve-data", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--queries-in", choices=("worker", "loop", "thread"), default="worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.load_probe:
        load_probe(args.load_probe, args.store)
        return 0
    if args.serve_data:
        serve_data(args.serve_data, args.port, args.store, args.queries_in)
        return 0
    (HERE / "data").mkdir(exist_ok=True)
    texts = benchmark_queries()
    results: dict[str, Any] = {"machine": machine(), "command": " ".join([Path(sys.executable).name, *sys.argv])}
    results["cold_serve"] = cold_serve()
    for size in args.sizes.split(","):
        run_size(size.strip(), texts, args, results)
    args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
