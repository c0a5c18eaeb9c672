"""The query worker: a process that runs one request at a time against its own view of the dataset.

pyoxigraph cannot interrupt a running query, so queries (and the parsing of anything a client sent) run here, where
the parent can stop them by killing the process. Two kinds of worker exist: one forked from the server, sharing its
in-memory store copy-on-write (:class:`MemoryBackend`), and one started fresh (``python -m policykg.store.worker FD``)
that opens read-only snapshots of the on-disk store (:class:`SnapshotBackend`).

Requests are dicts with an ``op``; replies are ``("ok", value)`` or ``("err", kind, message)`` where ``kind`` names
an error class of :mod:`.errors`.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import socket
import sys
import time
from typing import Any, Protocol

import pyoxigraph as ox

from . import federation, ipc, results
from .binding import bind_values
from .errors import (
    EvaluationError,
    GraphNotFound,
    PayloadError,
    QuerySyntaxError,
    StoreError,
)
from .formats import GRAPH_FORMATS, upload_format
from .lexer import has_from_clause
from .update_dataset import apply_using


class Backend(Protocol):
    def store(self, job: dict[str, Any]) -> ox.Store: ...


class MemoryBackend:
    """The store the worker was forked with: a copy-on-write snapshot of the server's in-memory store."""

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def store(self, job: dict[str, Any]) -> ox.Store:
        return self._store


class SnapshotBackend:
    """Read-only views of on-disk snapshots; the job names the one that is current."""

    def __init__(self) -> None:
        self._opened: tuple[int, ox.Store] | None = None

    def store(self, job: dict[str, Any]) -> ox.Store:
        version, path = job["snapshot"]
        if self._opened is None or self._opened[0] != version:
            self._opened = None
            gc.collect()
            self._opened = (version, ox.Store.read_only(path))
        return self._opened[1]


def _iri(value: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as err:
        raise QuerySyntaxError(f"{what}: {err}") from None


def run_query(backend: Backend, job: dict[str, Any]) -> dict[str, Any]:
    text: str = job["text"]
    base = job.get("base_iri")
    federation.check(text, base, job.get("allow", ()))
    kwargs: dict[str, Any] = {}
    default_graphs, named_graphs = job.get("default_graphs", ()), job.get("named_graphs", ())
    if default_graphs or named_graphs:
        kwargs["default_graph"] = [_iri(g, "default-graph-uri") for g in default_graphs]
        kwargs["named_graphs"] = [_iri(g, "named-graph-uri") for g in named_graphs]
    elif job.get("union") and not has_from_clause(text):
        kwargs["use_default_graph_as_union"] = True
    store = backend.store(job)
    try:
        if job.get("substitutions"):
            text = bind_values(text, job["substitutions"])
        result = store.query(text, base_iri=base, **kwargs)
    except SyntaxError as err:
        raise QuerySyntaxError.from_parser(err, text) from None
    except (OSError, RuntimeError, ValueError, TypeError) as err:
        raise EvaluationError(str(err)) from None
    try:
        body, media_type, kind, truncated = results.serialize(
            result, job.get("results_format"), job.get("graph_format"), job.get("row_cap"), job.get("prefixes")
        )
    except (OSError, RuntimeError, ValueError) as err:
        raise EvaluationError(str(err)) from None
    return {"body": body, "media_type": media_type, "kind": kind, "truncated": truncated}


def run_dump(backend: Backend, job: dict[str, Any]) -> dict[str, Any]:
    store = backend.store(job)
    graph = job.get("graph")
    if graph is None:
        name: ox.NamedNode | ox.DefaultGraph = ox.DefaultGraph()
    else:
        name = _iri(graph, "graph")
        if not store.contains_named_graph(name):
            raise GraphNotFound(f"no graph <{graph}> in the store")
    media_type = job["media_type"]
    prefixes = job.get("prefixes") if media_type == "text/turtle" else None
    body = store.dump(format=GRAPH_FORMATS[media_type], from_graph=name, prefixes=prefixes)
    return {"body": body, "media_type": media_type, "kind": "graph", "truncated": False}


def check_update(backend: Backend, job: dict[str, Any]) -> str:
    """Vet an update before the server applies it: federation, the protocol's dataset, and a dry run.

    The dry run runs on the worker's own copy of the data (``dry_run == "data"``; the worker is discarded after)
    or on an empty store (``"empty"``: then only the parse counts). Either way, a parser that would exhaust its stack
    or run for ever does so here, not in the server.
    """
    text, base = job["text"], job.get("base_iri")
    federation.check(text, base, job.get("allow", ()), update=True)
    text = apply_using(text, tuple(job.get("using", ())), tuple(job.get("using_named", ())))
    on_data = job.get("dry_run") == "data"
    target = backend.store(job) if on_data else ox.Store()
    try:
        target.update(text, base_iri=base)
    except SyntaxError as err:
        raise QuerySyntaxError.from_parser(err, text) from None
    except (OSError, RuntimeError, ValueError) as err:
        if on_data:
            raise EvaluationError(str(err)) from None
    return text


def parse_upload(job: dict[str, Any]) -> int:
    """Parse an uploaded graph into canonical N-Triples (fresh blank nodes); returns the number of triples."""
    fmt = upload_format(job["media_type"])
    if fmt is None:
        raise PayloadError(f"unsupported RDF media type {job['media_type']!r}")
    count = 0

    def counted(quads: ox.QuadParser) -> Any:
        nonlocal count
        for quad in quads:
            count += 1
            yield quad

    try:
        quads = ox.parse(
            path=job["path"],
            format=fmt,
            base_iri=job.get("base_iri"),
            without_named_graphs=True,
            rename_blank_nodes=True,
        )
        ox.serialize(counted(quads), job["out"], ox.RdfFormat.N_QUADS)
    except SyntaxError as err:
        raise PayloadError(f"malformed {fmt.name}: {_without_path(str(err), job['path'])}") from None
    except (OSError, ValueError, RuntimeError) as err:
        raise PayloadError(f"cannot read the {fmt.name} document: {_without_path(str(err), job['path'])}") from None
    return count


def _without_path(message: str, path: str) -> str:
    """The parser's message about the spooled upload, with the server's file name (which the client never saw)
    said as what the client sent."""
    return message.replace(f"({os.path.basename(path)}, ", "(the request body, ").replace(path, "the request body")


def handle(backend: Backend, job: dict[str, Any]) -> tuple[Any, ...]:
    op = job["op"]
    try:
        if op == "query":
            return ("ok", run_query(backend, job))
        if op == "dump":
            return ("ok", run_dump(backend, job))
        if op == "check_update":
            return ("ok", check_update(backend, job))
        if op == "parse_upload":
            return ("ok", parse_upload(job))
        if op == "ping":
            return ("ok", os.getpid())
        return ("err", "EvaluationError", f"unknown operation {op!r}")
    except StoreError as err:
        return ("err", type(err).__name__, str(err))
    except RecursionError:
        return ("err", "QuerySyntaxError", "the request is nested too deeply to parse")
    except Exception as err:
        return ("err", "EvaluationError", f"{type(err).__name__}: {err}")


def serve(sock: socket.socket, backend: Backend) -> None:
    """Answer requests until the parent closes the socket."""
    while True:
        try:
            job = ipc.recv(sock)
        except (EOFError, OSError):
            return
        started = time.perf_counter()
        reply = handle(backend, job)
        payload = b""
        if reply[0] == "ok":
            value = reply[1]
            if isinstance(value, dict) and isinstance(value.get("body"), bytes):
                payload = value.pop("body")  # raw, beside the pickle: the pool puts it back
            reply = (*reply, time.perf_counter() - started)
        try:
            ipc.send(sock, reply, payload)
        except OSError:
            return


def _die_with_parent(parent_pid: int) -> None:
    """Get SIGKILL when the server dies, so no worker outlives it (Linux; elsewhere the socket's EOF does it)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:
        os._exit(0)


def limit_memory(extra: int) -> None:
    """Let this process grow by at most ``extra`` bytes of address space beyond what it has now (0: no limit).

    A request that needs more (an entity-expansion bomb in RDF/XML, a gigantic sort) then fails to allocate and the
    worker dies, instead of the machine's OOM killer picking a victim.
    """
    if extra <= 0:
        return
    with contextlib.suppress(OSError, ValueError, ImportError):
        import resource

        with open("/proc/self/statm") as statm:
            current = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        resource.setrlimit(resource.RLIMIT_AS, (current + extra, current + extra))


def detach(parent_pid: int, keep: int, memory_extra: int = 0) -> None:
    """Make a freshly forked child a worker: own signals, none of the server's sockets, no GC of inherited objects."""
    _die_with_parent(parent_pid)
    limit_memory(memory_extra)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the server, which stops its workers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
    # Point every inherited descriptor (listening socket, client connections, other workers' pipes, the event
    # loop's epoll) at /dev/null: closing them instead would let Python objects still holding the numbers close
    # whatever reuses them later.
    null = os.open(os.devnull, os.O_RDWR)
    for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
        fd = int(name)
        if fd > 2 and fd not in (keep, null):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
    gc.freeze()


def main(argv: list[str]) -> None:
    """Entry point of a started (not forked) worker: ``python -m policykg.store.worker FD PARENT_PID [MEMORY]``."""
    fd, parent_pid = int(argv[1]), int(argv[2])
    _die_with_parent(parent_pid)
    limit_memory(int(argv[3]) if len(argv) > 3 else 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    serve(sock, SnapshotBackend())


if __name__ == "__main__":
    main(sys.argv)
