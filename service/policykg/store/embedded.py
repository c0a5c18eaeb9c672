"""The embedded backend: a pyoxigraph store in the server process, queried through worker processes.

In memory (the default), workers are forked from the server and see its store copy-on-write as it was at the fork;
a write bumps the version, and workers forked before it are retired and replaced on demand. On disk (``directory``),
the server holds the RocksDB store read-write and workers, started as fresh processes (forking a process that runs
RocksDB's background threads is unsafe), read hard-link snapshots of it that are taken lazily after writes.

Writes are serialised (one at a time) and applied in one transaction each; what a client sent is first parsed or
dry-run in a worker, so a malformed or hostile payload never reaches the server's own store.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from .. import statistics
from . import worker as worker_module
from .base import GraphName, QueryRequest, QueryResult, Store, UpdateRequest
from .errors import EvaluationError, GraphNotFound, PayloadError, QuerySyntaxError, QueryTimeout
from .lexer import valid_iri
from .parallel_load import parallel_bulk_load
from .pool import Worker, WorkerPool

log = logging.getLogger("policykg.store")
T = TypeVar("T")
STATE_FILE = "policykg-store.json"


def default_workers() -> int:
    return max(2, min(8, os.cpu_count() or 2))


class EmbeddedStore(Store):
    def __init__(
        self,
        directory: Path | None = None,
        *,
        workers: int | None = None,
        timeout: float = 10.0,
        allowed_endpoints: tuple[str, ...] = (),
        prefixes: dict[str, str] | None = None,
        max_waiting: int = 64,
        upload_seconds_per_mib: float = 1.0,
        worker_memory_mib: int = 2048,
    ) -> None:
        self.directory = directory.resolve() if directory else None
        self.timeout = timeout
        self.allowed_endpoints = tuple(allowed_endpoints)
        self.prefixes = dict(prefixes or {})
        self.upload_seconds_per_mib = upload_seconds_per_mib
        self.worker_memory = worker_memory_mib * 2**20
        self._lock = threading.Lock()  # the master store: writes and forks never overlap
        self._version = 0
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="policykg-writer")
        self._snapshotter = ThreadPoolExecutor(1, thread_name_prefix="policykg-snapshot")
        self._write_lock: asyncio.Lock | None = None
        self._snapshot_lock: asyncio.Lock | None = None
        self._snapshots: dict[int, Path] = {}
        self._current_snapshot: int | None = None
        if self.directory is None:
            self._ox = ox.Store()
            spawn: Callable[[], Worker] = self._fork_worker
            current: Callable[[], int] | None = lambda: self._version  # noqa: E731
        else:
            self._ox = _open_persistent(self.directory)
            shutil.rmtree(self._snapshot_dir, ignore_errors=True)
            spawn, current = self._start_worker, None
        self._pool = WorkerPool(spawn, workers or default_workers(), current, max_waiting)
        # Parsing uploads needs no data: a started (not forked) process does it, so that a write does not first
        # have to fork a worker current enough to read a file.
        self._parsers = WorkerPool(self._start_worker, 1, None, max_waiting)

    # -- facts -----------------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._version

    @property
    def persistent(self) -> bool:
        return self.directory is not None

    @property
    def _snapshot_dir(self) -> Path:
        assert self.directory is not None
        return self.directory / "snapshots"

    def status(self) -> dict[str, Any]:
        return {
            "backend": "pyoxigraph",
            "persistent": self.persistent,
            "version": self._version,
            "workers": self._pool.status(),
            "parsers": self._parsers.status(),
        }

    # -- loading (before start) ------------------------------------------------------------------------------------

    def recorded_build(self) -> str | None:
        """The build hash recorded with the on-disk store's contents (None in memory or if never loaded)."""
        if self.directory is None:
            return None
        return _read_state(self.directory).get("build")

    def bulk_load(self, trig: Path, build_hash: str | None = None) -> None:
        """Load a TriG (or, by its ``.nq`` suffix, N-Quads) file fast. On disk the contents are replaced: loaded
        into a new database, then switched to (so an interrupted load leaves the previous contents in place)."""
        fmt = ox.RdfFormat.N_QUADS if trig.suffix == ".nq" else ox.RdfFormat.TRIG
        if self.directory is None:
            # In memory, a lenient (unvalidated: the file is our own build) transactional load is faster than
            # bulk_load and peaks at about 60 % of its memory (1M quads: 4.4 s and 380 MB against 5.8 s and 610 MB).
            self._ox.load(path=str(trig), format=fmt, lenient=True)
            self._version += 1
            return
        state = _read_state(self.directory)
        old = self.directory / state.get("db", "data")
        name = f"data-{uuid.uuid4().hex[:8]}"
        for stale in self.directory.glob("chunks-*"):  # left by a load that was killed
            shutil.rmtree(stale, ignore_errors=True)
        fresh = ox.Store(str(self.directory / name))
        parallel_bulk_load(fresh, trig, fmt, scratch=self.directory)
        fresh.flush()
        _write_state(self.directory, {"db": name, "build": build_hash})
        self._ox = fresh
        self._version += 1
        shutil.rmtree(old, ignore_errors=True)

    # -- lifecycle -------------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._write_lock = asyncio.Lock()
        self._snapshot_lock = asyncio.Lock()
        await self._parsers.start(warm=1)
        await self._pool.start(warm=min(2, self._pool.size))
        if self.directory is None:
            # Import the federation checker's parser (0.4 s) after the first workers are up, on the forking thread,
            # so that workers forked later share it; earlier ones import it if they ever need it.
            self._pool.in_forker(_preload_rdflib)

    async def close(self) -> None:
        await self._pool.close()
        await self._parsers.close()
        self._writer.shutdown(wait=True)
        self._snapshotter.shutdown(wait=True)
        if self.directory is not None:
            with contextlib.suppress(OSError):
                self._ox.flush()
            shutil.rmtree(self._snapshot_dir, ignore_errors=True)

    # -- reads -----------------------------------------------------------------------------------------------------

    async def query(self, request: QueryRequest) -> QueryResult:
        return await self._read(self.query_job(request), request.timeout or self.timeout)

    def query_job(self, request: QueryRequest) -> dict[str, Any]:
        """What a worker is sent to run ``request`` (see :func:`.worker.run_query`)."""
        return {
            "op": "query",
            "text": request.text,
            "base_iri": request.base_iri,
            "default_graphs": request.dataset.default_graphs,
            "named_graphs": request.dataset.named_graphs,
            "union": request.union_default,
            "results_format": request.results_format,
            "graph_format": request.graph_format,
            "row_cap": request.row_cap,
            "allow": self.allowed_endpoints,
            "prefixes": self.prefixes,
            "substitutions": request.substitutions,
        }

    async def get_graph(self, graph: GraphName, media_type: str, timeout: float | None = None) -> QueryResult:
        _check_graph(graph)
        job = {"op": "dump", "graph": graph, "media_type": media_type, "prefixes": self.prefixes}
        return await self._read(job, timeout or self.timeout)

    async def _read(self, job: dict[str, Any], timeout: float) -> QueryResult:
        seen: list[int] = []
        if self.directory is not None:
            await self._ensure_snapshot()

        def prepare(worker: Worker) -> None:
            if self.directory is None:
                seen.append(worker.version)
            else:
                version = self._current_snapshot
                assert version is not None
                job["snapshot"] = (version, str(self._snapshots[version]))
                worker.snapshot = version
                seen.append(version)

        value = await self._pool.run(job, timeout, prepare)
        if self.directory is not None and len(self._snapshots) > 1:
            self._drop_old_snapshots()
        return QueryResult(value["body"], value["media_type"], value["kind"], seen[0], value["truncated"])

    async def _ensure_snapshot(self) -> None:
        if self._current_snapshot == self._version:
            return
        assert self._snapshot_lock is not None
        async with self._snapshot_lock:
            if self._current_snapshot == self._version:
                return
            loop = asyncio.get_running_loop()
            version, path = await loop.run_in_executor(self._snapshotter, self._take_snapshot)
            self._snapshots[version] = path
            self._current_snapshot = version

    def _take_snapshot(self) -> tuple[int, Path]:
        # A RocksDB checkpoint (hard links) is consistent on its own; reading the version first means the snapshot
        # holds at least that version's writes.
        version = self._version
        path = self._snapshot_dir / f"v{version}-{uuid.uuid4().hex[:8]}"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._ox.backup(str(path))
        return version, path

    def _drop_old_snapshots(self) -> None:
        in_use = {w.snapshot for w in self._pool.busy()} | {self._current_snapshot}
        for version in [v for v in self._snapshots if v not in in_use]:
            path = self._snapshots.pop(version)
            self._snapshotter.submit(shutil.rmtree, path, True)

    # -- writes ----------------------------------------------------------------------------------------------------

    async def update(self, request: UpdateRequest) -> None:
        job = {
            "op": "check_update",
            "text": request.text,
            "base_iri": request.base_iri,
            "using": request.using_graphs,
            "using_named": request.using_named_graphs,
            "allow": self.allowed_endpoints,
            "dry_run": "empty" if self.persistent else "data",
        }
        timeout = request.timeout or self.timeout
        assert self._write_lock is not None, "store not started"
        async with self._write_lock:
            try:
                if self.persistent:
                    text = await self._parsers.run(job, timeout)
                else:
                    text = await self._pool.run_disposable(job, timeout)
            except QueryTimeout:
                raise EvaluationError(
                    f"the update's checks ran past the time limit of {timeout:g} s; it was not applied"
                ) from None
            log.info("write: update (%d characters)", len(text))
            await self._apply(lambda st: st.update(text, base_iri=request.base_iri))

    async def put_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        _check_graph(graph)
        assert self._write_lock is not None, "store not started"
        async with self._write_lock:
            triples = await self._parse_upload(payload, media_type, base_iri)
            try:
                log.info("write: PUT %s (%d bytes)", _label(graph), triples.stat().st_size)
                return await self._apply(functools.partial(self._replace, graph, triples))
            finally:
                triples.unlink(missing_ok=True)

    async def post_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        _check_graph(graph)
        assert self._write_lock is not None, "store not started"
        async with self._write_lock:
            triples = await self._parse_upload(payload, media_type, base_iri)
            try:
                log.info("write: POST %s (%d bytes)", _label(graph), triples.stat().st_size)
                return await self._apply(functools.partial(self._merge, graph, triples))
            finally:
                triples.unlink(missing_ok=True)

    async def delete_graph(self, graph: GraphName) -> None:
        _check_graph(graph)
        assert self._write_lock is not None, "store not started"
        async with self._write_lock:
            log.info("write: DELETE %s", _label(graph))
            await self._apply(functools.partial(self._drop, graph))

    async def _parse_upload(self, payload: Path, media_type: str, base_iri: str | None) -> Path:
        out = payload.with_name(payload.name + ".nt")
        mib = payload.stat().st_size / 2**20
        job = {"op": "parse_upload", "path": str(payload), "media_type": media_type, "base_iri": base_iri}
        job["out"] = str(out)
        limit = self.timeout + mib * self.upload_seconds_per_mib
        try:
            await self._parsers.run(job, limit)
        except QueryTimeout:
            out.unlink(missing_ok=True)
            message = f"the document could not be parsed within {limit:.0f} s (too big or too complex)"
            raise PayloadError(message) from None
        except BaseException:
            out.unlink(missing_ok=True)
            raise
        return out

    async def _apply(self, change: Callable[[ox.Store], T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._writer, self._apply_locked, change)
        finally:
            self._pool.retire_stale()

    def _apply_locked(self, change: Callable[[ox.Store], T]) -> T:
        with self._lock:
            try:
                result = change(self._ox)
                statistics.refresh(self._ox)  # before any reader can see the new version
                return result
            except SyntaxError as err:
                raise QuerySyntaxError.from_parser(err) from None
            except (OSError, RuntimeError, ValueError) as err:
                raise EvaluationError(str(err)) from None
            finally:
                self._version += 1  # even a failed write may have been attempted: never serve older copies after it

    def _replace(self, graph: GraphName, triples: Path, st: ox.Store) -> bool:
        name = _graph_node(graph)
        existed = graph is None or st.contains_named_graph(name)
        has_data = existed and next(iter(st.quads_for_pattern(None, None, None, name)), None) is not None
        if has_data and self.persistent:
            # one transaction, so that a crash leaves either the old or the new graph, never a mix
            target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
            data = triples.read_text(encoding="utf-8")
            block = data if graph is None else f"GRAPH <{graph}> {{\n{data}}}"
            st.update(f"CLEAR SILENT {target} ;\nINSERT DATA {{\n{block}}}")
        else:
            if has_data:
                st.clear_graph(name)
            st.load(path=str(triples), format=ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)
        if graph is not None and not existed:
            st.add_graph(name)
        return not existed

    def _merge(self, graph: GraphName, triples: Path, st: ox.Store) -> bool:
        name = _graph_node(graph)
        existed = graph is None or st.contains_named_graph(name)
        st.load(path=str(triples), format=ox.RdfFormat.N_TRIPLES, to_graph=name, lenient=True)
        if graph is not None and not existed:
            st.add_graph(name)
        return not existed

    def _drop(self, graph: GraphName, st: ox.Store) -> None:
        name = _graph_node(graph)
        if graph is None:
            st.clear_graph(name)
            return
        if not st.contains_named_graph(name):
            raise GraphNotFound(f"no graph <{graph}> in the store")
        st.remove_graph(name)

    # -- workers ---------------------------------------------------------------------------------------------------

    def _fork_worker(self) -> Worker:
        parent_end, child_end = socket.socketpair()
        server_pid = os.getpid()
        with self._lock:
            version = self._version
            pid = os.fork()
            if pid == 0:  # the worker; never returns
                code = 0
                try:
                    parent_end.close()
                    worker_module.detach(server_pid, child_end.fileno(), self.worker_memory)
                    worker_module.serve(child_end, worker_module.MemoryBackend(self._ox))
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
        child_end.close()
        parent_end.setblocking(False)
        return Worker(pid=pid, sock=parent_end, version=version)

    def _start_worker(self) -> Worker:
        parent_end, child_end = socket.socketpair()
        fd = child_end.fileno()
        proc = subprocess.Popen(
            [sys.executable, "-m", "policykg.store.worker", str(fd), str(os.getpid()), str(self.worker_memory)],
            pass_fds=(fd,),
            stdin=subprocess.DEVNULL,
        )
        child_end.close()
        parent_end.setblocking(False)
        return Worker(pid=proc.pid, sock=parent_end, proc=proc)


def _preload_rdflib() -> None:
    import rdflib.plugins.sparql.algebra
    import rdflib.plugins.sparql.parser  # noqa: F401


def _check_graph(graph: GraphName) -> None:
    if graph is not None and not valid_iri(graph):
        raise QuerySyntaxError(f"not an IRI: {graph!r}")


def _graph_node(graph: GraphName) -> ox.NamedNode | ox.DefaultGraph:
    return ox.DefaultGraph() if graph is None else ox.NamedNode(graph)


def _label(graph: GraphName) -> str:
    return "the default graph" if graph is None else f"<{graph}>"


def _read_state(directory: Path) -> dict[str, Any]:
    try:
        return json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(directory: Path, state: dict[str, Any]) -> None:
    state = {**state, "written": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    tmp = directory / (STATE_FILE + ".tmp")
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=2)
        out.flush()
        os.fsync(out.fileno())
    tmp.replace(directory / STATE_FILE)


def _open_persistent(directory: Path) -> ox.Store:
    directory.mkdir(parents=True, exist_ok=True)
    state = _read_state(directory)
    if not state:
        _write_state(directory, {"db": "data", "build": None})
        state = {"db": "data"}
    for stray in directory.glob("data-*"):  # a load that was interrupted before it was switched to
        if stray.name != state["db"]:
            shutil.rmtree(stray, ignore_errors=True)
    return ox.Store(str(directory / state["db"]))
