"""The SPARQL 1.1 Service Description answered on ``GET /sparql`` without a query."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from ..store import formats as f
from .settings import Settings

FORMAT_IRIS = {
    f.JSON: "SPARQL_Results_JSON",
    f.XML: "SPARQL_Results_XML",
    f.CSV: "SPARQL_Results_CSV",
    f.TSV: "SPARQL_Results_TSV",
    f.TURTLE: "Turtle",
    f.N_TRIPLES: "N-Triples",
    f.JSON_LD: "JSON-LD",
    f.RDF_XML: "RDF_XML",
}


def turtle(endpoint: str, settings: Settings) -> str:
    languages = ["sd:SPARQL11Query"] + (["sd:SPARQL11Update"] if settings.update_token else [])
    features = ["sd:UnionDefaultGraph"] if settings.union_default_graph else []
    if settings.allowed_endpoints:
        features.append("sd:BasicFederatedQuery")
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in FORMAT_IRIS.values())
    feature_line = f"    sd:feature {', '.join(features)} ;\n" if features else ""
    default = "the union of all named graphs" if settings.union_default_graph else "the store's default graph"
    return f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

[] a sd:Service ;
    sd:endpoint <{endpoint}> ;
    sd:supportedLanguage {", ".join(languages)} ;
{feature_line}    sd:resultFormat {formats} ;
    sd:defaultDataset [
        a sd:Dataset ;
        rdfs:comment "Queries without FROM or default-graph-uri see {default}." ;
        sd:defaultGraph [ a sd:Graph ]
    ] ;
    dcterms:title "policykg: a knowledge graph of policy arguments" ;
    rdfs:comment "Query time limit {settings.timeout:g} s; results are cut at {settings.row_cap} rows \
(header X-Result-Truncated)." .
"""


@lru_cache(maxsize=32)
def render(endpoint: str, settings: Settings, media_type: str) -> bytes:
    text = turtle(endpoint, settings)
    if media_type == f.TURTLE:
        return text.encode("utf-8")
    triples = [q.triple for q in ox.parse(text, ox.RdfFormat.TURTLE)]
    data = ox.serialize(triples, format=f.GRAPH_FORMATS[media_type])
    assert data is not None
    return data
