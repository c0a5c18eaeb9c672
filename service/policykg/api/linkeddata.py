"""Linked Data views: a resource's concise bounded description, and the VoID/DCAT description of the dataset.

Both are built through SPARQL (a CONSTRUCT, a few SELECTs), so they work on any store.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, VOID, XSD

from .. import statistics
from .resources import PKG, PREFIXES, Row

Select = Callable[[str, dict], Awaitable[list[Row]]]

# Own statements, labels of what they point to, and the quote anchors (annotation, target, selectors) behind them.
DESCRIBE = (
    PREFIXES
    + """CONSTRUCT {
  ?this ?p ?o . ?o rdfs:label ?olabel .
  ?ann ?ap ?ao . ?t ?tp ?to . ?sel ?sp ?so .
} WHERE {
  { ?this ?p ?o . OPTIONAL { ?o rdfs:label ?olabel . FILTER(isIRI(?o)) } }
  UNION {
    ?this pkg:anchor ?ann . ?ann ?ap ?ao .
    OPTIONAL { ?ann oa:hasTarget ?t . ?t ?tp ?to .
               OPTIONAL { ?t oa:hasSelector ?sel . ?sel ?sp ?so } }
  }
}"""
)

VOCABULARIES = {
    "http://www.w3.org/ns/oa#": "W3C Web Annotation",
    "http://www.w3.org/ns/prov#": "PROV-O",
    "http://purl.org/dc/terms/": "Dublin Core terms",
    "http://xmlns.com/foaf/0.1/": "FOAF",
    "http://www.w3.org/ns/org#": "ORG",
    "https://schema.org/": "schema.org",
    "http://www.w3.org/2004/02/skos/core#": "SKOS",
    "http://www.arg.dundee.ac.uk/aif#": "AIF",
    "http://www.w3.org/2002/07/owl#": "OWL",
    PKG: "policykg ontology",
}


async def void_graph(
    select: Select, base: str, service_url: str, version: str, built_at: datetime | None = None
) -> Graph:
    """VoID + DCAT description of the dataset as served at ``service_url``."""
    void_iri = URIRef(statistics.DATASET)
    g = Graph()
    g.bind("void", VOID)
    g.bind("dcat", DCAT)
    g.bind("dcterms", DCTERMS)
    g.bind("prov", PROV)
    sd = Namespace("http://www.w3.org/ns/sparql-service-description#")
    counts = await select(
        "SELECT (COUNT(*) AS ?triples) (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?p) AS ?properties) "
        "(COUNT(DISTINCT ?o) AS ?objects) WHERE { GRAPH ?g { ?s ?p ?o } }",
        {},
    )
    graphs = await select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g", {})
    classes = await select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY DESC(?n)", {}
    )
    predicates = await select("SELECT DISTINCT ?p WHERE { GRAPH ?g { ?s ?p ?o } }", {})
    documents = await select(
        PREFIXES + "SELECT ?d ?title ?src WHERE { ?d a pkg:Document ; dcterms:title ?title . "
        "OPTIONAL { ?d dcterms:source ?src } } ORDER BY ?d",
        {},
    )
    c = counts[0]
    for cls in (VOID.Dataset, DCAT.Dataset, PROV.Entity):
        g.add((void_iri, RDF.type, cls))
    g.add((void_iri, RDFS.label, Literal("policykg", lang="en")))
    g.add((void_iri, DCTERMS.title, Literal("policykg: a knowledge graph of policy arguments", lang="en")))
    g.add(
        (
            void_iri,
            DCTERMS.description,
            Literal(
                "Who proposes what in foreign and security policy, on which grounds, who objects and why, and where "
                "each statement stands in its source text.",
                lang="en",
            ),
        )
    )
    g.add((void_iri, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((void_iri, OWL.versionInfo, Literal(version)))
    g.add((void_iri, DCTERMS.modified, Literal((built_at or datetime.now(UTC)).isoformat(), datatype=XSD.dateTime)))
    if built_at:
        g.add((void_iri, PROV.generatedAtTime, Literal(built_at.isoformat(), datatype=XSD.dateTime)))
    g.add((void_iri, VOID.triples, Literal(int(c["triples"]))))
    g.add((void_iri, VOID.distinctSubjects, Literal(int(c["subjects"]))))
    g.add((void_iri, VOID.properties, Literal(int(c["properties"]))))
    g.add((void_iri, VOID.distinctObjects, Literal(int(c["objects"]))))
    g.add((void_iri, VOID.uriSpace, Literal(f"{base}id/")))
    g.add((void_iri, VOID.sparqlEndpoint, URIRef(f"{service_url}/sparql")))
    g.add((void_iri, VOID.rootResource, URIRef(f"{base}id/proposal/nato-tokyo-liaison-office")))
    for example in ("proposal/nato-tokyo-liaison-office", "claim/french-official-north-atlantic-scope", "actor/nato"):
        g.add((void_iri, VOID.exampleResource, URIRef(f"{base}id/{example}")))
    used = {str(r["p"]) for r in predicates} | {str(r["c"]) for r in classes}
    for namespace, title in VOCABULARIES.items():
        if any(term.startswith(namespace) for term in used):
            g.add((void_iri, VOID.vocabulary, URIRef(namespace)))
            g.add((URIRef(namespace), DCTERMS.title, Literal(title, lang="en")))
    distribution = URIRef(f"{service_url}/sparql#distribution")
    g.add((void_iri, DCAT.distribution, distribution))
    g.add((distribution, RDF.type, DCAT.Distribution))
    g.add((distribution, DCAT.accessURL, URIRef(f"{service_url}/sparql")))
    g.add((distribution, DCTERMS.title, Literal("SPARQL 1.1 endpoint", lang="en")))
    g.add((distribution, DCAT.mediaType, Literal("application/sparql-results+json")))
    g.add((void_iri, FOAF.homepage, URIRef(f"{service_url}/")))
    for row in graphs:
        subset = URIRef(row["g"])
        g.add((void_iri, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, RDF.type, sd.NamedGraph))
        g.add((subset, VOID.triples, Literal(int(row["n"]))))
    for row in classes:  # every class, as the statistics graph partitions them, under the same IRIs
        partition = URIRef(statistics.partition_iri(row["c"]))
        g.add((void_iri, VOID.classPartition, partition))
        g.add((partition, VOID["class"], URIRef(row["c"])))
        g.add((partition, VOID.entities, Literal(int(row["n"]))))
        g.add((partition, RDFS.label, Literal(f"instances of {row['c']}", lang="en")))
    for row in documents:
        g.add((void_iri, DCTERMS.source, URIRef(row["d"])))
        g.add((void_iri, PROV.wasDerivedFrom, URIRef(row["d"])))
    return g
