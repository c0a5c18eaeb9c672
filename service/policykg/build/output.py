"""Write the dataset as TriG (to read) and N-Quads (to load), byte-identical for the same input.

Quads are converted to pyoxigraph terms, blank nodes (only in the ontology's axioms) are given canonical labels,
and everything is sorted before pyoxigraph serialises it with the project's prefixes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from .. import statistics
from ..config import nquads_twin
from ..oxutil import from_ox, to_ox


def sorted_quads(graphs: dict[URIRef, Graph]) -> list[ox.Quad]:
    quads = []
    for name in sorted(graphs):
        graph = graphs[name]
        if any(isinstance(t, BNode) for triple in graph for t in triple):
            graph = to_canonical_graph(graph)  # stable blank node labels
        gname = ox.NamedNode(str(name))
        quads.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), gname) for s, p, o in graph)
    quads.sort(key=lambda q: (q.graph_name.value, str(q.subject), str(q.predicate), str(q.object)))
    return quads


def named_graphs(ds: Dataset) -> dict[URIRef, Graph]:
    return {g.identifier: g for g in ds.graphs() if isinstance(g.identifier, URIRef) and len(g)}


def add_statistics(ds: Dataset) -> int:
    """Write the statistics graph (:mod:`policykg.statistics`) into ``ds``, computed as the stores refresh it.
    Returns its number of triples."""
    store = ox.Store()
    store.extend(sorted_quads(named_graphs(ds)))
    statistics.add(store)
    graph = ds.graph(URIRef(statistics.GRAPH))
    graph.remove((None, None, None))
    for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(statistics.GRAPH)):
        graph.add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    return len(graph)


def write_trig(ds: Dataset, path: Path, prefixes: dict[str, str]) -> int:
    """Serialise to ``path`` and to its N-Quads twin (:func:`~policykg.config.nquads_twin`), each atomically
    (written as a sibling, then renamed). Returns the number of quads.

    The stores load the N-Quads: one statement per line, so the on-disk loader cuts it into chunks for every core
    without parsing it, where TriG must first be parsed and re-serialised on one core (1M quads: 2.5 s of CPU).
    """
    quads = sorted_quads(named_graphs(ds))
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(nquads_twin(path), ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    _write_atomically(path, ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes))
    return len(quads)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
