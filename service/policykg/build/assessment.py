"""The default-view argument assessment, written to the inferred graph so that SPARQL can filter on it."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef

from ..argumentation import Label
from ..argumentation.assess import ArgumentGraph, assess
from ..oxutil import select_rows, to_ox
from ..vocab import PKG

TERMS = {Label.IN: PKG.IN, Label.OUT: PKG.OUT, Label.UNDEC: PKG.UNDEC}


def acceptability(ds: Dataset) -> Graph:
    """``pkg:acceptability`` of every proposition under grounded semantics, all documents, all asserters."""
    store = ox.Store()
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(str(g.identifier)))
        for g in ds.graphs()
        if isinstance(g.identifier, URIRef)
        for s, p, o in g
    )
    result = assess(ArgumentGraph.from_dataset(lambda q: select_rows(store, q)), "grounded")
    graph = Graph()
    for iri, label in result.labels.items():
        graph.add((URIRef(iri), PKG.acceptability, TERMS[label]))
    return graph
