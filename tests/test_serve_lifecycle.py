"""No worker outlives its server: not after a clean stop (SIGTERM), not after a crash (SIGKILL)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from tests.test_serve_support import Server, pid_alive


def wait_gone(pids: set[int], seconds: float = 5.0) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and any(pid_alive(p) for p in pids):
        time.sleep(0.05)
    return {p for p in pids if pid_alive(p)}


@pytest.mark.parametrize("how", ["SIGTERM", "SIGKILL"])
@pytest.mark.parametrize("where", ["memory", "disk"])
def test_workers_end_with_the_server(tmp_path: Path, how: str, where: str) -> None:
    args = ["--empty", "--query-workers", "2"] + (["--store", str(tmp_path / "store")] if where == "disk" else [])
    srv = Server(*args)
    srv.start(tmp_path / "server.log")
    try:
        with srv.client() as c:
            assert srv.ask(c, "ASK {}")  # workers are up
        workers = set(srv.workers)
        assert len(workers) >= 3  # two query workers and the upload parser
        assert srv.proc is not None
        srv.proc.send_signal(getattr(signal, how))
        srv.proc.wait(15)
        assert not wait_gone(workers), f"workers left after {how}: {srv.log()}"
    finally:
        srv.stop()
