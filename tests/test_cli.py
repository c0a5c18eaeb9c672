"""The command line: query (named, file, parameters, formats), export, import-aif."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Dataset

from policykg import commands
from policykg.cli import main

TOKYO = "https://w3id.org/policykg/id/proposal/nato-tokyo-liaison-office"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner(env={"COLUMNS": "1000"}).invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_named_query_as_table_by_default(built: object) -> None:
    code, out = run("query", "stances-on-proposal")
    assert code == 0
    assert "id:actor/france" in out and "pkg:opposing" in out


def test_named_query_with_a_parameter_as_csv(built: object) -> None:
    code, out = run(
        "query",
        "claims-citing-provision",
        "--format",
        "csv",
        "-p",
        "provision=https://w3id.org/policykg/id/provision/north-atlantic-treaty-article-6",
    )
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert any(r["claim"].endswith("/french-official-north-atlantic-scope") for r in rows)


def test_query_file_as_json(tmp_path: Path, built: object) -> None:
    rq = tmp_path / "count.rq"
    rq.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/policykg/ontology#Proposal> }")
    code, out = run("query", str(rq), "--format", "json")
    assert code == 0
    assert int(json.loads(out)["results"]["bindings"][0]["n"]["value"]) > 50


def test_bad_parameter_and_unknown_query_are_named(built: object) -> None:
    code, out = run("query", "stances-on-proposal", "-p", "proposal=not an iri")
    assert code == 2 and "proposal" in out and "not an absolute IRI" in out
    code, out = run("query", "no-such-query")
    assert code == 2 and "no query named 'no-such-query'" in out
    code, out = run("query", "stances-of-actor", "-p", "who=france")  # the message says what it takes
    assert code == 2 and "has no parameter 'who'; it takes: actor" in out


def test_a_query_file_that_does_not_parse_is_an_error_naming_it(tmp_path: Path, built: object) -> None:
    rq = tmp_path / "bad.rq"
    rq.write_text("SELECT ?s WHERE {\n  ?s dc:title ?t }")
    code, out = run("query", str(rq))
    assert code == 1 and f"{rq}: the query does not parse: error at 2:" in out
    assert "the prefix 'dc:' is not declared" in out


def test_with_an_endpoint_a_query_file_is_sent_whatever_its_name(tmp_path: Path, monkeypatch) -> None:
    """Not the named query of the same stem: a file called dataset-overview.sparql is the caller's query."""
    sent: list[tuple[str, bool]] = []

    def remote(endpoint: str, query: object, values: dict, by_name: bool) -> dict:
        sent.append((query.text, by_name))  # type: ignore[attr-defined]
        return {"head": {}, "boolean": True}

    monkeypatch.setattr(commands, "remote_json", remote)
    mine = tmp_path / "dataset-overview.sparql"
    mine.write_text("ASK { ?s ?p ?o }")
    assert run("query", str(mine), "--endpoint", "http://127.0.0.1:9/sparql")[0] == 0
    assert run("query", "dataset-overview", "--endpoint", "http://127.0.0.1:9/sparql")[0] == 0
    assert sent[0] == ("ASK { ?s ?p ?o }", False) and sent[1][1] is True


def test_export_formats_and_import_aif_round_trip(tmp_path: Path, built: object) -> None:
    trig = tmp_path / "all.trig"
    assert run("export", "--format", "trig", "--out", str(trig))[0] == 0
    ds = Dataset()
    ds.parse(trig, format="trig")
    assert sum(len(g) for g in ds.graphs()) > 10_000
    aif = tmp_path / "corpus.aif.json"
    assert run("export", "--format", "aif", "--out", str(aif))[0] == 0
    code, out = run(
        "import-aif", str(aif), "--title", "Corpus again", "--date", "2026-11", "--out", str(tmp_path / "i.trig")
    )
    assert code == 0
    counts = json.loads(out.strip().splitlines()[-1])
    assert counts["graph"].endswith("/graph/document/aif-corpus-again") and counts["claims"] > 400


def test_import_aif_refuses_malformed_maps(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"nodes": [{"nodeID": 1, "type": "CA"}], "edges": [{"fromID": 1, "toID": 5}]}))
    out_file = tmp_path / "never.trig"
    code, out = run("import-aif", str(bad), "--title", "Bad", "--date", "2020", "--out", str(out_file))
    assert code == 1 and "node 5" in out and "does not exist" in out
    assert not out_file.exists()


def test_serve_refuses_to_start_with_a_malformed_named_query(project_copy, tmp_path: Path) -> None:
    import shutil
    import subprocess
    import sys

    queries = project_copy.root / "queries"
    shutil.copytree(Path(__file__).resolve().parents[1] / "queries", queries)
    bad = queries / "broken.rq"
    bad.write_text("#+ title: Broken\n#+ params:\n#+   - name: x\n#+     type: colour\nSELECT ?x WHERE { ?x ?p ?o }\n")
    proc = subprocess.run(
        [sys.executable, "-m", "policykg", "--root", str(project_copy.root), "serve", "--empty", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1
    assert f"{bad}:4" in proc.stderr.replace("\n", "") and "colour" in proc.stderr
