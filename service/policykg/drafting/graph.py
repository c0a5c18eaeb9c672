"""What the drafter and the review need to know about the built graph: actors (labels, aliases), propositions
(labels, quotes, documents), every minted id, and the hashes of the texts already in it.

Read through SPARQL from the built TriG (or any pyoxigraph store), not from the YAML: the graph is the published
state, with one resource per actor however many files name it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..config import DEFAULT_BASE
from ..oxutil import select_rows

Rows = list[dict[str, str]]
Select = Callable[[str], Rows]

ID_PREFIX = DEFAULT_BASE + "id/"
PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""

ACTORS_QUERY = (
    PREFIXES
    + """SELECT ?actor ?name ?alias ?g WHERE {
  GRAPH ?g { ?actor foaf:name ?name . OPTIONAL { ?actor pkg:alias ?alias } }
}"""
)
PROPOSITIONS_QUERY = (
    PREFIXES
    + """SELECT ?item ?class ?label ?quote ?doc WHERE {
  VALUES ?class { pkg:Proposal pkg:Claim }
  ?item a ?class ; rdfs:label ?label .
  OPTIONAL { ?item pkg:statedIn ?doc }
  OPTIONAL { ?item pkg:anchor/oa:hasTarget/oa:hasSelector/oa:exact ?quote }
}"""
)
IDS_QUERY = f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID_PREFIX}")) }}"""
HASHES_QUERY = PREFIXES + "SELECT ?doc ?sha WHERE { ?doc pkg:textSha256 ?sha }"


def slug_of(iri: str) -> str:
    """The id of a minted IRI (``…/id/actor/nato`` → ``nato``)."""
    return iri.rstrip("/").rsplit("/", 1)[-1]


@dataclass
class KnownActor:
    id: str
    label: str
    aliases: list[str] = field(default_factory=list)
    graph: str = ""  # the named graph that defines it (document graph, or the corpus graph for entities.yaml)

    @property
    def names(self) -> list[str]:
        return [self.label, *self.aliases]


@dataclass
class Proposition:
    iri: str
    id: str
    kind: str  # proposal | claim
    label: str
    quotes: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)  # document IRIs

    @property
    def text(self) -> str:
        """What similarity compares: the label and the author's own words."""
        return " ".join([self.label, *self.quotes])


@dataclass
class KnowledgeGraph:
    actors: list[KnownActor] = field(default_factory=list)
    propositions: list[Proposition] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    text_hashes: dict[str, str] = field(default_factory=dict)  # sha256 → document IRI

    @classmethod
    def from_select(cls, select: Select) -> KnowledgeGraph:
        kg = cls()
        by_id: dict[str, KnownActor] = {}
        for row in select(ACTORS_QUERY):
            iri = row["actor"]
            if not iri.startswith(ID_PREFIX + "actor/"):
                continue
            actor = by_id.setdefault(slug_of(iri), KnownActor(slug_of(iri), row["name"], [], row.get("g", "")))
            alias = row.get("alias")
            if alias and alias not in actor.aliases:
                actor.aliases.append(alias)
        kg.actors = sorted(by_id.values(), key=lambda a: a.id)
        props: dict[str, Proposition] = {}
        for row in select(PROPOSITIONS_QUERY):
            iri = row["item"]
            kind = "proposal" if row["class"].endswith("#Proposal") else "claim"
            prop = props.setdefault(iri, Proposition(iri, slug_of(iri), kind, row["label"]))
            if (quote := row.get("quote")) and quote not in prop.quotes:
                prop.quotes.append(quote)
            if (doc := row.get("doc")) and doc not in prop.documents:
                prop.documents.append(doc)
        kg.propositions = sorted(props.values(), key=lambda p: p.iri)
        kg.ids = {slug_of(row["s"]) for row in select(IDS_QUERY)}
        kg.text_hashes = {row["sha"]: row["doc"] for row in select(HASHES_QUERY)}
        return kg

    @classmethod
    def from_store(cls, store: ox.Store) -> KnowledgeGraph:
        return cls.from_select(lambda query: select_rows(store, query))

    @classmethod
    def from_trig(cls, path: Path) -> KnowledgeGraph:
        return cls.from_store(load_store(path))

    def without_graphs(self, graphs: Iterable[str]) -> KnowledgeGraph:
        """The graph as if the given named graphs (a document's annotations) had never been built: the drafter's
        evaluation hides each document's curated annotation this way."""
        hidden = set(graphs)
        docs = {g.replace("/graph/document/", "/id/document/") for g in hidden}
        return KnowledgeGraph(
            actors=[a for a in self.actors if a.graph not in hidden],
            propositions=[p for p in self.propositions if not (p.documents and set(p.documents) <= docs)],
            ids=set(self.ids),
            text_hashes={h: d for h, d in self.text_hashes.items() if d not in docs},
        )

    def actor(self, actor_id: str) -> KnownActor | None:
        return next((a for a in self.actors if a.id == actor_id), None)

    def proposition(self, key: str) -> Proposition | None:
        """By IRI or by bare id."""
        return next((p for p in self.propositions if key in (p.iri, p.id)), None)


def load_store(path: Path) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return store
