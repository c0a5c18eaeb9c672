"""The remote backend: a SPARQL 1.1 store reached over HTTP (Virtuoso, the Oxigraph server, Fuseki, GraphDB, …).

Queries and updates go through the SPARQL 1.1 Protocol (SPARQLWrapper builds the requests; one urllib opener per store
answers basic or digest challenges); graph uploads through the Graph Store Protocol when a GSP endpoint is given,
else through ``INSERT DATA``. The service process keeps no data of its own, so several instances can run behind a load
balancer. What they share lives in the store:

- **the version** (what ETags and the result caches key on) is one triple in the graph :data:`VERSION_GRAPH`. Every
  write made through the service (and ``policykg push``) replaces it, in the same request as the write, with a new
  value (microseconds since the epoch, at least the old value + 1). Each instance reads it again right after its own
  writes, and before answering a request when its last read is older than ``poll_interval`` seconds (one tiny
  SELECT, shared by the requests that arrive meanwhile; :meth:`RemoteStore.fresh`): a write through one instance is
  seen by the others from their first request after the interval, by itself at once, and an idle instance sends
  nothing. Writes that bypass policykg must replace the triple too (see docs/remote-stores.md), or the caches serve
  the older answers until the next write.
- **the union default graph** is asked for the way each store understands it (``union_mode``): ``explicit`` lists
  the dataset's graphs (once per version) and names them in ``FROM`` *and* ``FROM NAMED`` clauses of the query,
  which every SPARQL 1.1 store honours and which leaves out the store's own system graphs (Virtuoso's) and the
  version graph; ``param`` sends Oxigraph's ``union-default-graph`` parameter; ``native`` relies on the store's
  configuration (Fuseki's ``tdb2:unionDefaultGraph``, GraphDB, Neptune, ``oxigraph serve --union-default-graph``).

Answers are parsed as they stream in (SPARQL JSON or XML results, N-Triples for graphs), cut at the row cap, and
written again in the negotiated format by pyoxigraph, so they are byte for byte what the embedded store would write for
the same solutions. Named-query parameters (pyoxigraph terms) are bound with a ``VALUES`` block built from the typed
terms, placed at the start of the query's WHERE group (never spliced from user text). Errors: the store unreachable →
:class:`~.errors.RemoteUnavailable` (502, naming the endpoint); past the time limit → :class:`~.errors.RemoteTimeout`
(504).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper

from .. import statistics
from . import federation
from .base import GraphName, QueryRequest, QueryResult, Store, UpdateRequest
from .binding import after_group, bind_values
from .canonical import boolean_variables, canonical, needs_canonical
from .errors import (
    EvaluationError,
    GraphNotFound,
    NotAcceptable,
    PayloadError,
    QuerySyntaxError,
    RemoteTimeout,
    RemoteUnavailable,
    StoreError,
)
from .formats import GRAPH_FORMATS, RESULT_FORMATS, upload_format
from .lexer import form_index, has_from_clause, tokens, valid_iri
from .update_dataset import apply_using

log = logging.getLogger("policykg.store")

VERSION_GRAPH = "https://w3id.org/policykg/graph/service"
VERSION_PREDICATE = "https://w3id.org/policykg/service#version"
SYSTEM_GRAPHS = (
    "http://www.openlinksw.com/",
    "http://localhost:8890/",
    "http://www.w3.org/2002/07/owl",
    "http://www.w3.org/ns/ldp",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
    "virtrdf",
    VERSION_GRAPH,
)
"""Graph IRIs (prefixes) that are the store's own, never the dataset's: left out of the explicit union (with every
graph under the store's own host, see :func:`dataset_graphs`)."""
_DAV_GRAPH = re.compile(r"^(https?://[^/]+/)DAV/?$")
UNION_MODES = ("explicit", "param", "native")
ALL_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
"""Every graph that holds a triple: a scan of the whole store."""
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.8"
_EMPTY = ox.Store()  # parses (and dry-runs on nothing) what clients send before it goes to the store


@dataclass(frozen=True)
class Auth:
    user: str
    password: str

    @classmethod
    def parse(cls, text: str | None) -> Auth | None:
        """``user:password`` (the password may contain colons)."""
        if not text:
            return None
        user, sep, password = text.partition(":")
        if not sep or not user:
            raise ValueError("--auth takes user:password")
        return cls(user, password)


def make_opener(auth: Auth | None, scheme: str = "auto") -> urllib.request.OpenerDirector:
    """A urllib opener that answers the store's 401 challenge with basic or digest credentials (``auto``: either,
    as the challenge asks; ``basic``: sent up front)."""
    handlers: list[urllib.request.BaseHandler] = []
    if auth is not None:
        manager = _AnyUri(auth)
        if scheme in ("auto", "digest"):
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        if scheme in ("auto", "basic"):
            handlers.append(urllib.request.HTTPBasicAuthHandler(manager))
    opener = urllib.request.build_opener(*handlers)
    if auth is not None and scheme == "basic":
        token = base64.b64encode(f"{auth.user}:{auth.password}".encode()).decode()
        opener.addheaders.append(("Authorization", f"Basic {token}"))
    return opener


class _AnyUri(urllib.request.HTTPPasswordMgr):
    """The one set of credentials, for whichever of the store's endpoints (and realm) asks."""

    def __init__(self, auth: Auth) -> None:
        super().__init__()
        self._auth = auth

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:
        return self._auth.user, self._auth.password


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper with the request kind given, not guessed from the text, and our own opener (thread-safe: no
    global ``install_opener``)."""

    def __init__(self, endpoint: str, update_endpoint: str, opener: urllib.request.OpenerDirector, update: bool):
        super().__init__(endpoint, updateEndpoint=update_endpoint, agent="policykg")
        self._opener = opener
        self._update = update
        self.setMethod(POST)
        self.setRequestMethod(URLENCODED)
        self.setOnlyConneg(True)

    def isSparqlUpdateRequest(self) -> bool:
        return self._update

    def isSparqlQueryRequest(self) -> bool:
        return not self._update

    def open(self, text: str, accept: str, params: Iterable[tuple[str, str]], timeout: float) -> Any:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SPARQLWrapper warns about query forms it does not know
            self.setQuery(text)
        for name, value in params:
            self.addParameter(name, value)
        self.addCustomHttpHeader("Accept", accept)
        request = self._createRequest()
        return self._opener.open(request, timeout=timeout)


# -- binding parameters -------------------------------------------------------------------------------------------


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, ASK or DESCRIBE: the query's form (what to ask the store for)."""
    for t in tokens(text):
        if t.depth == 0 and t.is_keyword("SELECT", "CONSTRUCT", "ASK", "DESCRIBE"):
            return t.text.upper()
    return None


def _ends_with_semicolon(text: str) -> bool:
    last = None
    for last in tokens(text):  # noqa: B007
        pass
    return last is not None and last.kind == "semi"


def graphs_named(update: str) -> set[str] | None:
    """Every absolute IRI an update names (a superset of the graphs it writes), or None when a graph it writes may
    go unnamed: a variable, prefixed or relative name after GRAPH, INTO, WITH or TO."""
    named: set[str] = set()
    toks = list(tokens(update))
    for i, t in enumerate(toks):
        if t.kind == "iri":
            named.add(t.text[1:-1])
        if t.is_keyword("GRAPH", "INTO", "WITH", "TO") and i + 1 < len(toks):
            after = toks[i + 1]
            if after.kind != "iri" and not after.is_keyword("DEFAULT", "NAMED", "ALL", "GRAPH"):
                return None
            if after.kind == "iri" and not urllib.parse.urlsplit(after.text[1:-1]).scheme:
                return None  # relative: resolved against a BASE
    return named


def with_dataset(text: str, default_graphs: Iterable[str], named_graphs: Iterable[str]) -> str:
    """The query with ``FROM <g>`` and ``FROM NAMED <g>`` clauses where SPARQL puts them: after the projection (or
    the CONSTRUCT template, or DESCRIBE's targets), before the WHERE clause and the solution modifiers.

    They go in the text, not as ``default-graph-uri``/``named-graph-uri`` parameters: Virtuoso answers each of those
    with a response header of its own (``X-SPARQL-default-graph: …``), and past 50 graphs that is more headers than an
    HTTP client reads (Python's http.client gives up at 100), so every query failed with a 502."""
    clauses = [f"FROM <{g}>" for g in default_graphs] + [f"FROM NAMED <{g}>" for g in named_graphs]
    if not clauses:
        return text
    toks = list(tokens(text))
    form = form_index(toks)
    if form is None:
        raise QuerySyntaxError("not a query (no SELECT, CONSTRUCT, ASK or DESCRIBE)")
    i = form + 1
    if toks[form].is_keyword("CONSTRUCT") and i < len(toks) and toks[i].kind == "open":
        i = after_group(toks, i)  # the template
    at, parens = len(text), 0
    for t in toks[i:]:
        if t.kind == "other" and t.text in "()":
            parens += 1 if t.text == "(" else -1
        elif (
            parens == 0
            and t.depth == 0
            and (t.kind == "open" or t.is_keyword("WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"))
        ):
            at = t.start
            break
    return f"{text[:at].rstrip()}\n{' '.join(clauses)}\n{text[at:]}"


def dataset_graphs(
    graphs: Iterable[str], endpoints: Iterable[str | None] = (), system: tuple[str, ...] = SYSTEM_GRAPHS
) -> tuple[str, ...]:
    """The dataset's graphs among the store's ``graphs``, sorted: without the store's own. Those are the ``system``
    prefixes, and every graph under the store's own host: Virtuoso names its DAV and service-description graphs after
    its ``DefaultHost`` (``http://127.0.0.1:18890/DAV/``, ``http://127.0.0.1:18890/sparql``), which is known here
    from the endpoints' origins and from its ``…/DAV/`` graph (its host may not be the one the service reaches it by).
    """
    graphs = list(graphs)
    origins = {_origin(e) for e in endpoints if e}
    origins |= {m.group(1) for g in graphs if (m := _DAV_GRAPH.match(g))}
    prefixes = tuple(system) + tuple(o for o in origins if o)
    return tuple(sorted(g for g in graphs if not g.startswith(prefixes)))


def _origin(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else ""


def version_update(value: int) -> str:
    return (
        f"DELETE WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{VERSION_PREDICATE}> ?old }} }} ;\n"
        f"INSERT DATA {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{VERSION_PREDICATE}> {value} }} }}"
    )


def version_document(value: int) -> bytes:
    return f"<{VERSION_GRAPH}> <{VERSION_PREDICATE}> {value} .\n".encode()


def next_version(current: int) -> int:
    return max(current + 1, time.time_ns() // 1000)


# -- the store ----------------------------------------------------------------------------------------------------


class _Call:
    """One request in flight: its response, so that the event loop can close it when the time limit passes."""

    def __init__(self) -> None:
        self.response: Any = None
        self.cancelled = False

    def close(self) -> None:
        self.cancelled = True
        with contextlib.suppress(Exception):
            if self.response is not None:
                self.response.close()


class RemoteStore(Store):
    def __init__(
        self,
        query_endpoint: str,
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        *,
        auth: Auth | None = None,
        auth_scheme: str = "auto",
        union_mode: str = "explicit",
        timeout: float = 10.0,
        allowed_endpoints: tuple[str, ...] = (),
        prefixes: dict[str, str] | None = None,
        poll_interval: float = 1.0,
        connections: int = 16,
        system_graphs: tuple[str, ...] = SYSTEM_GRAPHS,
    ) -> None:
        if union_mode not in UNION_MODES:
            raise ValueError(f"union mode: one of {', '.join(UNION_MODES)}")
        self.query_endpoint = query_endpoint
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self.union_mode = union_mode
        self.timeout = timeout
        self.allowed_endpoints = tuple(allowed_endpoints)
        self.prefixes = dict(prefixes or {})
        self.poll_interval = poll_interval
        self.system_graphs = system_graphs
        self._opener = make_opener(auth, auth_scheme)
        self._auth = auth
        self._auth_scheme = auth_scheme
        self._pool = ThreadPoolExecutor(connections, thread_name_prefix="policykg-remote")
        self._connections = connections
        self._busy = 0
        self._version = 0
        self._graphs: tuple[int, tuple[str, ...]] | None = None
        self._checked = float("-inf")  # time.monotonic() of the last read of the version marker
        self._fresh_lock: asyncio.Lock | None = None
        self._write_lock: asyncio.Lock | None = None
        self._last_error: str | None = None
        self._graph_store: GraphStore | None = None

    # -- facts -----------------------------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._version

    @property
    def writable(self) -> bool:
        return self.update_endpoint is not None

    @property
    def etag_epoch(self) -> str:
        """Shared by every instance over the same store (versions are the store's, not the process's)."""
        return hashlib.sha256(self.query_endpoint.encode()).hexdigest()[:8]

    def status(self) -> dict[str, Any]:
        return {
            "backend": "sparql",
            "persistent": True,
            "version": self._version,
            "endpoints": {"query": self.query_endpoint, "update": self.update_endpoint, "gsp": self.gsp_endpoint},
            "union": self.union_mode,
            "workers": {"size": self._connections, "live": self._connections, "busy": self._busy, "pids": []},
            "last_error": self._last_error,
        }

    # -- lifecycle -------------------------------------------------------------------------------------------------

    async def start(self) -> None:
        self._write_lock = asyncio.Lock()
        self._fresh_lock = asyncio.Lock()
        try:
            await self.refresh_version()
        except (RemoteUnavailable, RemoteTimeout, EvaluationError) as err:
            log.warning("cannot read the dataset version yet: %s", err)

    async def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def fresh(self) -> None:
        """Read the version marker again if the last read is older than ``poll_interval`` seconds; called before a
        request is answered. Nothing runs in the background: an idle instance sends nothing to the store, a busy one
        one tiny SELECT per interval (the requests that arrive while it runs wait for it and share its answer), and a
        write through another instance is seen from the first request after the interval. A store that cannot be
        read is tried again after the interval, not on every request (the request goes on; its query reports the
        store's state)."""
        if self._fresh_lock is None or time.monotonic() - self._checked < self.poll_interval:
            return
        async with self._fresh_lock:
            if time.monotonic() - self._checked < self.poll_interval:
                return  # read by the request this one waited for
            started = time.monotonic()
            try:
                await self.refresh_version()
            except (RemoteUnavailable, RemoteTimeout, EvaluationError) as err:
                self._last_error = str(err)
                self._checked = started

    async def refresh_version(self) -> int:
        """Read the version marker from the store (the value stays if there is none yet)."""
        started = time.monotonic()
        query = f"SELECT ?v WHERE {{ GRAPH <{VERSION_GRAPH}> {{ <{VERSION_GRAPH}> <{VERSION_PREDICATE}> ?v }} }}"
        rows = await self._select(query, min(5.0, self.timeout))
        values = [int(r["v"].value) for r in rows if r["v"] is not None and r["v"].value.lstrip("-").isdigit()]
        if values:
            self._version = max(values)
        self._last_error = None
        self._checked = started
        return self._version

    # -- HTTP --------------------------------------------------------------------------------------------------------

    async def _run(self, work: Any, timeout: float, what: str) -> Any:
        """Run ``work(call)`` on the pool within ``timeout`` seconds (then close its connection: 504)."""
        call = _Call()
        loop = asyncio.get_running_loop()
        self._busy += 1
        future = loop.run_in_executor(self._pool, work, call)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError:
            call.close()
            future.add_done_callback(lambda f: f.exception() if not f.cancelled() else None)
            raise RemoteTimeout(f"{what} ran past the time limit of {timeout:g} s at {self.query_endpoint}") from None
        except StoreError:
            raise
        except Exception as err:  # never a 500 with a traceback: whatever broke, it broke at the store
            raise RemoteUnavailable(f"{what} failed at {self.query_endpoint}: {type(err).__name__}: {err}") from None
        finally:
            self._busy -= 1

    def _open(
        self, call: _Call, text: str, accept: str, params: list[tuple[str, str]], timeout: float, update: bool = False
    ) -> Any:
        endpoint = self.update_endpoint if update else self.query_endpoint
        assert endpoint is not None
        wrapper = _Wrapper(self.query_endpoint, self.update_endpoint or self.query_endpoint, self._opener, update)
        try:
            call.response = wrapper.open(text, accept, params, timeout + 1)
        except urllib.error.HTTPError as err:
            raise self._http_error(err, endpoint) from None
        except (urllib.error.URLError, OSError) as err:
            raise self._network_error(err, endpoint, timeout) from None
        if call.cancelled:
            call.close()
            raise RemoteTimeout("cancelled")
        return call.response

    def _http_error(self, err: urllib.error.HTTPError, endpoint: str) -> Exception:
        try:
            body = err.read().decode("utf-8", "replace").strip()
        except Exception:
            body = ""
        body = body[:2000]
        if err.code in (401, 403):
            return RemoteUnavailable(f"the store at {endpoint} refused the credentials ({err.code}): {body}")
        if "S1T00" in body or ("timeout" in body.lower() and err.code >= 500):
            return RemoteTimeout(f"the store at {endpoint} stopped the request at its time limit: {body}")
        if 400 <= err.code < 500:
            return EvaluationError(f"the store at {endpoint} refused the request ({err.code}): {body}")
        return RemoteUnavailable(f"the store at {endpoint} failed ({err.code}): {body}")

    def _network_error(self, err: BaseException, endpoint: str, timeout: float) -> Exception:
        reason = getattr(err, "reason", err)
        if isinstance(reason, TimeoutError | socket.timeout):
            return RemoteTimeout(f"no answer from {endpoint} within {timeout:g} s")
        return RemoteUnavailable(f"cannot reach the SPARQL store at {endpoint}: {reason}")

    def _dataset_params(self, request: QueryRequest) -> list[tuple[str, str]]:
        """The client's own ``default-graph-uri``/``named-graph-uri`` parameters, sent as they are."""
        params: list[tuple[str, str]] = []
        if request.dataset.given:
            params += [("default-graph-uri", g) for g in request.dataset.default_graphs]
            params += [("named-graph-uri", g) for g in request.dataset.named_graphs]
        return params

    async def _select(self, query: str, timeout: float) -> list[ox.QuerySolution]:
        def work(call: _Call) -> list[ox.QuerySolution]:
            response = self._open(call, query, RESULTS_ACCEPT, [], timeout)
            with response:
                parsed = ox.parse_query_results(response, _results_format(response))
                assert isinstance(parsed, ox.QuerySolutions)
                return list(parsed)

        return await self._run(work, timeout, "a query")

    async def _union_graphs(self, timeout: float) -> tuple[str, ...]:
        """The dataset's graphs (the store's system graphs and the version graph left out), once per version."""
        version = self._version
        if self._graphs is not None and self._graphs[0] == version:
            return self._graphs[1]
        # graph/statistics lists them (18 s saved at 10M triples on Virtuoso, past any sensible time limit); a
        # store without it is asked which graphs hold triples
        names = await self._graph_names(statistics.GRAPHS, timeout) or await self._graph_names(ALL_GRAPHS, timeout)
        graphs = self._dataset_graphs(names)
        self._graphs = (version, graphs)
        return graphs

    async def _graph_names(self, query: str, timeout: float) -> set[str]:
        """The graph IRIs a SELECT of ``?g`` answers."""
        return {r["g"].value for r in await self._select(query, timeout) if isinstance(r["g"], ox.NamedNode)}

    def _dataset_graphs(self, names: Iterable[str]) -> tuple[str, ...]:
        endpoints = (self.query_endpoint, self.update_endpoint, self.gsp_endpoint)
        return dataset_graphs(names, endpoints, self.system_graphs)

    # -- reads -----------------------------------------------------------------------------------------------------

    async def query(self, request: QueryRequest) -> QueryResult:
        version = self._version  # read first: the answer reflects this version or a later one
        timeout = request.timeout or self.timeout
        text = request.text
        federation.check(text, request.base_iri, self.allowed_endpoints)
        if not federation.mentions(text, False):
            _check_query_syntax(text, request.base_iri)
        if request.substitutions:
            text = bind_values(text, request.substitutions)
            _check_query_syntax(text, request.base_iri)
        if request.base_iri:
            text = f"BASE <{request.base_iri}>\n{text}"
        params = self._dataset_params(request)
        if not request.dataset.given and request.union_default and not has_from_clause(request.text):
            if self.union_mode == "explicit":
                graphs = await self._union_graphs(timeout)
                if not graphs:
                    graphs = (VERSION_GRAPH + "#none",)  # an empty dataset, not the store's default one
                text = with_dataset(text, graphs, graphs)
            elif self.union_mode == "param":
                params.append(("union-default-graph", ""))
        form = query_form(request.text)
        if form in ("CONSTRUCT", "DESCRIBE") and request.graph_format is None:
            raise NotAcceptable("CONSTRUCT/DESCRIBE results: none of the accepted media types is an RDF syntax")
        if form in ("SELECT", "ASK") and request.results_format is None:
            raise NotAcceptable("SELECT/ASK results: none of the accepted media types is a SPARQL results format")
        accept = GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
        started = time.perf_counter()

        def work(call: _Call) -> QueryResult:
            response = self._open(call, text, accept, params, timeout)
            with response:
                return self._serialize(response, request, version, booleans)

        booleans = boolean_variables(request.text, request.substitutions) if form == "SELECT" else frozenset()
        result = await self._run(work, timeout, "the query")
        log.debug("remote query: %.3f s", time.perf_counter() - started)
        return result

    def _serialize(
        self, response: Any, request: QueryRequest, version: int, booleans: frozenset[str] = frozenset()
    ) -> QueryResult:
        """The store's answer written again in the negotiated format, cut at the row cap, every term in its
        canonical form (:mod:`.canonical`; ``booleans``: the variables the query binds to booleans only)."""
        media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        cap = request.row_cap
        try:
            graph_fmt = _graph_format(media)
            if graph_fmt is not None:
                if request.graph_format is None:
                    raise NotAcceptable("CONSTRUCT/DESCRIBE results: none of the accepted media types is an RDF syntax")
                quads = ox.parse(response, graph_fmt, without_named_graphs=True)
                rows = list(islice((q.triple for q in quads), None if cap is None else cap + 1))
                truncated = cap is not None and len(rows) > cap
                rows = rows[:cap] if cap is not None else rows
                rows = [
                    ox.Triple(t.subject, t.predicate, canonical(t.object)) if needs_canonical(t.object) else t
                    for t in rows
                ]
                fmt = GRAPH_FORMATS[request.graph_format]
                prefixes = self.prefixes if fmt == ox.RdfFormat.TURTLE else None
                body = ox.serialize(rows, format=fmt, prefixes=prefixes)
                return QueryResult(body or b"", request.graph_format, "graph", version, truncated)
            parsed = ox.parse_query_results(response, _results_format(response))
            if request.results_format is None:
                raise NotAcceptable("SELECT/ASK results: none of the accepted media types is a SPARQL results format")
            fmt = RESULT_FORMATS[request.results_format]
            if isinstance(parsed, ox.QueryBoolean):
                return QueryResult(parsed.serialize(format=fmt) or b"", request.results_format, "boolean", version)
            names = [v.value for v in parsed.variables]
            rows = list(islice(parsed, None if cap is None else cap + 1))
            truncated = cap is not None and len(rows) > cap
            rows = rows[:cap] if cap is not None else rows
            lines = ["\t".join(f"?{n}" for n in names)]
            flags = [n in booleans for n in names]

            def cell(term: Any, boolean: bool) -> str:
                if term is None:
                    return ""
                return str(canonical(term, boolean) if needs_canonical(term) else term)

            lines.extend("\t".join(cell(row[n], b) for n, b in zip(names, flags, strict=True)) for row in rows)
            tsv = "\n".join(lines) + "\n"
            body = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)
            return QueryResult(body or b"", request.results_format, "solutions", version, truncated)
        except SyntaxError as err:
            raise RemoteUnavailable(
                f"the store at {self.query_endpoint} sent an answer that does not parse: {err}"
            ) from None

    async def get_graph(self, graph: GraphName, media_type: str, timeout: float | None = None) -> QueryResult:
        _check_graph(graph)
        version = self._version
        timeout = timeout or self.timeout
        if graph is None:
            query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        else:
            if not await self._graph_exists(graph, timeout):
                raise GraphNotFound(f"no graph <{graph}> in the store")
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        request = QueryRequest(query, union_default=False, results_format=None, graph_format=media_type)

        def work(call: _Call) -> QueryResult:
            response = self._open(call, query, GRAPH_ACCEPT, [], timeout)
            with response:
                return self._serialize(response, request, version)

        return await self._run(work, timeout, "reading the graph")

    async def _graph_exists(self, graph: str, timeout: float) -> bool:
        rows = await self._select(f"SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} LIMIT 1", timeout)
        return bool(rows)

    # -- writes ----------------------------------------------------------------------------------------------------

    def _gsp(self) -> GraphStore:
        if self._graph_store is None:
            assert self.gsp_endpoint is not None
            self._graph_store = GraphStore(self.gsp_endpoint, self._auth, self._auth_scheme)
        return self._graph_store

    def _require_writable(self) -> None:
        if self.update_endpoint is None:
            raise EvaluationError("this service is read-only: it was started without --update-endpoint")

    async def _send_update(self, text: str, timeout: float) -> None:
        def work(call: _Call) -> None:
            response = self._open(call, text, "*/*", [], timeout, update=True)
            with response:
                response.read()

        await self._run(work, timeout, "the update")

    async def _write(self, text: str | None, timeout: float, touched: set[str] | None = None) -> None:
        """Send ``text`` (or nothing) followed by the version bump, in one request; then read the version again, and
        recount the statistics over the dataset's graphs and ``touched`` (None: every graph must be listed anew)."""
        self._require_writable()
        assert self._write_lock is not None, "store not started"
        async with self._write_lock:
            with contextlib.suppress(RemoteUnavailable, RemoteTimeout, EvaluationError):
                await self.refresh_version()
            bump = version_update(next_version(self._version))
            full = bump if text is None else f"{text}\n{'' if _ends_with_semicolon(text) else ';'}\n{bump}"
            try:
                await self._send_update(full, timeout)
            finally:
                self._graphs = None
                with contextlib.suppress(RemoteUnavailable, RemoteTimeout, EvaluationError):
                    await self.refresh_version()
            await self._recount(timeout, touched)

    async def _recount(self, timeout: float, touched: set[str] | None) -> None:
        """Recount graph/statistics (where the dataset keeps one) over the dataset's own graphs, then bump the
        version again: readers may see the write a moment before its counts, never counts older than that.

        The graphs are the last counted ones and those the write named, so that no write costs a scan of every
        graph's triples (18 s at 10M on Virtuoso); an update that writes an unnamed graph gets that scan."""
        known = await self._union_graphs(timeout)
        if statistics.GRAPH not in known:
            return
        if touched is None:
            touched = await self._graph_names(ALL_GRAPHS, timeout)
        graphs = self._dataset_graphs({*known, *touched})
        query = with_dataset(statistics.COUNTS, (), graphs)

        def work(call: _Call) -> list[ox.Triple]:
            response = self._open(call, query, GRAPH_ACCEPT, [], timeout)
            with response:
                media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                fmt = _graph_format(media) or ox.RdfFormat.N_TRIPLES
                return [quad.triple for quad in ox.parse(response.read(), format=fmt)]

        counts = await self._run(work, timeout, "recounting the statistics")
        replace = statistics.replace_update(statistics.graph(counts))
        try:
            await self._send_update(f"{replace} ;\n{version_update(next_version(self._version))}", timeout)
        finally:
            self._graphs = None
            with contextlib.suppress(RemoteUnavailable, RemoteTimeout, EvaluationError):
                await self.refresh_version()

    async def update(self, request: UpdateRequest) -> None:
        self._require_writable()
        text = request.text
        federation.check(text, request.base_iri, self.allowed_endpoints, update=True)
        text = apply_using(text, request.using_graphs, request.using_named_graphs)
        if not federation.mentions(text, True):
            try:
                ox.Store().update(text, base_iri=request.base_iri)  # parse (and run on nothing)
            except SyntaxError as err:
                raise QuerySyntaxError.from_parser(err, text) from None
            except (OSError, RuntimeError, ValueError):
                pass
        if request.base_iri:
            text = f"BASE <{request.base_iri}>\n{text}"
        log.info("write: update (%d characters)", len(text))
        await self._write(text, request.timeout or self.timeout, graphs_named(text))

    async def put_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        return await self._upload(graph, payload, media_type, base_iri, replace=True)

    async def post_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        return await self._upload(graph, payload, media_type, base_iri, replace=False)

    async def _upload(
        self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None, replace: bool
    ) -> bool:
        _check_graph(graph)
        self._require_writable()
        nt = await asyncio.get_running_loop().run_in_executor(None, _to_ntriples, payload, media_type, base_iri)
        timeout = self.timeout + len(nt) / 2**20
        existed = graph is None or await self._graph_exists(graph, timeout)
        target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
        block = nt.decode("utf-8") if graph is None else f"GRAPH <{graph}> {{\n{nt.decode('utf-8')}}}"
        parts = [f"CLEAR SILENT {target}"] if replace else []
        if nt.strip():
            parts.append(f"INSERT DATA {{\n{block}}}")
        log.info("write: %s %s (%d bytes)", "PUT" if replace else "POST", _label(graph), len(nt))
        touched = set() if graph is None else {graph}
        if self.gsp_endpoint is not None and nt.strip():
            assert self._write_lock is not None
            async with self._write_lock:
                await self._run(
                    lambda call: self._gsp().send(graph, nt, replace, timeout),
                    timeout,
                    "the upload",
                )
            await self._write(None, self.timeout, touched)
        else:
            await self._write(" ;\n".join(parts) if parts else None, timeout, touched)
        return not existed

    async def delete_graph(self, graph: GraphName) -> None:
        _check_graph(graph)
        if graph is not None and not await self._graph_exists(graph, self.timeout):
            raise GraphNotFound(f"no graph <{graph}> in the store")
        log.info("write: DELETE %s", _label(graph))
        text = "CLEAR SILENT DEFAULT" if graph is None else f"DROP SILENT GRAPH <{graph}>"
        await self._write(text, self.timeout, set() if graph is None else {graph})


# -- helpers ------------------------------------------------------------------------------------------------------


def _results_format(response: Any) -> ox.QueryResultsFormat:
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if media in ("application/sparql-results+xml", "application/xml", "text/xml"):
        return ox.QueryResultsFormat.XML
    if media in ("text/tab-separated-values",):
        return ox.QueryResultsFormat.TSV
    return ox.QueryResultsFormat.JSON


def _graph_format(media: str) -> ox.RdfFormat | None:
    if media in ("text/plain", "application/n-triples", "text/ntriples"):
        return ox.RdfFormat.N_TRIPLES
    if media in ("text/turtle", "application/x-turtle", "application/turtle"):
        return ox.RdfFormat.TURTLE
    if media in ("application/rdf+xml",):
        return ox.RdfFormat.RDF_XML
    if media in ("application/ld+json",):
        return ox.RdfFormat.JSON_LD
    return None


def _check_query_syntax(text: str, base_iri: str | None) -> None:
    """Parse with pyoxigraph (on an empty store: lazy for SELECT/CONSTRUCT, instant for ASK), so syntax errors read
    the same as on the embedded store, with line and column."""
    try:
        _EMPTY.query(text, base_iri=base_iri)
    except SyntaxError as err:
        raise QuerySyntaxError.from_parser(err, text) from None
    except (OSError, RuntimeError, ValueError, TypeError):
        pass


def _to_ntriples(payload: Path, media_type: str, base_iri: str | None) -> bytes:
    fmt = upload_format(media_type)
    if fmt is None:
        raise PayloadError(f"unsupported RDF media type {media_type!r}")
    try:
        quads = ox.parse(
            path=str(payload), format=fmt, base_iri=base_iri, without_named_graphs=True, rename_blank_nodes=True
        )
        return ox.serialize((q.triple for q in quads), format=ox.RdfFormat.N_TRIPLES) or b""
    except SyntaxError as err:
        raise PayloadError(f"malformed {fmt.name}: {err}") from None
    except (OSError, ValueError, RuntimeError) as err:
        raise PayloadError(f"cannot read the {fmt.name} document: {err}") from None


def _check_graph(graph: GraphName) -> None:
    if graph is not None and not valid_iri(graph):
        raise QuerySyntaxError(f"not an IRI: {graph!r}")


def _label(graph: GraphName) -> str:
    return "the default graph" if graph is None else f"<{graph}>"


_TYPED_INTEGER = re.compile(rb'(?<= )"([+-]?[0-9]+)"\^\^<http://www\.w3\.org/2001/XMLSchema#integer> \.$', re.MULTILINE)


def bare_integers(nt: bytes) -> bytes:
    """N-Triples with each ``"123"^^xsd:integer`` object written as Turtle's bare ``123`` (the same literal). Virtuoso's
    Turtle loader (behind its Graph Store) reads a typed integer past 32 bits as an ``xsd:decimal``
    (``"208000000000"^^xsd:integer`` came back ``"208000000000"^^xsd:decimal``); a bare one it keeps an integer. Only
    an object at the end of a line is rewritten, after the space that starts it: inside a literal a quote is always
    escaped, so nothing else can match."""
    return _TYPED_INTEGER.sub(rb"\1 .", nt)


def gsp_url(endpoint: str, graph: GraphName) -> str:
    query = "default" if graph is None else urllib.parse.urlencode({"graph": graph})
    return endpoint + ("&" if "?" in endpoint else "?") + query


class GraphStore:
    """A Graph Store Protocol client (httpx). With credentials, it first learns the store's scheme from a bodiless
    request (digest, as Virtuoso asks, or basic), so that a large upload is sent once, already authorised, and not
    cut off by the store's 401 half-way."""

    def __init__(self, endpoint: str, auth: Auth | None = None, scheme: str = "auto") -> None:
        import httpx

        self.endpoint = endpoint
        self._credentials = auth
        self._scheme = scheme
        self._primed = auth is None
        self._client = httpx.Client(timeout=None)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def _prime(self, timeout: float) -> None:
        import httpx

        with self._lock:
            if self._primed or self._credentials is None:
                return
            user, password = self._credentials.user, self._credentials.password
            scheme = self._scheme
            probe = gsp_url(self.endpoint, VERSION_GRAPH)
            if scheme == "auto":
                answer = self._client.get(probe, timeout=timeout)
                challenge = answer.headers.get("www-authenticate", "").lower()
                scheme = "digest" if challenge.startswith("digest") else "basic"
            auth: httpx.Auth = (
                httpx.DigestAuth(user, password) if scheme == "digest" else httpx.BasicAuth(user, password)
            )
            self._client.auth = auth
            self._client.get(probe, timeout=timeout)  # digest: the challenge is remembered from here on
            self._primed = True

    def send(self, graph: GraphName, body: bytes, replace: bool, timeout: float) -> int:
        """PUT (replace) or POST (merge) N-Triples; the HTTP status (201: created)."""
        import httpx

        url = gsp_url(self.endpoint, graph)
        headers = {"Content-Type": "text/turtle; charset=utf-8"}  # N-Triples is Turtle: every store reads it
        body = bare_integers(body)
        for attempt in (1, 2):
            try:
                self._prime(timeout)
                answer = self._client.request(
                    "PUT" if replace else "POST", url, content=body, headers=headers, timeout=timeout
                )
            except httpx.TimeoutException:
                raise RemoteTimeout(f"no answer from {self.endpoint} within {timeout:g} s") from None
            except (httpx.WriteError, httpx.RemoteProtocolError) as err:
                if attempt == 1 and self._credentials is not None:  # a stale nonce: learn a new one, once
                    self._primed = False
                    continue
                raise RemoteUnavailable(f"the Graph Store at {self.endpoint} cut the upload off: {err}") from None
            except httpx.HTTPError as err:
                raise RemoteUnavailable(f"cannot reach the Graph Store at {self.endpoint}: {err}") from None
            if answer.status_code in (401, 403):
                raise RemoteUnavailable(
                    f"the Graph Store at {self.endpoint} refused the credentials ({answer.status_code})"
                )
            if answer.status_code >= 500:
                raise RemoteUnavailable(
                    f"the Graph Store at {self.endpoint} failed ({answer.status_code}): {answer.text[:500]}"
                )
            if answer.status_code >= 400:
                raise EvaluationError(
                    f"the Graph Store at {self.endpoint} refused the upload ({answer.status_code}): {answer.text[:500]}"
                )
            return answer.status_code
        raise AssertionError("unreachable")


# -- push ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pushed:
    graph: GraphName
    triples: int
    status: int | None
    seconds: float
    error: str | None = None


def graphs_of(trig: Path) -> dict[GraphName, list[ox.Triple]]:
    """The TriG's triples, graph by graph (``None``: its default graph)."""
    by_graph: dict[GraphName, list[ox.Triple]] = defaultdict(list)
    for quad in ox.parse(path=str(trig), format=ox.RdfFormat.TRIG):
        name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        by_graph[name].append(quad.triple)
    return dict(by_graph)


def push(
    trig: Path,
    gsp_endpoint: str,
    *,
    auth: Auth | None = None,
    auth_scheme: str = "auto",
    timeout: float = 300.0,
) -> Iterator[Pushed]:
    """PUT each graph of the build to the Graph Store (replace: running it twice leaves the same data), then a new
    version marker (so every service instance over the store drops its caches). One request per graph: a graph that
    fails keeps its previous contents and is reported; the others go on."""
    store = GraphStore(gsp_endpoint, auth, auth_scheme)
    graphs = graphs_of(trig)
    pushed_any = False
    for graph in sorted(graphs, key=lambda g: (g is not None, g or "")):
        triples = graphs[graph]
        started = time.perf_counter()
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        try:
            status = store.send(graph, body, True, timeout)
        except (RemoteUnavailable, RemoteTimeout, EvaluationError) as err:
            yield Pushed(graph, len(triples), None, time.perf_counter() - started, str(err))
            continue
        pushed_any = True
        yield Pushed(graph, len(triples), status, time.perf_counter() - started)
    if pushed_any:
        started = time.perf_counter()
        version = next_version(0)
        try:
            status = store.send(VERSION_GRAPH, version_document(version), True, timeout)
            yield Pushed(VERSION_GRAPH, 1, status, time.perf_counter() - started)
        except (RemoteUnavailable, RemoteTimeout, EvaluationError) as err:
            yield Pushed(VERSION_GRAPH, 1, None, time.perf_counter() - started, str(err))
    store.close()
