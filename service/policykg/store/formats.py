"""Media types the store can write and read, mapped to pyoxigraph formats."""

from __future__ import annotations

import pyoxigraph as ox

JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    JSON: ox.QueryResultsFormat.JSON,
    XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    TURTLE: ox.RdfFormat.TURTLE,
    N_TRIPLES: ox.RdfFormat.N_TRIPLES,
    JSON_LD: ox.RdfFormat.JSON_LD,
    RDF_XML: ox.RdfFormat.RDF_XML,
}


UPLOAD_FORMATS = (*GRAPH_FORMATS.values(), ox.RdfFormat.N3)
"""Graph syntaxes accepted by the Graph Store Protocol (JSON-LD is read without its named graphs)."""


def upload_format(media_type: str) -> ox.RdfFormat | None:
    """The graph syntax for an upload's Content-Type (aliases included); None for unknown or dataset syntaxes."""
    base = media_type.split(";", 1)[0].strip().lower()
    if base == "text/plain":  # the historical N-Triples media type
        return ox.RdfFormat.N_TRIPLES
    fmt = ox.RdfFormat.from_media_type(base) if base else None
    return fmt if fmt in UPLOAD_FORMATS else None
