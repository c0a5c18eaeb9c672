"""Namespaces and the IRIs policykg mints for its resources and graphs."""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from .config import DEFAULT_BASE

PKG = Namespace(DEFAULT_BASE + "ontology#")
ONTOLOGY_IRI = URIRef(DEFAULT_BASE + "ontology")
AIF = Namespace("http://www.arg.dundee.ac.uk/aif#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "pkg": str(PKG),
    "aif": str(AIF),
    "oa": str(OA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}


class Minter:
    """Mints data IRIs under ``{base}id/`` and graph IRIs under ``{base}graph/``."""

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base if base.endswith("/") else base + "/"

    def item(self, kind: str, slug: str) -> URIRef:
        return URIRef(f"{self.base}id/{kind}/{slug}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    @property
    def ontology_graph(self) -> URIRef:
        return self.graph("ontology")

    @property
    def inferred_graph(self) -> URIRef:
        return self.graph("inferred")

    @property
    def corpus_graph(self) -> URIRef:
        """Shared entities (actors, treaties, topics) and the curators' cross-document links."""
        return self.graph("corpus")

    def document_graph(self, slug: str) -> URIRef:
        return self.graph(f"document/{slug}")

    def prefixes(self) -> dict[str, str]:
        return {**PREFIXES, "id": self.base + "id/"}
