"""A pool of worker processes that run requests with a hard time limit.

A request takes a slot (at most ``size`` run at once; a bounded number may wait), then an idle worker that is
current (a forked worker reflects the dataset version it was forked at; after a write, older ones are retired), or
a new one. If the reply does not come in time the worker is killed — which stops the query and frees its CPU at once —
and a new one is started on demand. Workers are started from one long-lived thread, so that "die with the parent"
(PR_SET_PDEATHSIG, which follows the creating *thread*) means the server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from . import ipc
from .errors import ERROR_KINDS, EvaluationError, Overloaded, QueryTimeout, WorkerCrashed

log = logging.getLogger("policykg.store")


@dataclass(eq=False)
class Worker:
    pid: int
    sock: socket.socket
    version: int = -1
    """Dataset version the worker's data reflects; -1 if it follows snapshots named in each job."""
    proc: subprocess.Popen[bytes] | None = None
    snapshot: int | None = None
    jobs: int = field(default=0)
    channel: ipc.Channel | None = None
    """The event loop's end of ``sock``, opened when the worker joins the pool."""


class WorkerPool:
    def __init__(
        self,
        spawn: Callable[[], Worker],
        size: int,
        current_version: Callable[[], int] | None = None,
        max_waiting: int = 64,
    ) -> None:
        self._spawn = spawn
        self.size = max(1, size)
        self._current = current_version
        self.max_waiting = max_waiting
        self._forker = ThreadPoolExecutor(1, thread_name_prefix="policykg-forker")
        self._reaper = ThreadPoolExecutor(1, thread_name_prefix="policykg-reaper")
        self._idle: list[Worker] = []
        self._live: set[Worker] = set()
        self._busy: set[Worker] = set()
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0
        self._closed = False
        self._reaping = True

    # -- lifecycle -------------------------------------------------------------------------------------------------

    async def start(self, warm: int | None = None) -> None:
        self._slots = asyncio.Semaphore(self.size)
        for _ in range(self.size if warm is None else warm):
            self._idle.append(await self._new())

    async def close(self) -> None:
        self._closed = True
        for worker in list(self._live):
            self._kill(worker)
        self._forker.shutdown(wait=True)
        self._reaping = False
        self._reaper.shutdown(wait=True)

    def status(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "live": len(self._live),
            "idle": len(self._idle),
            "waiting": self._waiting,
            "pids": sorted(w.pid for w in self._live),
        }

    def in_forker(self, fn: Callable[[], Any]) -> None:
        """Run ``fn`` on the thread that forks workers, between forks (e.g. imports later forks should share)."""
        self._forker.submit(fn)

    def busy(self) -> set[Worker]:
        return set(self._busy)

    # -- running requests ------------------------------------------------------------------------------------------

    async def run(self, job: dict[str, Any], timeout: float, prepare: Callable[[Worker], None] | None = None) -> Any:
        """Run ``job`` on a worker; its value, or the worker's error raised as a :mod:`.errors` exception."""
        assert self._slots is not None, "pool not started"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self._slots.locked():
            if self._waiting >= self.max_waiting:
                raise Overloaded(f"{self._waiting} requests are already waiting for a worker; try again shortly")
            self._waiting += 1
            try:
                async with asyncio.timeout_at(deadline):
                    await self._slots.acquire()
            except TimeoutError:
                raise QueryTimeout(f"no worker became free within the time limit of {timeout:g} s") from None
            finally:
                self._waiting -= 1
        else:
            await self._slots.acquire()
        try:
            worker = await self._checkout()
            if prepare is not None:
                prepare(worker)
            reply = await self._exchange(worker, job, deadline - loop.time(), timeout)
            self._checkin(worker)
        finally:
            self._slots.release()
        return _unwrap(reply)

    async def run_disposable(self, job: dict[str, Any], timeout: float) -> Any:
        """Run ``job`` on a new worker that is discarded afterwards (for dry runs that change its data)."""
        worker = await self._new()
        try:
            reply = await self._exchange(worker, job, timeout, timeout)
        finally:
            self._kill(worker)
        return _unwrap(reply)

    def retire_stale(self) -> None:
        """Stop idle workers whose data is older than the dataset (called after each write)."""
        keep = []
        for worker in self._idle:
            if self._usable(worker):
                keep.append(worker)
            else:
                self._kill(worker)
        self._idle = keep

    # -- internals -------------------------------------------------------------------------------------------------

    async def _new(self) -> Worker:
        worker = await asyncio.get_running_loop().run_in_executor(self._forker, self._spawn)
        self._live.add(worker)
        try:
            worker.channel = await ipc.Channel.open(worker.sock)
        except BaseException:
            self._kill(worker)
            raise
        return worker

    def _usable(self, worker: Worker) -> bool:
        return self._current is None or worker.version < 0 or worker.version == self._current()

    async def _checkout(self) -> Worker:
        while self._idle:
            worker = self._idle.pop()
            if self._usable(worker):
                self._busy.add(worker)
                return worker
            self._kill(worker)
        worker = await self._new()
        self._busy.add(worker)
        return worker

    def _checkin(self, worker: Worker) -> None:
        self._busy.discard(worker)
        if self._closed or not self._usable(worker) or len(self._idle) >= self.size:
            self._kill(worker)
        else:
            self._idle.append(worker)

    async def _exchange(self, worker: Worker, job: dict[str, Any], remaining: float, limit: float) -> tuple[Any, ...]:
        worker.jobs += 1
        try:
            assert worker.channel is not None
            reply, payload = await worker.channel.request(job, max(remaining, 0.001))
            if reply[0] == "ok" and isinstance(reply[1], dict) and "body" not in reply[1]:
                reply[1]["body"] = payload  # a result's bytes travel beside the pickle (see worker.serve)
            return reply
        except TimeoutError:
            self._busy.discard(worker)
            self._kill(worker)
            log.warning("stopped worker %d: %s ran past %g s", worker.pid, job.get("op"), limit)
            raise QueryTimeout(
                f"the request ran past the time limit of {limit:g} s and was stopped; "
                "simplify it (narrower patterns, LIMIT) or ask the operator for a longer limit"
            ) from None
        except (EOFError, OSError) as err:
            self._busy.discard(worker)
            self._kill(worker)
            raise WorkerCrashed(
                f"the worker running the request died ({err}); the request is probably too deeply nested or too large"
            ) from None
        except BaseException:
            self._busy.discard(worker)
            self._kill(worker)  # cancelled mid-exchange: its socket is out of step
            raise

    def _kill(self, worker: Worker) -> None:
        self._live.discard(worker)
        self._busy.discard(worker)
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)
        if worker.channel is not None:
            worker.channel.close()
        with contextlib.suppress(OSError):
            worker.sock.close()
        if self._reaping:
            self._reaper.submit(_reap, worker)
        else:
            _reap(worker)


def _reap(worker: Worker) -> None:
    with contextlib.suppress(ChildProcessError, OSError):
        if worker.proc is not None:
            worker.proc.wait()
        else:
            os.waitpid(worker.pid, 0)


def _unwrap(reply: tuple[Any, ...]) -> Any:
    if reply[0] == "ok":
        return reply[1]
    _, kind, message = reply
    raise ERROR_KINDS.get(kind, EvaluationError)(message)
