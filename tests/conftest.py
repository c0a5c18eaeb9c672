"""Shared fixtures: the corpus is built once per test session (with HermiT when Java is there)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.build import BuildResult, run_build
from policykg.config import Paths

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def paths() -> Paths:
    return Paths(ROOT)


@pytest.fixture(scope="session")
def built(paths: Paths, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The real corpus, built into a temporary TriG file."""
    out = tmp_path_factory.mktemp("build") / "policykg.trig"
    return run_build(paths, out)


@pytest.fixture(scope="session")
def store(built: BuildResult) -> ox.Store:
    """The built dataset in an in-memory pyoxigraph store."""
    store = ox.Store()
    assert built.out is not None
    store.bulk_load(path=str(built.out), format=ox.RdfFormat.TRIG)
    return store


@pytest.fixture
def project_copy(tmp_path: Path) -> Paths:
    """A throw-away copy of the project's data folders, for tests that break the corpus on purpose."""
    for name in ("ontology", "corpus"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Paths(tmp_path)


def select(store: ox.Store, query: str, **bindings: ox.NamedNode | ox.Literal) -> list[dict[str, str]]:
    """Run a SELECT over the union of all graphs; rows as {variable: lexical value}."""
    solutions = store.query(
        query,
        use_default_graph_as_union=True,
        substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
    )
    names = [v.value for v in solutions.variables]
    return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]
