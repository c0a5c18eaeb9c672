"""The W3C SPARQL 1.1 suites against the running service, through ``../shared/tools/w3c_sparql.py``.

Query evaluation: at least 223 of 235, and with ``--baseline`` (pyoxigraph's own failures, measured in-process in
this run) no failure pyoxigraph does not have itself. Protocol mode, update requests included: no failure.
The service runs as the harness needs it: an empty, disposable store whose default graph is not the union.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_serve_support import ROOT, TOKEN, Server, running

SHARED = ROOT.parent / "shared"
HARNESS = SHARED / "tools" / "w3c_sparql.py"
SUITES = SHARED / "w3c-sparql11"

pytestmark = pytest.mark.skipif(
    not (HARNESS.is_file() and SUITES.is_dir()),
    reason=f"the W3C harness and suites are not beside the checkout ({HARNESS}, {SUITES})",
)


def harness(*args: str, out: Path) -> tuple[subprocess.CompletedProcess[str], dict]:
    cmd = [sys.executable, str(HARNESS), "--tests-dir", str(SUITES), "--json-out", str(out), "-q", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    report = json.loads(out.read_text()) if out.exists() else {}
    return done, report


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running(tmp_path_factory.mktemp("w3c"), "--empty", "--no-union-default-graph") as srv:
        yield srv


def test_query_evaluation(w3c_server: Server, tmp_path: Path) -> None:
    baseline, anchor = harness("--engine", "pyoxigraph", out=tmp_path / "pyoxigraph.json")
    assert anchor.get("totals"), baseline.stderr
    ep = w3c_server.url
    done, report = harness(
        "--endpoint",
        f"{ep}/sparql",
        "--gsp",
        f"{ep}/store",
        "--token",
        TOKEN,
        "--baseline",
        str(tmp_path / "pyoxigraph.json"),
        out=tmp_path / "endpoint.json",
    )
    assert report.get("totals"), done.stdout + done.stderr
    passed = report["totals"]["passed"]
    print(
        f"W3C query evaluation: {passed} passed, {report['totals']['failed']} failed (pyoxigraph in-process: "
        f"{anchor['totals']['passed']} passed)"
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert passed >= 223


def test_protocol_with_updates(w3c_server: Server, tmp_path: Path) -> None:
    ep = w3c_server.url
    done, report = harness(
        "--endpoint",
        f"{ep}/sparql",
        "--gsp",
        f"{ep}/store",
        "--token",
        TOKEN,
        "--protocol",
        "--update-endpoint",
        f"{ep}/sparql",
        out=tmp_path / "protocol.json",
    )
    assert report.get("totals"), done.stdout + done.stderr
    print(f"W3C protocol: {report['totals']}")
    assert done.returncode == 0 and report["totals"]["failed"] == 0, done.stdout[-3000:]
    assert report["totals"].get("skipped", 0) == 0
