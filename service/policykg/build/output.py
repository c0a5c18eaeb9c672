"""Write the dataset as TriG, byte-identical for the same input.

Quads are converted to pyoxigraph terms, blank nodes (only in the ontology's axioms) are given canonical labels,
and everything is sorted before pyoxigraph serialises it with the project's prefixes.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.compare import to_canonical_graph

from .. import statistics
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
    """Serialise to ``path`` atomically (write a sibling, then rename). Returns the number of quads."""
    quads = sorted_quads(named_graphs(ds))
    data = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)
    return len(quads)
