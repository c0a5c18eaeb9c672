"""Content negotiation for query results: the ``Accept`` header (with q-values) or a ``format`` parameter."""

from __future__ import annotations

from functools import lru_cache

from ..store import formats as f

# (media type a client may ask for, the format served), in the server's order of preference (on equal q-values
# the earlier wins, so proper media types come before aliases); the first entry of each table is the default
RESULT_OFFERS: tuple[tuple[str, str], ...] = (
    (f.JSON, f.JSON),
    (f.XML, f.XML),
    (f.CSV, f.CSV),
    (f.TSV, f.TSV),
    ("application/json", f.JSON),
    ("application/xml", f.XML),
    ("text/xml", f.XML),
)
GRAPH_OFFERS: tuple[tuple[str, str], ...] = (
    (f.TURTLE, f.TURTLE),
    (f.N_TRIPLES, f.N_TRIPLES),
    (f.JSON_LD, f.JSON_LD),
    (f.RDF_XML, f.RDF_XML),
    ("application/x-turtle", f.TURTLE),
    ("text/plain", f.N_TRIPLES),
    ("application/json", f.JSON_LD),
    ("application/xml", f.RDF_XML),
    ("text/xml", f.RDF_XML),
)
FORMAT_NAMES: dict[str, tuple[str | None, str | None]] = {
    "json": (f.JSON, f.JSON_LD),
    "xml": (f.XML, f.RDF_XML),
    "csv": (f.CSV, None),
    "tsv": (f.TSV, None),
    "turtle": (None, f.TURTLE),
    "ttl": (None, f.TURTLE),
    "ntriples": (None, f.N_TRIPLES),
    "n-triples": (None, f.N_TRIPLES),
    "nt": (None, f.N_TRIPLES),
    "jsonld": (None, f.JSON_LD),
    "json-ld": (None, f.JSON_LD),
    "rdfxml": (None, f.RDF_XML),
    "rdf": (None, f.RDF_XML),
}


def parse_accept(header: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values (parameters other than q are ignored)."""
    ranges = []
    for part in header.split(","):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        if "/" not in media:
            media = "*/*" if media == "*" else media + "/*"
        q = 1.0
        for param in pieces[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(media: str, ranges: list[tuple[str, float]]) -> float:
    """q of the most specific range matching ``media`` (exact, then type/*, then */*); -1 if none."""
    kind = media.split("/", 1)[0]
    best, specificity = -1.0, -1
    for rng, q in ranges:
        if rng == media:
            level = 2
        elif rng == f"{kind}/*":
            level = 1
        elif rng == "*/*":
            level = 0
        else:
            continue
        if level > specificity:
            best, specificity = q, level
    return best


def choose(ranges: list[tuple[str, float]], offers: tuple[tuple[str, str], ...]) -> str | None:
    best, best_q = None, 0.0
    for media, served in offers:
        q = _quality(media, ranges)
        if q > best_q:
            best, best_q = served, q
    return best


@lru_cache(maxsize=256)
def negotiate(accept: str | None, format_param: str | None = None) -> tuple[str | None, str | None]:
    """(format for SELECT/ASK, format for CONSTRUCT/DESCRIBE); None where nothing acceptable can be served."""
    if format_param:
        named = FORMAT_NAMES.get(format_param.strip().lower())
        if named is not None:
            return named
        accept = format_param
    if not accept or not accept.strip():
        return RESULT_OFFERS[0][1], GRAPH_OFFERS[0][1]
    ranges = parse_accept(accept)
    if not ranges:
        return RESULT_OFFERS[0][1], GRAPH_OFFERS[0][1]
    return choose(ranges, RESULT_OFFERS), choose(ranges, GRAPH_OFFERS)


def negotiate_graph(accept: str | None, format_param: str | None = None) -> str | None:
    return negotiate(accept, format_param)[1]


JSON_OFFERS: tuple[tuple[str, str], ...] = (("application/json", "application/json"),)
LINKED_OFFERS: tuple[tuple[str, str], ...] = (
    ("application/json", "application/json"),
    ("application/ld+json", "application/ld+json"),
)


@lru_cache(maxsize=64)
def negotiate_json(accept: str | None, linked: bool) -> str | None:
    """The media type of a REST answer: JSON, or for a ``linked`` one (it carries a JSON-LD context) JSON-LD when
    the client prefers it; None when the client accepts neither."""
    offers = LINKED_OFFERS if linked else JSON_OFFERS
    if not accept or not accept.strip() or not (ranges := parse_accept(accept)):
        return offers[0][1]
    return choose(ranges, offers)
