"""HTTP overhead of the SPARQL service over pyoxigraph in-process, for small results, and where it goes.

    .venv/bin/python bench/overhead.py [--data bench/data/policykg-100k.nq] [--rounds 5] [--requests 60]

For a handful of lookups with small results (each named query with its default parameters bound by a leading
``VALUES`` block, as ``bench/run.py`` does), it measures the same query text five ways, interleaved in rounds
(each way in turn runs a batch of requests back to back) so that the load of a shared machine falls on all of them
alike:

- **in-process**: pyoxigraph ``Store.query`` + JSON serialisation in this process (``bench/run.py``'s floor);
- **worker-side**: the same query + what the worker does to serialise it (``store.results.serialize``, row cap and
  all), in this process;
- **store**: ``EmbeddedStore.query`` in this process: the worker pool, the round trip to a forked worker and back;
- **HTTP**: ``GET /sparql?query=…`` with ``Accept: application/sparql-results+json`` on one keep-alive connection to
  the service (``bench/run.py --serve-data``: the app and uvicorn set up as ``policykg serve`` does) with its result
  cache off (``POLICYKG_CACHE_ENTRIES=0``);
- **HTTP hit**: the same request to a second service with its cache on, answered from the cache (HTTP alone: the
  client, uvicorn and the cache-hit fast path; no worker, no query);
- **HTTP in loop** and **HTTP in thread**: the same request to two more services, cache off, that run each query in
  the server process instead of in a worker, on the event loop or on a thread (``bench/run.py``'s
  ``in_process_store``): what the service would cost without the isolation that lets the time limit stop a query.
  It cannot be deployed so; it shows how much of Δ the worker accounts for;
- **Oxigraph in memory**: the same request to ``oxigraph serve`` (the Rust server around the same engine, from the
  ``--peers`` venv) on an in-memory store loaded with the same file: what an HTTP server costs on this machine when
  it runs the query on the thread that read the request. Skipped if the peer is missing.

Every HTTP way goes through ``bench/run.py``'s ``Connection``, a keep-alive client whose own cost is small (a
prebuilt request, httptools' C parser), so that Δ is the server's, not the client's; each server's answer is checked
once against the in-process row count before it is timed.

``Δ`` = HTTP p50 − in-process p50: the overhead the issue's target bounds (≤ 1 ms). Its parts: serialisation
(worker-side − in-process), the query in the worker (the worker's own time, sent with its reply, − worker-side),
pool and IPC (store − the worker's own time) and HTTP + ASGI app (HTTP − store). Each round gives a p50 per way; the
tables give the p50/p99 over all rounds and, for each Δ, the range of the rounds' values.
The service runs with the row cap of a deployment (``--row-cap``, default 10,000), not ``bench/run.py``'s 10,000,000.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
assert _spec and _spec.loader
bench = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)  # the helpers of bench/run.py: servers, HTTP, query binding

QUERIES = [
    "stances-on-proposal",
    "claims-by-actor",
    "objections-to-proposal",
    "proposal-hierarchy",
    "argument-around-proposal",
]
JSON = bench.JSON


def _p(times: list[float], q: float) -> float:
    return bench.pct(times, q)


async def measure(args: argparse.Namespace) -> dict[str, Any]:
    from policykg.store import QueryRequest, pool, results
    from policykg.store.embedded import EmbeddedStore

    in_worker: list[float] = []
    unwrap = pool._unwrap

    def timed_unwrap(reply: tuple[Any, ...]) -> Any:  # a successful reply ends with the worker's own seconds
        in_worker.append(reply[-1])
        return unwrap(reply)

    pool._unwrap = timed_unwrap

    texts = {name: text for name, text in bench.benchmark_queries().items() if name in args.queries}
    missing = set(args.queries) - set(texts)
    if missing:
        raise SystemExit(f"no such queries: {', '.join(sorted(missing))}")
    store = EmbeddedStore(None, workers=2, timeout=120)
    store.bulk_load(Path(args.data))
    local = store._ox  # the same data, for the in-process ways
    await store.start()
    env = {"POLICYKG_CACHE_ENTRIES": "0", "POLICYKG_ROW_CAP": str(args.row_cap), "POLICYKG_TIMEOUT": "120"}
    probe = texts[args.queries[0]]
    servers: dict[str, Any] = {}
    try:
        ways = [  # name, log file, cache entries, extra flags
            ("HTTP", "uncached", "0", ()),
            ("HTTP hit", "cached", "1024", ()),
            ("HTTP in loop", "in-loop", "0", ("--queries-in", "loop")),
            ("HTTP in thread", "in-thread", "0", ("--queries-in", "thread")),
        ]
        for name, log, cache, flags in ways:
            if name == "HTTP hit" and args.no_hit:
                continue
            env_for = {**env, "POLICYKG_CACHE_ENTRIES": cache}
            servers[name] = bench.start_service(f"overhead-{log}", Path(args.data), probe, env_for, flags)
        oxigraph = Path(args.peers) / "bin" / "oxigraph"
        if oxigraph.exists():
            servers["Oxigraph in memory"] = start_oxigraph_in_memory(oxigraph, Path(args.data), probe)
        else:
            bench.say(f"(no {oxigraph}: Oxigraph in memory skipped)")
        conns = {n: bench.Connection(s.port) for n, s in servers.items()}
        plans: dict[str, dict[str, Callable[[], Any]]] = {}
        rows: dict[str, int] = {}
        for name, text in texts.items():
            rows[name] = sum(1 for _ in local.query(text, use_default_graph_as_union=True))
            for way, server in servers.items():
                check_rows(way, conns[way], server.url(text), rows[name])
            request = QueryRequest(text, base_iri="http://127.0.0.1/sparql", results_format=JSON, row_cap=args.row_cap)

            def inprocess(text: str = text) -> None:
                local.query(text, use_default_graph_as_union=True).serialize(format=ox.QueryResultsFormat.JSON)

            def worker_side(text: str = text) -> None:
                results.serialize(local.query(text, use_default_graph_as_union=True), JSON, None, args.row_cap)

            async def via_store(request: QueryRequest = request) -> float:
                await store.query(request)
                return in_worker[-1]

            def via_http(conn: bench.Connection, url: str) -> Callable[[], None]:
                def call() -> None:
                    status, body = conn.get(url)
                    if status != 200:
                        raise RuntimeError(f"HTTP {status}: {body[:300]!r}")

                return call

            plans[name] = {
                "in-process": inprocess,
                "worker-side": worker_side,
                "store": via_store,
                **{n: via_http(c, servers[n].url(text)) for n, c in conns.items()},
            }
        plans["(worker ping)"] = {"ping": lambda: store._pool.run({"op": "ping"}, 10)}
        rows["(worker ping)"] = 0
        out: dict[str, Any] = {name: {"rows": rows[name], "rounds": []} for name in plans}
        for number in range(args.rounds + 1):  # round 0 warms everything up (the services have just started)
            for name, ways in plans.items():
                times = await _round(ways, args.requests, args.warm)
                if number:
                    out[name]["rounds"].append(times)
            bench.say(f"round {number} of {args.rounds} done")
        for conn in conns.values():
            conn.close()
        return out
    finally:
        for server in servers.values():
            server.stop()
        await store.close()


def start_oxigraph_in_memory(oxigraph: Path, data: Path, probe: str) -> Any:
    """``oxigraph serve`` without ``--location`` (an in-memory store) on a free port, loaded with ``data``."""
    port = bench.free_port()
    argv = [str(oxigraph), "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    server = bench.start("overhead-oxigraph-memory", argv, port, "/query", probe)
    media = "application/trig" if data.suffix == ".trig" else "application/n-quads"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        with data.open("rb") as body:
            conn.request("POST", "/store", body=body, headers={"Content-Type": media})
            response = conn.getresponse()
            response.read()
        if response.status >= 300:
            raise RuntimeError(f"loading {data.name} into Oxigraph answered HTTP {response.status}")
    except BaseException:
        server.stop()
        raise
    finally:
        conn.close()
    return server


def check_rows(way: str, conn: Any, url: str, rows: int) -> None:
    """Fail unless the server answers ``url`` with ``rows`` rows, as pyoxigraph in-process does."""
    status, body = conn.get(url)
    got = len(json.loads(body)["results"]["bindings"]) if status == 200 else None
    if got != rows:
        raise RuntimeError(f"{way}: HTTP {status}, {got} rows where in-process gives {rows}: {body[:300]!r}")


async def _round(ways: dict[str, Callable[[], Any]], requests: int, warm: int) -> dict[str, list[float]]:
    """Each way in turn runs ``warm`` untimed and ``requests`` timed calls back to back (as ``bench/run.py`` does;
    taking turns call by call would leave each process idle for longer between its calls, and so slower to wake)."""
    times: dict[str, list[float]] = {}
    for way, call in ways.items():
        times[way] = []
        for i in range(warm + requests):
            t = time.perf_counter()
            value = call()
            if isinstance(value, Awaitable):
                value = await value
            elapsed = time.perf_counter() - t
            if i >= warm:
                times[way].append(elapsed)
                if way == "store":
                    times.setdefault("in-worker", []).append(value)
    return times


def report(out: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [
        f"Data: {Path(args.data).name}; {args.rounds} rounds × {args.requests} requests per way and query; "
        f"row cap {args.row_cap:,}. Times in ms.\n",
        "| query | rows | in-process p50 / p99 | HTTP p50 / p99 | Δ p50 | Δ p50, rounds | HTTP hit p50 "
        "| in loop: Δ p50 (rounds) | in thread: Δ p50 (rounds) | Oxigraph in memory: Δ p50 (rounds) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    parts = [
        "| query | serialisation | query in the worker | pool and IPC | HTTP + ASGI app | total Δ |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, figures in out.items():
        rounds = figures["rounds"]
        pooled = {w: [t for r in rounds for t in r[w]] for w in rounds[0]}
        if name == "(worker ping)":
            p = pooled["ping"]
            lines.append(
                f"| worker ping (no query) | – | – | – | – | – | {_p(p, 0.5):.3f} / {_p(p, 0.99):.3f} | – | – | – |"
            )
            continue
        per_round = [{w: _p(t, 0.5) for w, t in r.items()} for r in rounds]

        def delta(a: str, b: str, per_round: list[dict[str, float]] = per_round) -> tuple[float, float, float]:
            values = [r[a] - r[b] for r in per_round]
            return statistics.median(values), min(values), max(values)

        total = delta("HTTP", "in-process")
        hit = f"{_p(pooled['HTTP hit'], 0.5):.3f}" if "HTTP hit" in pooled else "–"

        def versus_floor(way: str, pooled: dict[str, list[float]] = pooled) -> str:
            """Δ p50 of ``way`` over in-process, pooled, and the range of the rounds' Δ p50."""
            if way not in pooled:
                return "–"
            _, lo, hi = delta(way, "in-process")
            return f"{_p(pooled[way], 0.5) - _p(pooled['in-process'], 0.5):+.3f} ({lo:+.2f} to {hi:+.2f})"

        lines.append(
            f"| {name} | {figures['rows']} | {_p(pooled['in-process'], 0.5):.3f} / {_p(pooled['in-process'], 0.99):.3f}"
            f" | {_p(pooled['HTTP'], 0.5):.3f} / {_p(pooled['HTTP'], 0.99):.3f}"
            f" | {_p(pooled['HTTP'], 0.5) - _p(pooled['in-process'], 0.5):+.3f}"
            f" | {total[1]:+.2f} to {total[2]:+.2f} | {hit} | {versus_floor('HTTP in loop')}"
            f" | {versus_floor('HTTP in thread')} | {versus_floor('Oxigraph in memory')} |"
        )
        cells = [
            delta("worker-side", "in-process"),
            delta("in-worker", "worker-side"),
            delta("store", "in-worker"),
            delta("HTTP", "store"),
            total,
        ]
        parts.append(f"| {name} | " + " | ".join(f"{m:+.3f} ({lo:+.2f} to {hi:+.2f})" for m, lo, hi in cells) + " |")
    lines.append(
        "\nWhere Δ goes (median of the rounds' p50 differences, and their range): serialisation = worker-side − "
        "in-process; query in the worker = the worker's own time − worker-side (the same work in another process); "
        "pool and IPC = store − the worker's own time; HTTP + ASGI app = HTTP − store.\n"
    )
    return "\n".join(lines + parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(HERE / "data" / "policykg-100k.nq"), help="N-Quads or TriG file")
    parser.add_argument("--queries", default=",".join(QUERIES), help="comma-separated named queries")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per way, query and round")
    parser.add_argument("--warm", type=int, default=5, help="untimed requests per way, query and round")
    parser.add_argument("--row-cap", type=int, default=10_000)
    parser.add_argument("--no-hit", action="store_true", help="skip the second (cached) service")
    parser.add_argument("--peers", default="/tmp/benchvenv", help="venv holding oxigraph (as for bench/run.py)")
    args = parser.parse_args(argv)
    args.queries = [q.strip() for q in args.queries.split(",") if q.strip()]
    try:
        import uvloop  # what uvicorn runs on when it is installed: the same loop as the service's
    except ImportError:
        out = asyncio.run(measure(args))
    else:
        out = uvloop.run(measure(args))
    print(" ".join([Path(sys.executable).name, *sys.argv]))
    print(report(out, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
