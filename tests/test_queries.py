"""Every named query in queries/ loads, runs on the built corpus and gives its expected answer.

The expected answers live in tests/query_expectations.yaml (format in its header). The queries run where
``POLICYKG_TEST_BACKEND`` says (tests/test_serve_support.py): on the embedded store directly, or through the served
``/api/queries/{name}`` of a server over Virtuoso or the Oxigraph server; and on every backend the served answer must
be the embedded store's, row for row (:func:`test_served_answers_are_the_embedded_answers`).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest
from ruamel.yaml import YAML

from policykg.queries import PARAM_TYPES, NamedQuery, bind, load_queries
from policykg.store.binding import bind_values
from tests.test_api import api as api_fixture  # noqa: F401  (one server over the test backend for the module)
from tests.test_serve_support import BACKEND, REMOTE, Server

ROOT = Path(__file__).resolve().parents[1]
EXPECTATIONS_FILE = Path(__file__).with_name("query_expectations.yaml")
QUERIES = load_queries(ROOT / "queries")
EXPECTATIONS: dict[str, Any] = YAML(typ="safe", pure=True).load(EXPECTATIONS_FILE.read_text(encoding="utf-8"))
PREFIXES: dict[str, str] = EXPECTATIONS["prefixes"]
SLOW_SECONDS = 2.0

Row = dict[str, ox.NamedNode | ox.Literal | ox.BlankNode | None]
Runner = Callable[[NamedQuery, Mapping[str, str] | None], list[Row]]

CASES = [
    pytest.param(name, index, case, id=f"{name}-{index}")
    for name, cases in EXPECTATIONS["queries"].items()
    for index, case in enumerate(cases)
]
PARAMS = [
    pytest.param(name, params, id=f"{name}-{label}")
    for name in sorted(QUERIES)
    for label, params in [
        ("defaults", {}),
        *(
            (str(i), case["params"])
            for i, case in enumerate(EXPECTATIONS["queries"].get(name) or [])
            if case.get("params")
        ),
    ]
]
"""Every query with its defaults and with each set of params of its expected answers."""


def lexical(value: Any) -> str:
    """A YAML scalar as a lexical value, with `prefix:rest` expanded when the prefix is declared."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    prefix, colon, rest = text.partition(":")
    if colon and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return text


def run(store: ox.Store, query: NamedQuery, values: Mapping[str, str] | None = None) -> list[Row]:
    """The query's rows with its params bound as the service binds them (a leading VALUES block)."""
    text = bind_values(query.text, ((v.value, term) for v, term in bind(query, values).items()))
    solutions = store.query(text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions), f"{query.name} is not a SELECT query"
    names = [v.value for v in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


def served(client: httpx.Client, query: NamedQuery, values: Mapping[str, str] | None = None) -> list[Row]:
    """The query's rows as the served ``/api/queries/{name}`` gives them (params passed as a caller passes them)."""
    r = client.get(f"/api/queries/{query.name}", params=dict(values or {}))
    assert r.status_code == 200, f"{query.name}: HTTP {r.status_code}: {r.text[:1000]}"
    solutions = ox.parse_query_results(r.content, ox.QueryResultsFormat.JSON)
    assert isinstance(solutions, ox.QuerySolutions), f"{query.name} is not a SELECT query"
    names = [v.value for v in solutions.variables]
    return [{name: row[name] for name in names} for row in solutions]


@pytest.fixture(scope="module")
def answers(request: pytest.FixtureRequest) -> Runner:
    """Where the queries run: the embedded store, or the served API over the remote test backend."""
    if not REMOTE:
        store = request.getfixturevalue("store")
        return lambda query, values=None: run(store, query, values)
    _, client = request.getfixturevalue("api_fixture")
    served(client, QUERIES["objections-to-proposal"])  # the first query lists the store's graphs: not timed
    return lambda query, values=None: served(client, query, values)


def value(row: Row, variable: str) -> str | None:
    term = row.get(variable)
    return None if term is None else term.value


def matches(row: Row, pattern: Mapping[str, Any]) -> bool:
    for variable, expected in pattern.items():
        term = row.get(variable)
        if expected is None:
            if term is not None:
                return False
        elif isinstance(expected, Mapping):
            if term is None or not at_least(term.value, expected["min"]):
                return False
        elif term is None or term.value != lexical(expected):
            return False
    return True


def at_least(value: str, minimum: Any) -> bool:
    try:
        return Decimal(value) >= Decimal(str(minimum))
    except InvalidOperation:
        return False


def show(rows: list[Row], limit: int = 15) -> str:
    lines = [" | ".join(f"{k}={v.value if v is not None else '-'}" for k, v in row.items()) for row in rows[:limit]]
    more = f"\n  … and {len(rows) - limit} more" if len(rows) > limit else ""
    return "\n  ".join(["", *lines]) + more


def test_queries_folder_has_the_expected_queries() -> None:
    assert len(QUERIES) >= 16
    missing = sorted(set(QUERIES) - set(EXPECTATIONS["queries"]))
    assert not missing, f"queries without expectations in {EXPECTATIONS_FILE.name}: {missing}"
    unknown = sorted(set(EXPECTATIONS["queries"]) - set(QUERIES))
    assert not unknown, f"expectations for queries that do not exist: {unknown}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_header(name: str) -> None:
    query = QUERIES[name]
    assert query.name == name == query.path.stem
    assert query.title and query.description and query.tags
    for param in query.params:
        assert param.type in PARAM_TYPES
        assert param.default is not None, f"{name}: param {param.name} needs a default"
        assert param.description, f"{name}: param {param.name} needs a description"
    uses_graph = re.search(r"\bGRAPH\s*[?$<]", query.text, re.IGNORECASE)
    assert not uses_graph or "graphs" in query.tags, (
        f"{name}: queries run over the union default graph; use GRAPH only in a query about graphs"
    )


@pytest.mark.parametrize(("name", "index", "case"), CASES)
def test_query_answers(answers: Runner, name: str, index: int, case: dict[str, Any]) -> None:
    query = QUERIES[name]
    values = {key: lexical(value) for key, value in (case.get("params") or {}).items()}
    started = time.perf_counter()
    rows = answers(query, values)
    elapsed = time.perf_counter() - started
    assert elapsed < SLOW_SECONDS, f"{name} took {elapsed:.2f}s"
    for param in query.params:
        bound = lexical(values.get(param.name, param.default))
        assert all(row[param.name] is not None for row in rows), f"{name}: ?{param.name} is not projected"
        if param.type in ("iri", "string"):
            assert all(value(row, param.name) == bound for row in rows)
    if "min_rows" in case:
        assert len(rows) >= case["min_rows"], f"{name}: {len(rows)} rows, expected at least {case['min_rows']}"
    if "max_rows" in case:
        assert len(rows) <= case["max_rows"], f"{name}: {len(rows)} rows, expected at most {case['max_rows']}"
    for pattern in case.get("includes") or []:
        assert any(matches(row, pattern) for row in rows), f"{name}: no row matches {pattern}{show(rows)}"
    for pattern in case.get("excludes") or []:
        hits = [row for row in rows if matches(row, pattern)]
        assert not hits, f"{name}: rows match excluded {pattern}{show(hits)}"


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_runs_with_defaults(answers: Runner, name: str) -> None:
    """Every query answers something on the real corpus with its defaults (no query is silently empty)."""
    assert answers(QUERIES[name], None), f"{name} returns no rows with its defaults"


_CONCATENATED = re.compile(r"GROUP_CONCAT\s*\((?:[^()]|\([^()]*\))*\)\s+AS\s+\?(\w+)", re.IGNORECASE)


def comparable(row: Row, concatenated: set[str]) -> tuple[str, ...]:
    """A row as text; a GROUP_CONCAT's value as its sorted parts, without a language tag: SPARQL leaves the order of
    the parts to the store and makes the result a simple literal (Oxigraph keeps a language the parts share)."""
    out = []
    for name, term in row.items():
        if name in concatenated and isinstance(term, ox.Literal):
            out.append("; ".join(sorted(term.value.split("; "))))
        else:
            out.append(str(term))
    return tuple(out)


@pytest.mark.parametrize(("name", "params"), PARAMS)
def test_served_answers_are_the_embedded_answers(
    store: ox.Store,
    api_fixture: tuple[Server, httpx.Client],  # noqa: F811
    name: str,
    params: dict[str, Any],
) -> None:
    """``/api/queries/{name}`` on the test backend gives the embedded store's rows, term for term: none missing, none
    added, none twice (in any order: ties in ORDER BY may come in another order)."""
    query = QUERIES[name]
    values = {key: lexical(value) for key, value in params.items()}
    concatenated = set(_CONCATENATED.findall(query.text))
    expected = Counter(comparable(row, concatenated) for row in run(store, query, values))
    got = Counter(comparable(row, concatenated) for row in served(api_fixture[1], query, values))
    missing, extra = expected - got, got - expected
    assert not missing and not extra, (
        f"{name} on {BACKEND}: {sum(missing.values())} rows missing, {sum(extra.values())} extra"
        + "".join(f"\n  missing: {' | '.join(row)}" for row in list(missing)[:5])
        + "".join(f"\n  extra:   {' | '.join(row)}" for row in list(extra)[:5])
    )


def test_objections_and_stances_on_the_tokyo_office_agree(answers: Runner) -> None:
    """Those who raise objections to the Tokyo office are among those reported to oppose it (or speak for them)."""
    objections = answers(QUERIES["objections-to-proposal"], None)
    stances = answers(QUERIES["stances-on-proposal"], None)
    opponents = {value(row, "holder") for row in stances if value(row, "polarityLabel") == "opposes"}
    raisers = {value(row, "raisedBy") for row in objections}
    assert raisers <= opponents, f"objectors without an opposing stance: {sorted(raisers - opponents)}"
