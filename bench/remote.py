"""Benchmark the remote backend: the generated corpus on the embedded store and on Virtuoso 7, side by side.

    .venv/bin/python bench/remote.py [--sizes 1m,10m] [--http-port 18990] [--sql-port 11211]

Needs ``bench/generate.py``'s data (``policykg-1m`` exists; other sizes are generated on demand) and Virtuoso Open
Source 7 (``virtuoso-t``, ``isql-vt``). Virtuoso is started here from a copy of ``ci/virtuoso/virtuoso.ini`` with its
own ports (default HTTP 18990, SQL 11211: not CI's 18890/11111), its own database folder under /tmp and more buffers,
and stopped (its folder removed) at the end, whatever happens. Every server listens on 127.0.0.1; every loop is
bounded in requests and seconds. Prints Markdown tables; writes every figure as JSON.

What is measured, per size:

- load time. Embedded: the service's loader, in memory, in a fresh process (as ``bench/run.py``). Virtuoso:
  ``gsp`` is what ``policykg push`` does (``policykg.store.remote.push``: one Graph Store PUT of N-Triples per named
  graph, then the version marker); ``bulk`` is Virtuoso's own bulk loader (``ld_dir`` + ``rdf_loader_run`` + a
  checkpoint, on the N-Quads file, then the version marker through the Graph Store). Each load is into a fresh
  database.
- p50/p99 latency over HTTP of every query in ``queries/`` (parameters bound by a leading ``VALUES`` block, as
  ``bench/run.py`` does), sequential on one keep-alive connection: the service on the embedded store
  (``policykg serve``'s app, result cache off), the service on Virtuoso (``policykg serve --backend sparql
  --union-mode explicit``, cache off), and Virtuoso's own ``/sparql`` directly (no FROM: Virtuoso's default graph is
  already every graph).

Sizes above ``--embedded-max`` (default 1M) are measured on Virtuoso alone.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SIZES = {"100k": 100_000, "1m": 1_000_000, "10m": 10_000_000}
USER, PASSWORD = "policykg", "policykg-bench"
_spec = importlib.util.spec_from_file_location("bench_run", HERE / "run.py")
assert _spec and _spec.loader
bench = sys.modules["bench_run"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)  # the helpers of bench/run.py: servers, latencies, query binding
say = bench.say


# -- Virtuoso -----------------------------------------------------------------------------------------------------


class Virtuoso:
    """A Virtuoso 7 of our own: ci/virtuoso/virtuoso.ini copied to a fresh folder, with other ports and buffers."""

    def __init__(self, http_port: int, sql_port: int, buffers: int, data_dir: Path) -> None:
        self.http_port = http_port
        self.sql_port = sql_port
        self.dir = Path(tempfile.mkdtemp(prefix="policykg-bench-virtuoso."))
        ini = (ROOT / "ci" / "virtuoso" / "virtuoso.ini").read_text()
        ini = ini.replace("127.0.0.1:18890", f"127.0.0.1:{http_port}").replace(
            "127.0.0.1:11111", f"127.0.0.1:{sql_port}"
        )
        ini = re.sub(r"(?m)^NumberOfBuffers\s*=.*$", f"NumberOfBuffers = {buffers}", ini)
        ini = re.sub(r"(?m)^MaxDirtyBuffers\s*=.*$", f"MaxDirtyBuffers = {buffers * 3 // 4}", ini)
        ini = re.sub(r"(?m)^DirsAllowed\s*=.*$", f"DirsAllowed = ., {data_dir}", ini)
        ini = re.sub(r"(?m)^MaxQueryExecutionTime\s*=.*$", "MaxQueryExecutionTime = 300", ini)
        if f"127.0.0.1:{http_port}" not in ini or f"127.0.0.1:{sql_port}" not in ini:
            raise RuntimeError("ci/virtuoso/virtuoso.ini: ports not found")
        (self.dir / "virtuoso.ini").write_text(ini)
        self.base = f"http://127.0.0.1:{http_port}"
        self.gsp = f"{self.base}/sparql-graph-crud-auth"
        self.sparql = f"{self.base}/sparql"

    def start(self) -> None:
        log = open(self.dir / "start.log", "wb")  # noqa: SIM115 - kept open for the child
        subprocess.run(
            ["virtuoso-t", "+configfile", "virtuoso.ini", "+wait"],
            cwd=self.dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=True,
            timeout=300,
        )
        self.isql(
            f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}');\n"
            f'GRANT SPARQL_SELECT TO "{USER}";\nGRANT SPARQL_UPDATE TO "{USER}";\n'
            "DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 1);\n"
            f"DB.DBA.RDF_DEFAULT_USER_PERMS_SET('{USER}', 15);\n"
        )

    def isql(self, sql: str, timeout: float = 3600) -> str:
        out = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba"],
            input=sql,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout
        if "*** Error" in out:
            raise RuntimeError(f"isql: {out[-2000:]}")
        return out

    def pid(self) -> int | None:
        with contextlib.suppress(OSError):
            for line in (self.dir / "virtuoso.lck").read_text().splitlines():
                if line.startswith("VIRT_PID="):
                    return int(line.split("=", 1)[1])
        return None

    def rss_mb(self) -> float:
        pid = self.pid()
        with contextlib.suppress(OSError, TypeError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        """Stop this instance (by the pid in its own lock file) and remove its folder."""
        pid = self.pid()
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
                for _ in range(100):
                    os.kill(pid, 0)
                    time.sleep(0.2)
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.dir, ignore_errors=True)

    def set_version(self) -> None:
        from policykg.store import remote

        store = remote.GraphStore(self.gsp, remote.Auth(USER, PASSWORD))
        try:
            store.send(remote.VERSION_GRAPH, remote.version_document(remote.next_version(0)), True, 60)
        finally:
            store.close()

    def load_gsp(self, trig: Path) -> dict[str, Any]:
        """What ``policykg push`` does: one PUT per graph, then the version marker."""
        from policykg.store import remote

        started = time.perf_counter()
        graphs = triples = 0
        slowest = 0.0
        for item in remote.push(trig, self.gsp, auth=remote.Auth(USER, PASSWORD), timeout=3600):
            if item.error:
                raise RuntimeError(f"push <{item.graph}>: {item.error}")
            graphs += 1
            triples += item.triples
            slowest = max(slowest, item.seconds)
        return {"seconds": time.perf_counter() - started, "graphs": graphs, "triples": triples, "slowest_s": slowest}

    def load_bulk(self, nq: Path) -> dict[str, Any]:
        """Virtuoso's bulk loader on the N-Quads file (graphs from the file), a checkpoint, then the version marker."""
        started = time.perf_counter()
        self.isql(
            f"ld_dir('{nq.parent}', '{nq.name}', 'https://w3id.org/policykg/graph/unnamed');\n"
            "rdf_loader_run();\ncheckpoint;\n"
        )
        state = self.isql("SELECT ll_state, ll_error FROM DB.DBA.LOAD_LIST;\n")
        if "NULL" not in state.split("ll_error", 1)[-1]:
            raise RuntimeError(f"bulk load: {state[-1000:]}")
        self.set_version()
        return {"seconds": time.perf_counter() - started}


# -- the run ------------------------------------------------------------------------------------------------------


def ensure_data(size: str) -> tuple[Path, Path]:
    nq = HERE / "data" / f"policykg-{size}.nq"
    if not nq.is_file() or not nq.with_suffix(".trig").is_file():
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--triples", str(SIZES[size])], check=True, cwd=ROOT)
    return nq, nq.with_suffix(".trig")


def timed(server: bench.Server, texts: dict[str, str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for q, text in texts.items():
        try:
            rows = rows_of(server, text, args.limit)  # a query over the limit is said so once, not timed
            times = bench.latencies(server, text, args.requests, args.budget, minimum=3, warm=1, limit=args.limit)
            out[q] = {**bench._summary(times), "rows": rows}
        except (TimeoutError, RuntimeError) as err:
            say(f"  {server.name}: {q}: {err}"[:400])
            out[q] = {"p50": float("nan"), "p99": float("nan"), "n": 0, "error": str(err)[:300]}
    return out


def rows_of(server: bench.Server, text: str, limit: float) -> int:
    conn = bench.Connection(server.port, timeout=limit)
    try:
        status, body = conn.get(server.url(text))
    finally:
        conn.close()
    if status != 200:
        return -1
    data = json.loads(body)
    return len(data["results"]["bindings"]) if "results" in data else 1


def run_size(size: str, texts: dict[str, str], args: argparse.Namespace, results: dict[str, Any]) -> None:
    nq, trig = ensure_data(size)
    res: dict[str, Any] = results.setdefault(size, {})
    with open(nq, "rb") as lines:
        res["quads"] = sum(1 for _ in lines)
    say(f"\n## {size}: {res['quads']:,} quads")
    res["load"] = {}
    res["http"] = {}
    probe = texts[bench.LOOKUP]
    env = {"POLICYKG_CACHE_ENTRIES": "0", "POLICYKG_ROW_CAP": "10000000", "POLICYKG_TIMEOUT": str(args.limit)}
    embedded = SIZES[size] <= args.embedded_max
    if embedded:
        figures = bench.measure_load(nq, False)
        res["load"]["embedded (in memory)"] = figures
        say(f"load, embedded in memory: {figures['seconds']:.2f} s, peak RSS {figures['rss_mb']:.0f} MB")
        server = bench.start_service("remote-embedded", nq, probe, env)
        try:
            say("HTTP latencies: service, embedded …")
            res["http"]["service (embedded)"] = timed(server, texts, args)
        finally:
            server.stop()
    loaders = [x for x in args.loaders.split(",") if x] if embedded else ["bulk"]

    def load(virtuoso: Virtuoso, loader: str) -> None:
        virtuoso.start()
        figures = virtuoso.load_gsp(trig) if loader == "gsp" else virtuoso.load_bulk(nq)
        figures["rss_mb"] = virtuoso.rss_mb()
        res["load"][f"Virtuoso, {loader}"] = figures
        say(f"load, Virtuoso {loader}: {figures['seconds']:.2f} s")

    for loader in loaders[:-1]:  # every loader but the last: load time only, each into a fresh database
        virtuoso = Virtuoso(args.http_port, args.sql_port, args.buffers, nq.parent)
        try:
            load(virtuoso, loader)
        finally:
            virtuoso.stop()
    virtuoso = Virtuoso(args.http_port, args.sql_port, args.buffers, nq.parent)
    servers: list[bench.Server] = []
    try:
        load(virtuoso, loaders[-1])
        direct = bench.Server("virtuoso", args.http_port, "/sparql", None)  # type: ignore[arg-type]
        port = bench.free_port()
        exe = Path(sys.executable).with_name("policykg")
        service = bench.start(
            "remote-sparql",
            [
                str(exe),
                "serve",
                "--backend",
                "sparql",
                "--query-endpoint",
                virtuoso.sparql,
                "--union-mode",
                "explicit",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            port,
            "/sparql",
            probe,
            env,
        )
        servers.append(service)
        if not args.skip_service:
            say("HTTP latencies: service, Virtuoso …")
            res["http"]["service (Virtuoso)"] = timed(service, texts, args)
        say("HTTP latencies: Virtuoso /sparql …")
        res["http"]["Virtuoso /sparql"] = timed(direct, texts, args)
        res["virtuoso_rss_mb"] = virtuoso.rss_mb()
    finally:
        for server in servers:
            server.stop()
        virtuoso.stop()


def report(results: dict[str, Any]) -> str:
    out: list[str] = []
    m = results["machine"]
    out.append(f"Machine: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, ")
    out[-1] += f"pyoxigraph {m['pyoxigraph']}, {results.get('virtuoso', 'Virtuoso')}.\n"
    for size in SIZES:
        res = results.get(size)
        if not res or "load" not in res:
            continue
        out.append(f"### {size} ({res['quads']:,} quads)\n")
        out.append("| load | seconds | peak RSS (MB) |\n|---|---:|---:|")
        for where, f in res["load"].items():
            out.append(f"| {where} | {f['seconds']:.1f} | {f.get('rss_mb', float('nan')):.0f} |")
        systems = list(res["http"])
        head = " | ".join(f"{s} p50 / p99" for s in systems)
        out.append(
            "\nLatency (ms) per query; rows: as the first system answers (another count, where a system differs, "
            "in brackets after its figures)"
        )
        out.append(f"\n| query | rows | {head} |")
        out.append("|---|---:|" + "---:|" * len(systems))
        for q in results["queries"]:
            cells = []
            rows = next((res["http"][s][q]["rows"] for s in systems if res["http"][s].get(q, {}).get("n")), -1)
            for s in systems:
                h = res["http"][s].get(q)
                cell = "–" if not h else "error" if not h["n"] else f"{h['p50']:.1f} / {h['p99']:.1f}"
                if h and h["n"] and h["rows"] != rows:
                    cell += f" ({h['rows']:,} rows)"
                cells.append(cell)
            out.append(f"| {q} | {f'{rows:,}' if rows >= 0 else '?'} | {' | '.join(cells)} |")
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1m,10m", help="comma-separated: 100k, 1m, 10m")
    parser.add_argument("--embedded-max", type=int, default=1_000_000, help="largest size also run embedded")
    parser.add_argument("--loaders", default="bulk,gsp", help="Virtuoso loaders timed (the last one is queried)")
    parser.add_argument("--http-port", type=int, default=18990, help="our Virtuoso's HTTP port (not CI's 18890)")
    parser.add_argument("--sql-port", type=int, default=11211, help="our Virtuoso's SQL port (not CI's 11111)")
    parser.add_argument("--buffers", type=int, default=680_000, help="Virtuoso NumberOfBuffers (8 KiB pages)")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per query and system (most)")
    parser.add_argument("--budget", type=float, default=2.5, help="seconds per query and system (at least 3 runs)")
    parser.add_argument("--limit", type=float, default=120.0, help="seconds one request may take")
    parser.add_argument("--skip-service", action="store_true", help="on Virtuoso, time its /sparql only")
    parser.add_argument("--json", type=Path, default=HERE / "data" / "remote-results.json")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the finally blocks still stop the servers
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for tool in ("virtuoso-t", "isql-vt"):
        if not shutil.which(tool):
            parser.error(f"{tool} is not installed (Debian: virtuoso-opensource-7-bin)")
    texts = bench.benchmark_queries()
    version = subprocess.run(["virtuoso-t", "-?"], capture_output=True, text=True).stderr
    found = re.search(r"Version (\S+)", version)
    results: dict[str, Any] = {
        "machine": bench.machine(),
        "virtuoso": f"Virtuoso Open Source {found.group(1)}" if found else "Virtuoso",
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "queries": list(texts),
    }
    try:
        for size in args.sizes.split(","):
            try:
                run_size(size.strip(), texts, args, results)
            except Exception as err:  # say what failed and go on with the figures so far
                say(f"{size}: {type(err).__name__}: {err}")
                results.setdefault(size, {})["failed"] = f"{type(err).__name__}: {err}"
    finally:
        args.json.write_text(json.dumps(results, indent=2))
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
