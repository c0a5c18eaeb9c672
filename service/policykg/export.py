"""Write the dataset in the formats analysts and other tools read."""

from __future__ import annotations

import json
from typing import BinaryIO

import pyoxigraph as ox

from .aif import to_aif
from .oxutil import select_rows

FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "turtle": ox.RdfFormat.TURTLE,
}
EXPORT_FORMATS = (*FORMATS, "aif")


def export(store: ox.Store, fmt: str, out: BinaryIO, prefixes: dict[str, str] | None = None) -> None:
    """Serialise ``store`` to ``out``. Turtle has no named graphs: it gets the union of all graphs."""
    if fmt == "aif":
        out.write(json.dumps(to_aif(lambda q: select_rows(store, q)), indent=1, ensure_ascii=False).encode("utf-8"))
        return
    rdf_format = FORMATS[fmt]
    if rdf_format.supports_datasets:
        store.dump(out, format=rdf_format, prefixes=prefixes if fmt != "nquads" else None)
        return
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store}
    ordered = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    out.write(ox.serialize(ordered, format=rdf_format, prefixes=prefixes))
