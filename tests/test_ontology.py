"""The ontology's own promises: documented terms, AIF alignment, verified Wikidata links, labels on everything."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from policykg.build import BuildResult
from policykg.config import Paths

from .conftest import select

PKG = "https://w3id.org/policykg/ontology#"
AIF = "http://www.arg.dundee.ac.uk/aif#"


@pytest.fixture(scope="module")
def ontology(paths: Paths) -> Graph:
    return Graph().parse(paths.ontology, format="turtle")


def test_header_has_iri_version_licence_and_creators(ontology: Graph) -> None:
    onto = URIRef("https://w3id.org/policykg/ontology")
    assert (onto, RDF.type, OWL.Ontology) in ontology
    assert str(ontology.value(onto, OWL.versionIRI)).startswith("https://w3id.org/policykg/ontology/")
    assert ontology.value(onto, URIRef("http://purl.org/dc/terms/license")) is not None
    assert ontology.value(onto, URIRef("http://purl.org/dc/terms/creator")) is not None


def test_every_term_has_an_english_label_and_comment(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = {s for k in kinds for s in ontology.subjects(RDF.type, k) if str(s).startswith(PKG)}
    assert len(terms) > 60
    for term in terms:
        for prop in (RDFS.label, RDFS.comment):
            values = [v for v in ontology.objects(term, prop) if isinstance(v, Literal) and v.language == "en"]
            assert values, f"{term} has no English {prop}"


@pytest.mark.parametrize(
    ("cls", "aif"),
    [("Proposition", "I-node"), ("Support", "RA-node"), ("Attack", "CA-node"), ("ArgumentRelation", "S-node")],
)
def test_argument_classes_align_with_aif(ontology: Graph, cls: str, aif: str) -> None:
    assert (URIRef(PKG + cls), RDFS.subClassOf, URIRef(AIF + aif)) in ontology


def test_wikidata_links_are_only_verified_q_ids(store: ox.Store, paths: Paths) -> None:
    listed = paths.root.parent / "shared" / "wikidata.md"
    if not listed.is_file():
        pytest.skip("shared/wikidata.md is not beside the clone")
    verified = set(re.findall(r"\| (Q\d+) \|", listed.read_text()))
    rows = select(store, "PREFIX owl: <http://www.w3.org/2002/07/owl#> SELECT ?a ?q WHERE { ?a owl:sameAs ?q }")
    used = {r["q"].rsplit("/", 1)[-1] for r in rows}
    assert used and used <= verified
    assert {r["a"].rsplit("/", 1)[-1] for r in rows} >= {"nato", "japan", "france", "emmanuel-macron"}


def test_every_resource_in_the_data_has_a_label(built: BuildResult) -> None:
    data = Graph()
    for g in built.dataset.graphs():
        if g.identifier not in (built.minter.ontology_graph, built.minter.inferred_graph):
            for triple in g:
                data.add(triple)
    # graph/statistics counts the ontology and inferred graphs, which are labelled in themselves
    elsewhere = {built.minter.ontology_graph, built.minter.inferred_graph}
    subjects = {s for s in data.subjects() if isinstance(s, URIRef) and s not in elsewhere}
    assert len(subjects) > 1000
    unlabelled = {s for s in subjects if (s, RDFS.label, None) not in data}
    assert not unlabelled, sorted(unlabelled)[:10]
