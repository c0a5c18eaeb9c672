"""The pieces that keep a cache miss cheap, without a server: results serialised straight into their format with the
row cap found in the bytes, query strings decoded in C, and the worker channel that carries result bytes beside the
pickle."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import signal
import socket
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policykg.api import fastpath, urlencoded
from policykg.store import Dataset, ipc
from policykg.store import formats as f
from policykg.store.results import CLOSING, MIN_ROW_BYTES, _scanner, serialize

EX = "http://example.org/cap/"
# Literals that look like row boundaries in one format or another, escapes, and one long enough to put boundaries
# across pyoxigraph's 8 KiB output chunks.
NASTY = ["},{", "[{", '"', "\\", '\\"', "<result>", "\r\n", "\n", ",", '""', '{"a":1}', "]}}", "\t", "é", "x" * 9000]
ROWS = 300
QUERY = f"SELECT ?s ?o ?b WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?b }} }} ORDER BY ?s"
EMPTY_ROWS = f"SELECT ?x WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}none> ?x }} }} ORDER BY ?s"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    rng = random.Random(7)
    st_ = ox.Store()
    for i in range(ROWS):
        s = ox.NamedNode(f"{EX}s{i:04}")
        text = "".join(rng.choice([*NASTY, "a", "b"]) for _ in range(rng.randint(0, 5)))
        st_.add(ox.Quad(s, ox.NamedNode(f"{EX}p"), ox.Literal(text, language="en") if i % 7 == 0 else ox.Literal(text)))
        if i % 3 == 0:
            st_.add(ox.Quad(s, ox.NamedNode(f"{EX}q"), ox.BlankNode(f"b{i}")))
        if i % 5 == 0:
            st_.add(ox.Quad(s, ox.NamedNode(f"{EX}q"), ox.Literal(str(i), datatype=ox.NamedNode(f"{EX}dt"))))
    return st_


def rows_of(store: ox.Store, query: str) -> int:
    return sum(1 for _ in store.query(query))


@pytest.mark.parametrize("media", list(f.RESULT_FORMATS))
@pytest.mark.parametrize("query", [QUERY, EMPTY_ROWS], ids=["terms", "empty-rows"])
def test_capped_results_are_pyoxigraphs_first_rows(store: ox.Store, media: str, query: str) -> None:
    """At, just below and just above the cap, in every format: the bytes pyoxigraph writes for the first ``cap`` rows
    (the same query with ``LIMIT cap``), flagged as truncated exactly when rows were left out."""
    fmt = f.RESULT_FORMATS[media]
    total = rows_of(store, query)
    assert total > ROWS - 1
    full = store.query(query).serialize(format=fmt)
    for cap in sorted({0, 1, 2, 3, 50, total - 1, total, total + 1, 10 * total}):
        body, served, kind, truncated = serialize(store.query(query), media, None, cap)
        assert (served, kind) == (media, "solutions")
        assert truncated == (cap < total), cap
        expected = store.query(f"{query} LIMIT {cap}").serialize(format=fmt) if cap < total else full
        assert body == expected, cap
    assert serialize(store.query(query), media, None, None) == (full, media, "solutions", False)


@pytest.mark.parametrize("media", list(f.RESULT_FORMATS))
def test_row_boundaries_are_found_across_any_chunking(store: ox.Store, media: str) -> None:
    body = store.query(QUERY).serialize(format=f.RESULT_FORMATS[media])
    total = rows_of(store, QUERY)
    rng = random.Random(11)
    for n in (1, 2, 17, total - 1, total):
        whole = _scanner(media, n).feed(body)
        assert whole is not None
        for _ in range(20):
            scanner, at, found = _scanner(media, n), 0, None
            while found is None and at < len(body):
                step = rng.choice([1, 2, 3, 7, 64, 8192])
                found = scanner.feed(body[at : at + step])
                at += step
            assert found == whole
        # the bytes before row n, closed, are what pyoxigraph writes for the first n - 1 rows
        first = store.query(f"{QUERY} LIMIT {n - 1}").serialize(format=f.RESULT_FORMATS[media])
        assert body[:whole] + CLOSING[media] == first
    beyond = _scanner(media, total + 1).feed(body)  # no such row; in TSV and CSV, where it would begin: the end
    assert beyond is None or beyond == len(body)


def test_json_rows_are_counted_without_walking_strings_unless_a_string_could_fool_the_count() -> None:
    """Plain JSON rows are counted by their ``},{"`` marks; an empty row or a string ending in ``{`` sends the count
    to the scanner that skips strings. Either way the boundary is the one of the first ``n - 1`` rows."""
    st_ = ox.Store()
    for i in range(2000):
        st_.add(ox.Quad(ox.NamedNode(f"{EX}s{i:04}"), ox.NamedNode(f"{EX}p"), ox.Literal(f"plain {i}")))
    st_.add(ox.Quad(ox.NamedNode(f"{EX}s1500"), ox.NamedNode(f"{EX}q"), ox.Literal("ends with },{")))
    plain = f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s"
    tricky = f"SELECT ?s ?x WHERE {{ ?s <{EX}p> ?o OPTIONAL {{ ?s <{EX}q> ?x }} }} ORDER BY ?s"
    for query, slow in ((plain, False), (tricky, True)):
        body = st_.query(query).serialize(format=ox.QueryResultsFormat.JSON)
        for n in (1, 700, 1499, 1501, 2000):
            scanner = _scanner(f.JSON, n)
            found = next(x for x in (scanner.feed(body[i : i + 8192]) for i in range(0, len(body), 8192)) if x)
            if not slow or n == 2000:  # past the string that ends with "},{"
                assert (scanner.slow is not None) == slow
            first = st_.query(f"{query} LIMIT {n - 1}").serialize(format=ox.QueryResultsFormat.JSON)
            assert body[:found] + CLOSING[f.JSON] == first


def test_a_small_result_is_not_scanned(store: ox.Store) -> None:
    """Under ``(cap + 1)`` times the smallest row, the cap cannot be reached: the bytes are pyoxigraph's as they are."""
    query = f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s LIMIT 3"
    for media, fmt in f.RESULT_FORMATS.items():
        body = store.query(query).serialize(format=fmt)
        cap = len(body) // MIN_ROW_BYTES[media]
        assert serialize(store.query(query), media, None, cap) == (body, media, "solutions", False)


def test_ask_and_construct_keep_their_serialisation(store: ox.Store) -> None:
    body, _, kind, truncated = serialize(store.query(f"ASK {{ ?s <{EX}p> ?o }}"), f.XML, None, 0)
    assert (kind, truncated) == ("boolean", False) and b"true" in body
    body, _, kind, truncated = serialize(
        store.query(f"CONSTRUCT {{ ?s <{EX}p> ?o }} WHERE {{ ?s <{EX}p> ?o }}"), None, f.N_TRIPLES, 10
    )
    assert (kind, truncated) == ("graph", True) and len(body.splitlines()) == 10


# -- query strings -------------------------------------------------------------------------------------------------

FIELD = st.text(alphabet=st.sampled_from(list("ab=&%+;\\xX0F9 é\u00ff#/?\t")), max_size=24)


@settings(max_examples=3000, deadline=None)
@given(FIELD)
def test_urlencoded_parse_is_parse_qsl(text: str) -> None:
    assert urlencoded.parse(text) == parse_qsl(text, keep_blank_values=True)


def test_urlencoded_parse_of_a_sparql_request() -> None:
    query = 'PREFIX ex: <http://e/#>\nSELECT ?s { ?s ex:p "a+b & c=d 100% \\"q\\" é€" } # done'
    text = urlencode([("query", query), ("default-graph-uri", "http://g/1?x=1&y=2"), ("format", "json")])
    assert urlencoded.parse(text) == parse_qsl(text, keep_blank_values=True)
    assert urlencoded.parse(text)[0] == ("query", query)


def test_a_get_query_string_is_decoded_once_while_it_is_short() -> None:
    """``GET /sparql``'s parameters: a short query string repeated is decoded once and gives the same answer; a long
    one (which could be a megabyte) is decoded every time and never kept."""
    query = "SELECT ?s WHERE { ?s ?p ?o } # é"
    raw = urlencode([("query", query), ("default-graph-uri", "http://g/1"), ("format", "json")]).encode()
    fastpath._parse_memo.cache_clear()
    first = fastpath._parse(raw)
    assert first == (query, Dataset(("http://g/1",), ()), "json")
    assert fastpath._parse(bytes(raw)) is first  # an equal string from another request: remembered
    assert fastpath._parse_memo.cache_info().hits == 1
    long = urlencode([("query", query + " " * fastpath.MEMO_MAX_BYTES)]).encode()
    assert fastpath._parse(long)[0] == query + " " * fastpath.MEMO_MAX_BYTES
    assert fastpath._parse_memo.cache_info().currsize == 1
    assert fastpath._parse(urlencode([("query", query), ("update", "x")]).encode()) == fastpath._NOT_PLAIN


# -- the worker channel ----------------------------------------------------------------------------------------------


def test_channel_carries_payloads_of_any_size() -> None:
    parent, child = socket.socketpair()
    pid = os.fork()
    if pid == 0:  # a worker in miniature: echo the job's size as a payload of that many bytes
        code = 0
        try:
            parent.close()
            while True:
                job = ipc.recv(child)
                ipc.send(child, ("ok", {"n": job["n"]}), b"x" * job["n"])
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    child.close()
    parent.setblocking(False)

    async def exchange() -> None:
        channel = await ipc.Channel.open(parent)
        for n in (0, 1, 100, 65_536, 3_000_001):
            reply, payload = await channel.request({"n": n}, 10)
            assert reply == ("ok", {"n": n}) and payload == b"x" * n
        os.kill(pid, signal.SIGSTOP)  # a worker that does not answer in time
        with pytest.raises(TimeoutError):
            await channel.request({"n": 1}, 0.05)
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(EOFError):
            await channel.request({"n": 1}, 10)
        channel.close()

    try:
        asyncio.run(exchange())
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
