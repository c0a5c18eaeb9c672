"""The store layer's pieces without a server: the tokenizer, the protocol dataset for updates, the federation
check, result serialisation with a row cap, negotiation, the result cache and the settings."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from policykg.api.cache import ResultCache
from policykg.api.negotiation import negotiate
from policykg.api.settings import SettingError, Settings
from policykg.store import QueryRequest, QueryResult, UpdateRequest
from policykg.store import formats as f
from policykg.store.embedded import EmbeddedStore
from policykg.store.errors import DatasetConflict, FederationRefused, QuerySyntaxError, QueryTimeout
from policykg.store.federation import check
from policykg.store.lexer import has_from_clause
from policykg.store.results import serialize
from policykg.store.update_dataset import apply_using


def test_from_clause_is_seen_only_where_it_is_a_keyword() -> None:
    assert has_from_clause("SELECT * FROM <http://g> WHERE { ?s ?p ?o }")
    assert has_from_clause("select * from named <http://g> { graph ?g { } }")
    assert not has_from_clause('SELECT ?from WHERE { ?s <http://x/from> "FROM" } # FROM')
    assert not has_from_clause("PREFIX from: <http://x/> SELECT * { ?s from:p ?o }")
    assert not has_from_clause("SELECT * { { SELECT * { ?s ?p ?o } } }")
    # CONSTRUCT: after the template, with or without the WHERE keyword; and the short form.
    assert has_from_clause("CONSTRUCT { ?s ?p ?o } FROM <http://g> WHERE { ?s ?p ?o }")
    assert has_from_clause("CONSTRUCT { ?s ?p ?o } FROM <http://g> { ?s ?p ?o }")
    assert has_from_clause("CONSTRUCT FROM <http://g> WHERE { ?s ?p ?o }")
    assert has_from_clause("ASK FROM <http://g> { ?s ?p ?o }")
    assert has_from_clause("DESCRIBE ?s FROM NAMED <http://g> WHERE { ?s ?p ?o }")
    assert not has_from_clause("CONSTRUCT { ?s <http://x/from> ?o } WHERE { ?s ?p ?o }")
    # Once the WHERE clause begins, nothing after it can be a dataset clause: the scan stops there, so even a
    # misplaced FROM (a syntax error the parser reports) is not looked at.
    assert not has_from_clause("SELECT * WHERE { ?s ?p ?o } FROM <http://g>")
    assert not has_from_clause("SELECT * { ?s ?p ?o } FROM <http://g>")


def test_using_graph_uri_is_written_into_each_operation() -> None:
    update = (
        "PREFIX ex: <http://e/> CLEAR ALL ; INSERT DATA { GRAPH <http://g> { <a> a ex:D } } ;\n"
        "INSERT { GRAPH <http://t> { ?s a ex:B } } WHERE { ?s a ex:D } ;\n"
        'DELETE WHERE { ?s ?p "where; {" } # WHERE {\n'
    )
    out = apply_using(update, ("http://u",), ("http://n",))
    assert out.count("USING <http://u> USING NAMED <http://n>") == 2
    assert 'DELETE { ?s ?p "where; {" } USING <http://u> USING NAMED <http://n> WHERE { ?s ?p "where; {" }' in out
    assert "INSERT DATA { GRAPH <http://g>" in out
    store = ox.Store()
    store.update(out, base_iri="http://base/")  # still valid SPARQL
    assert apply_using(update) == update


def test_using_graph_uri_conflicts_and_bad_iris() -> None:
    with pytest.raises(DatasetConflict):
        apply_using("WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", ("http://u",))
    with pytest.raises(DatasetConflict):
        apply_using("DELETE { ?s ?p ?o } USING <http://g> WHERE { ?s ?p ?o }", (), ("http://u",))
    with pytest.raises(QuerySyntaxError):
        apply_using("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", ("http://u> } ; DROP ALL ; #",))


@pytest.mark.parametrize(
    ("text", "update", "allowed"),
    [
        ("SELECT * { SERVICE <http://ok/sparql> { ?s ?p ?o } }", False, True),
        ("SELECT * { SERVICE <http://ok/other/sparql> { ?s ?p ?o } }", False, True),
        ("SELECT * { SERVICE <http://bad/sparql> { ?s ?p ?o } }", False, False),
        ("PREFIX b: <http://bad/> SELECT * { OPTIONAL { SERVICE b:x { } } }", False, False),
        ("SELECT * { ?s ?p ?o } ORDER BY (EXISTS { SERVICE <http://bad/> { } })", False, False),
        ("SELECT * { SERVICE ?endpoint { ?s ?p ?o } }", False, False),
        ('SELECT * { ?s <http://x/service> "SERVICE <http://bad/>" }', False, True),
        ("LOAD <http://bad/data.ttl>", True, False),
        ("LOAD <http://ok/data.ttl>", True, True),
        ("INSERT { ?s ?p ?o } WHERE { SERVICE <http://bad/> { ?s ?p ?o } }", True, False),
        ('INSERT DATA { <http://a> <http://b> "LOAD <http://bad/>" }', True, True),
    ],
)
def test_federation_check(text: str, update: bool, allowed: bool) -> None:
    if allowed:
        check(text, None, ("http://ok/",), update=update)
    else:
        with pytest.raises(FederationRefused):
            check(text, None, ("http://ok/",), update=update)


def test_federation_check_reports_syntax_errors() -> None:
    with pytest.raises(QuerySyntaxError):
        check("SELECT * { SERVICE <http://x/> { ?s ?p } }", None, ())


def test_capped_results_equal_pyoxigraph_output() -> None:
    store = ox.Store()
    store.update(
        'INSERT DATA { _:b <http://e/p> "x\\ty\\n\\"q\\""@en . <http://e/s> <http://e/p> "-1"^^<http://e/dt> . '
        "<http://e/s> <http://e/p> 1.5 . <http://e/s> <http://e/p> <http://e/o> }"
    )
    query = "SELECT ?s ?o ?unbound WHERE { ?s <http://e/p> ?o } ORDER BY STR(?o)"
    for media, fmt in f.RESULT_FORMATS.items():
        expected = store.query(query).serialize(format=fmt)
        body, served, kind, truncated = serialize(store.query(query), media, None, 10)
        assert (body, served, kind, truncated) == (expected, media, "solutions", False)
    body, _, _, truncated = serialize(store.query(query), f.JSON, None, 2)
    assert truncated and body.count(b'"s":') == 2
    body, _, kind, truncated = serialize(store.query("CONSTRUCT WHERE { ?s ?p ?o }"), None, f.N_TRIPLES, 3)
    assert kind == "graph" and truncated and len(body.splitlines()) == 3
    body, _, kind, _ = serialize(store.query("SELECT * {}"), f.JSON, None, 10)
    assert body == store.query("SELECT * {}").serialize(format=ox.QueryResultsFormat.JSON)


def test_negotiation() -> None:
    assert negotiate(None) == (f.JSON, f.TURTLE)
    assert negotiate("application/sparql-results+xml;q=0.5, application/sparql-results+json") == (f.JSON, None)
    assert negotiate("text/*") == (f.CSV, f.TURTLE)
    assert negotiate("image/png") == (None, None)
    assert negotiate("application/json") == (f.JSON, f.JSON_LD)
    assert negotiate("text/csv;q=0, */*;q=0.1") == (f.JSON, f.TURTLE)
    assert negotiate("application/json", "csv") == (f.CSV, None)
    assert negotiate(None, "application/n-triples") == (None, f.N_TRIPLES)


def result(body: bytes, version: int) -> QueryResult:
    return QueryResult(body, f.JSON, "solutions", version)


def test_result_cache_is_bounded_and_dropped_on_a_new_version() -> None:
    cache = ResultCache(max_entries=2, max_bytes=100, max_entry_bytes=60)
    cache.put("a", result(b"x" * 10, 1), 1)
    cache.put("b", result(b"x" * 10, 1), 1)
    assert cache.get("a", 1) is not None
    cache.put("c", result(b"x" * 10, 1), 1)  # evicts the least recently used: b
    assert cache.get("b", 1) is None and cache.get("a", 1) is not None
    cache.put("big", result(b"x" * 61, 1), 1)
    assert cache.get("big", 1) is None
    cache.put("old", result(b"x", 0), 1)  # computed before the last write: not kept
    assert cache.get("old", 1) is None
    assert cache.get("a", 2) is None and len(cache) == 0


def test_settings_from_env_and_flags() -> None:
    env = {
        "POLICYKG_TIMEOUT": "2.5",
        "POLICYKG_ROW_CAP": "7",
        "POLICYKG_UNION_DEFAULT_GRAPH": "false",
        "POLICYKG_ALLOWED_ENDPOINTS": "http://a/sparql, http://b/",
        "POLICYKG_UPDATE_TOKEN": "t",
        "POLICYKG_STORE": "/tmp/x",
    }
    s = Settings.from_env(env, row_cap=9, port=None)
    assert (s.timeout, s.row_cap, s.union_default_graph, s.update_token) == (2.5, 9, False, "t")
    assert s.allowed_endpoints == ("http://a/sparql", "http://b/") and s.store == Path("/tmp/x")
    assert s.port == 8000 and s.max_query_bytes == 2**20 and s.max_upload_bytes == 512 * 2**20
    assert "update_token" not in repr(s)  # the token never reaches a log line


def test_every_serve_option_has_its_variable_and_a_bad_value_is_named() -> None:
    """README: each ``serve`` option is also POLICYKG_<NAME>, the option's name (--query-workers, --allow-endpoint)."""
    s = Settings.from_env({"POLICYKG_QUERY_WORKERS": "3", "POLICYKG_ALLOW_ENDPOINT": "http://a/sparql"})
    assert s.workers == 3 and s.allowed_endpoints == ("http://a/sparql",)
    with pytest.raises(SettingError, match=r"POLICYKG_PORT='abc': expected a whole number"):
        Settings.from_env({"POLICYKG_PORT": "abc"})
    code = subprocess.run(
        [sys.executable, "-m", "policykg", "serve"],
        env={**os.environ, "POLICYKG_PORT": "abc"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert code.returncode == 2 and "POLICYKG_PORT='abc'" in code.stderr and "Traceback" not in code.stderr


def test_embedded_store_in_process() -> None:
    """The store on its own (no HTTP): a write is seen by the next query, a dry run catches a failing update, and
    a query past the limit is stopped."""

    async def scenario() -> None:
        store = EmbeddedStore(workers=1, timeout=1.0)
        await store.start()
        try:
            await store.update(UpdateRequest('INSERT DATA { GRAPH <http://g> { <http://s> <http://p> "o" } }'))
            first = await store.query(QueryRequest("ASK { <http://s> ?p ?o }"))
            assert first.body == b'{"head":{},"boolean":true}' and first.version == store.version
            with pytest.raises(Exception, match="does not exist"):
                await store.update(UpdateRequest("DROP GRAPH <http://none>"))
            numbers = " ".join(map(str, range(300)))
            slow = "SELECT * {" + " ".join(f"VALUES ?{v} {{ {numbers} }}" for v in "abcd") + "} ORDER BY ?a"
            with pytest.raises(QueryTimeout):
                await store.query(QueryRequest(slow))
            again = await store.query(QueryRequest("SELECT ?o { ?s ?p ?o }", results_format=f.CSV))
            assert again.body == b"o\r\no\r\n"
        finally:
            await store.close()

    asyncio.run(scenario())
