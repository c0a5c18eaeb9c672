"""The dataset's statistics graph: counts that queries read instead of computing them on every request.

Counting every triple of every graph, or every item under every topic, touches the whole dataset (600 ms and 60 ms
at 1M triples in pyoxigraph). The build therefore writes the counts into ``graph/statistics`` as VoID (triples per
graph, entities per class) and per-topic counts, and every store recounts that graph after each write, so the
counts never describe an older version of the data. A store without the graph (``serve --empty``) is left as it is.

The counts are one CONSTRUCT query over the named graphs (:data:`COUNTS`), the same text for pyoxigraph and for a
remote store (which runs it over the dataset's own graphs, not the store's system graphs); :func:`graph` turns its
answer into the graph's contents.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

BASE = "https://w3id.org/policykg/"
GRAPH = BASE + "graph/statistics"
DATASET = BASE + "id/dataset/policykg"
_VOID = "http://rdfs.org/ns/void#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

COUNTS = f"""\
PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <{_RDFS}>
PREFIX void: <{_VOID}>
CONSTRUCT {{
  ?graph void:triples ?triples .
  <{DATASET}> void:classPartition ?partition .
  ?partition void:class ?class ; void:entities ?entities ; rdfs:label ?partitionLabel .
  ?topic pkg:documentCount ?documents ; pkg:proposalCount ?proposals ; pkg:claimCount ?claims .
}}
WHERE {{
  {{
    SELECT ?graph (COUNT(*) AS ?triples)
    WHERE {{ GRAPH ?graph {{ ?s ?p ?o }} FILTER(?graph != <{GRAPH}>) }}
    GROUP BY ?graph
  }} UNION {{
    {{
      SELECT ?class (COUNT(DISTINCT ?resource) AS ?entities)
      WHERE {{ GRAPH ?graph {{ ?resource a ?class }} FILTER(isIRI(?class) && ?graph != <{GRAPH}>) }}
      GROUP BY ?class
    }}
    BIND(IRI(CONCAT("{DATASET}/class/", MD5(STR(?class)))) AS ?partition)
    BIND(STRLANG(CONCAT("instances of ", STR(?class)), "en") AS ?partitionLabel)
  }} UNION {{
    SELECT ?topic
           (COUNT(DISTINCT ?document) AS ?documents)
           (COUNT(DISTINCT ?proposal) AS ?proposals)
           (COUNT(DISTINCT ?claim) AS ?claims)
    WHERE {{
      GRAPH ?graph {{ ?item pkg:topic ?topic }}
      OPTIONAL {{ GRAPH ?g1 {{ ?item a pkg:Document }} BIND(?item AS ?document) }}
      OPTIONAL {{ GRAPH ?g2 {{ ?item a pkg:Proposal }} BIND(?item AS ?proposal) }}
      OPTIONAL {{ GRAPH ?g3 {{ ?item a pkg:Claim }} BIND(?item AS ?claim) }}
    }}
    GROUP BY ?topic
  }}
}}
"""
"""The counts, read with GRAPH patterns over the named graphs (the statistics graph left out)."""


def partition_iri(class_iri: str) -> str:
    """The IRI of the VoID class partition of ``class_iri``, as :data:`COUNTS` mints it (so that the VoID
    description served at ``/.well-known/void`` names the partitions the statistics graph holds)."""
    return f"{DATASET}/class/{hashlib.md5(class_iri.encode()).hexdigest()}"


GRAPHS = f"SELECT ?g WHERE {{ GRAPH <{GRAPH}> {{ ?g <{_VOID}triples> ?triples }} }}"
"""The dataset's named graphs as last counted (the statistics graph itself included), without scanning the data."""

PRESENT = f"ASK {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
"""Whether the dataset keeps statistics (they are recounted only where the build put them)."""


def graph(counts: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The statistics graph's triples: the counts (as xsd:integer, whatever integer type a store gave them), a
    label, and the graph's own size (this line included)."""
    me = ox.NamedNode(GRAPH)
    triples = sorted({ox.Triple(t.subject, t.predicate, _integer(t.object)) for t in counts}, key=str)
    triples.append(ox.Triple(me, ox.NamedNode(_RDFS + "label"), ox.Literal("Statistics", language="en")))
    comment = "Counts of the other graphs, recounted after every write."
    triples.append(ox.Triple(me, ox.NamedNode(_RDFS + "comment"), ox.Literal(comment, language="en")))
    dataset = ox.Triple(ox.NamedNode(DATASET), ox.NamedNode(_RDFS + "label"), ox.Literal("policykg", language="en"))
    triples.append(dataset)
    size = ox.Literal(str(len(triples) + 1), datatype=ox.NamedNode(_XSD + "integer"))
    triples.append(ox.Triple(me, ox.NamedNode(_VOID + "triples"), size))
    return triples


def _integer(term: ox.Term) -> ox.Term:
    if isinstance(term, ox.Literal) and term.value.isdigit() and term.datatype.value.startswith(_XSD):
        return ox.Literal(term.value, datatype=ox.NamedNode(_XSD + "integer"))
    return term


def replace_update(triples: Iterable[ox.Triple]) -> str:
    """One SPARQL update that swaps the statistics graph's contents for ``triples`` (terms written by pyoxigraph)."""
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"DROP SILENT GRAPH <{GRAPH}> ;\nINSERT DATA {{ GRAPH <{GRAPH}> {{\n{body}\n}} }}"


def refresh(store: ox.Store) -> bool:
    """Recount into the statistics graph if ``store`` keeps one (0.9–1.3 s at 1M triples); whether it did."""
    if not store.query(PRESENT):
        return False
    add(store)
    return True


def add(store: ox.Store) -> None:
    """Write the statistics graph into ``store`` (the build and the benchmark generator)."""
    store.update(replace_update(graph(store.query(COUNTS))))
