"""The contract between the HTTP API and a SPARQL backend.

The API only talks to a :class:`Store`, so a backend other than the embedded pyoxigraph one (a remote SPARQL
endpoint, say) can be put behind the same routes. Every answer says which dataset ``version`` it reflects; the version
changes on every write, which is what ETags and the result cache key on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ResultKind = Literal["solutions", "boolean", "graph"]
GraphName = str | None
"""A named graph's IRI, or ``None`` for the store's default graph."""


@dataclass(frozen=True)
class Dataset:
    """A protocol-specified dataset (``default-graph-uri`` / ``named-graph-uri``). Empty: not specified."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def given(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


@dataclass(frozen=True)
class QueryRequest:
    """One query. ``results_format``/``graph_format`` are the negotiated media types for SELECT/ASK and
    CONSTRUCT/DESCRIBE results; ``None`` means the caller accepts no format of that kind (answer: not acceptable)."""

    text: str
    base_iri: str | None = None
    dataset: Dataset = field(default_factory=Dataset)
    union_default: bool = True
    results_format: str | None = "application/sparql-results+json"
    graph_format: str | None = "text/turtle"
    row_cap: int | None = None
    timeout: float | None = None
    substitutions: tuple[tuple[str, Any], ...] = ()
    """(variable name, pyoxigraph term) pairs bound into the parsed query, for named queries with parameters."""


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    media_type: str
    kind: ResultKind
    version: int
    truncated: bool = False


@dataclass(frozen=True)
class UpdateRequest:
    text: str
    base_iri: str | None = None
    using_graphs: tuple[str, ...] = ()
    using_named_graphs: tuple[str, ...] = ()
    timeout: float | None = None


class Store(ABC):
    """A SPARQL dataset the API can query, update and manage graph by graph (SPARQL 1.1 Graph Store Protocol)."""

    @property
    @abstractmethod
    def version(self) -> int:
        """Changes (increases) on every successful write."""

    @property
    def writable(self) -> bool:
        return True

    @property
    def etag_epoch(self) -> str | None:
        """A tag shared by every process serving this dataset, for ETags that hold across instances behind a load
        balancer (None: the process picks its own, so ETags change with every restart)."""
        return None

    async def start(self) -> None:  # noqa: B027 - optional hook
        """Acquire processes and connections; called once the event loop runs."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        """Release everything :meth:`start` acquired."""

    async def fresh(self) -> None:  # noqa: B027 - optional hook
        """Bring :attr:`version` up to date before a request is answered (a store shared with other processes reads
        theirs again; a store whose writes all go through this process has nothing to do)."""

    @abstractmethod
    async def query(self, request: QueryRequest) -> QueryResult: ...

    @abstractmethod
    async def update(self, request: UpdateRequest) -> None: ...

    @abstractmethod
    async def get_graph(self, graph: GraphName, media_type: str, timeout: float | None = None) -> QueryResult: ...

    @abstractmethod
    async def put_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        """Replace the graph with the RDF document in ``payload``; True if the graph was created."""

    @abstractmethod
    async def post_graph(self, graph: GraphName, payload: Path, media_type: str, base_iri: str | None) -> bool:
        """Merge the document into the graph; True if the graph was created."""

    @abstractmethod
    async def delete_graph(self, graph: GraphName) -> None:
        """Drop a named graph (:class:`~.errors.GraphNotFound` if absent) or clear the default graph."""

    def status(self) -> dict[str, Any]:
        """A few facts for ``/healthz``."""
        return {"version": self.version}
