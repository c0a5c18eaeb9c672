"""``policykg serve`` on the corpus: build reuse by inputs hash, loading (in memory and on disk, where a store that
already holds the build is not reloaded), and the union default graph over the document graphs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from policykg.build import BuildResult
from policykg.config import Paths, nquads_twin
from policykg.store import loading
from policykg.store.loading import ensure_build, inputs_hash, marker_for
from policykg.vocab import Minter
from tests.test_serve_support import running

PKG = "https://w3id.org/policykg/ontology#"


def with_build(project: Paths, built: BuildResult) -> Path:
    """Put the session's build into the project copy, recorded as made from its inputs (so serve reuses it)."""
    assert built.out is not None
    trig = project.build_dir / "policykg.trig"
    trig.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built.out, trig)
    shutil.copyfile(nquads_twin(built.out), nquads_twin(trig))
    marker_for(trig).write_text(inputs_hash(project) + "\n")
    return trig


def test_inputs_hash_follows_ontology_corpus_and_version(project_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    first = inputs_hash(project_copy)
    assert inputs_hash(project_copy) == first
    entities = project_copy.corpus / "entities.yaml"
    entities.write_text(entities.read_text() + "\n# a comment changes the inputs\n")
    second = inputs_hash(project_copy)
    assert second != first
    (project_copy.ontology).write_text(project_copy.ontology.read_text() + "\n")
    assert inputs_hash(project_copy) != second
    monkeypatch.setattr(loading, "__version__", "0.0.0-test")
    assert inputs_hash(project_copy) not in (first, second)


def test_ensure_build_reuses_an_up_to_date_build(project_copy: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    trig = project_copy.build_dir / "policykg.trig"
    trig.parent.mkdir(parents=True)
    trig.write_text("# stand-in\n")
    nquads_twin(trig).write_text("# stand-in\n")
    marker_for(trig).write_text(inputs_hash(project_copy) + "\n")
    calls: list[Path | None] = []

    def fake_build(paths: Paths, out: Path | None = None, **_: object) -> None:
        calls.append(out)
        assert out is not None
        out.write_text("# rebuilt\n")
        nquads_twin(out).write_text("# rebuilt\n")

    monkeypatch.setattr("policykg.build.run_build", fake_build)
    assert ensure_build(project_copy).rebuilt is False and not calls
    (project_copy.corpus / "entities.yaml").write_text("# changed\n", encoding="utf-8")
    result = ensure_build(project_copy)
    assert result.rebuilt and calls == [trig]
    assert marker_for(trig).read_text().strip() == inputs_hash(project_copy)
    assert ensure_build(project_copy).rebuilt is False


def test_policykg_build_is_reused_by_the_commands_after_it(
    project_copy: Paths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``policykg build`` records its inputs as serve, query and export do: the next command does not build again."""
    from click.testing import CliRunner

    from policykg import cli

    class Result:
        out: Path | None = None

        def summary(self) -> str:
            return "built"

    def fake_build(paths: Paths, out: Path | None = None, **_: object) -> Result:
        result = Result()
        result.out = out or paths.build_dir / "policykg.trig"
        result.out.parent.mkdir(parents=True, exist_ok=True)
        result.out.write_text("# built\n")
        nquads_twin(result.out).write_text("# built\n")
        return result

    monkeypatch.setattr(cli, "run_build", fake_build)
    ran = CliRunner().invoke(cli.main, ["--root", str(project_copy.root), "build", "-q"], catch_exceptions=False)
    assert ran.exit_code == 0
    monkeypatch.setattr("policykg.build.run_build", lambda *a, **k: pytest.fail("built again"))
    assert ensure_build(project_copy).rebuilt is False


def test_a_build_without_its_nquads_twin_gets_one_without_rebuilding(
    project_copy: Paths, built: BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build made before the stores loaded N-Quads (or whose twin was deleted) is still current: the twin is
    written from its TriG, the same bytes the build writes, and the reasoner does not run again."""
    trig = with_build(project_copy, built)
    assert built.out is not None
    nquads_twin(trig).unlink()
    monkeypatch.setattr("policykg.build.run_build", lambda *a, **k: pytest.fail("rebuilt"))
    assert ensure_build(project_copy).rebuilt is False
    assert nquads_twin(trig).read_bytes() == nquads_twin(built.out).read_bytes()


def test_serve_the_corpus_in_memory(project_copy: Paths, built: BuildResult, tmp_path: Path) -> None:
    with_build(project_copy, built)
    mint = Minter()
    with running(tmp_path, "--query-workers", "2", root=project_copy.root) as srv, srv.client() as c:
        assert "reusing" in srv.log()
        documents = srv.select(c, f"SELECT ?d WHERE {{ ?d a <{PKG}Document> }}")
        assert len(documents) == built.counts["documents"] > 0
        graphs = {r["g"] for r in srv.select(c, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
        assert str(mint.ontology_graph) in graphs and str(mint.inferred_graph) in graphs
        assert sum(g.startswith(str(mint.graph("document/"))) for g in graphs) == len(documents)
        # GRAPH reaches one document's graph only
        doc_graph = next(g for g in graphs if g.startswith(str(mint.graph("document/"))))
        in_graph = srv.select(c, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{doc_graph}> {{ ?s ?p ?o }} }}")
        in_union = srv.select(c, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        assert 0 < int(in_graph[0]["n"]) < int(in_union[0]["n"])
        r = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?c } LIMIT 3"}, headers={"Accept": "text/turtle"})
        assert "@prefix pkg:" in r.text  # the project's prefixes in Turtle answers


def test_serve_the_corpus_on_disk_loads_once(project_copy: Paths, built: BuildResult, tmp_path: Path) -> None:
    with_build(project_copy, built)
    store = tmp_path / "store"
    args = ("--store", str(store), "--query-workers", "1")
    with running(tmp_path, *args, root=project_copy.root) as srv, srv.client() as c:
        assert "loaded into the store" in srv.log()
        assert srv.ask(c, f"ASK {{ ?d a <{PKG}Document> }}")
    with running(tmp_path, *args, root=project_copy.root) as srv, srv.client() as c:
        assert "already holds build" in srv.log() and "loaded into the store" not in srv.log()
        assert srv.ask(c, f"ASK {{ ?d a <{PKG}Document> }}")
