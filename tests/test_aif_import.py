"""AIF import: round trip with the export, and refusal of malformed maps."""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from policykg.aif_import import AifError, from_aif
from policykg.build.validate import validate
from policykg.config import Paths
from policykg.export import export
from policykg.oxutil import to_ox


def aif_of(store: ox.Store) -> dict:
    out = io.BytesIO()
    export(store, "aif", out)
    return json.loads(out.getvalue())


def shape(aif: dict) -> Counter:
    """The argument graph without its ids: I-nodes by text, relations by their ends (recursively for undercuts)."""
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    into: dict[str, list[str]] = {}
    out: dict[str, list[str]] = {}
    for e in aif["edges"]:
        out.setdefault(e["fromID"], []).append(e["toID"])
        into.setdefault(e["toID"], []).append(e["fromID"])

    def sig(nid: str) -> tuple:
        node = nodes[nid]
        if node["type"] == "I":
            return ("I", node["text"], node.get("scheme"))
        premises = tuple(sorted(sig(p) for p in into.get(nid, []) if nodes[p]["type"] == "I"))
        (target,) = out[nid]
        return (node["type"], premises, sig(target))

    return Counter(sig(n) for n, node in nodes.items() if node["type"] in ("I", "RA", "CA"))


def test_export_then_import_gives_an_isomorphic_argument_graph(store: ox.Store, paths: Paths) -> None:
    original = aif_of(store)
    imported = from_aif(original, "Round trip of the corpus", "2026-11-26")
    assert imported.counts["claims"] + imported.counts["proposals"] == sum(
        1 for n in original["nodes"] if n["type"] == "I"
    )
    again = ox.Store()
    again.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(imported.graph_iri)) for s, p, o in imported.graph)
    # Types the build would infer (propositions) so the export's queries see them.
    again.update("""PREFIX pkg: <https://w3id.org/policykg/ontology#>
        INSERT { GRAPH <urn:x-test:inferred> { ?x a pkg:Proposition } }
        WHERE { GRAPH ?g { { ?x a pkg:Claim } UNION { ?x a pkg:Proposal } } }""")
    assert shape(aif_of(again)) == shape(original)
    # and the imported document graph satisfies the project's SHACL shapes
    data = Graph()
    for triple in imported.graph:
        data.add(triple)
    data.parse(paths.ontology, format="turtle")
    validate(data, paths.shapes, lambda _iri: (None, None))


def test_participants_become_actors_and_ids_may_be_numbers() -> None:
    aif = {
        "nodes": [
            {"nodeID": 1, "type": "I", "text": "We should build a bridge."},
            {"nodeID": 2, "type": "I", "text": "Bridges are expensive."},
            {"nodeID": 3, "type": "CA", "text": "Default Conflict"},
            {"nodeID": 4, "type": "L", "text": "Bob: Bridges are expensive."},
            {"nodeID": 5, "type": "YA", "text": "Asserting"},
        ],
        "edges": [
            {"edgeID": 1, "fromID": 2, "toID": 3},
            {"edgeID": 2, "fromID": 3, "toID": 1},
            {"edgeID": 3, "fromID": 4, "toID": 5},
            {"edgeID": 4, "fromID": 5, "toID": 2},
        ],
        "locutions": [{"nodeID": 4, "personID": 7}],
        "participants": [{"participantID": 7, "firstname": "Bob", "surname": "Builder"}],
    }
    imported = from_aif(aif, "Bridges", "2020-05")
    labels = {str(o) for o in imported.graph.objects(None, None) if str(o) == "Bob Builder"}
    assert labels == {"Bob Builder"}
    assert imported.counts == {"claims": 2, "attacks": 1, "actors": 1}


@pytest.mark.parametrize(
    ("aif", "node", "reason"),
    [
        (
            {
                "nodes": [{"nodeID": "a", "type": "I", "text": "x"}],
                "edges": [{"edgeID": 1, "fromID": "a", "toID": "z"}],
            },
            "z",
            "does not exist",
        ),
        (
            {
                "nodes": [{"nodeID": "a", "type": "I", "text": "x"}, {"nodeID": "c", "type": "CA"}],
                "edges": [{"edgeID": 1, "fromID": "a", "toID": "c"}],
            },
            "c",
            "exactly one target",
        ),
        (
            {
                "nodes": [{"nodeID": "a", "type": "I", "text": "x"}, {"nodeID": "r", "type": "RA"}],
                "edges": [{"edgeID": 1, "fromID": "r", "toID": "a"}],
            },
            "r",
            "no premise",
        ),
        ({"nodes": [{"nodeID": "a", "type": "Q", "text": "x"}], "edges": []}, "a", "unknown node type"),
        (
            {
                "nodes": [{"nodeID": 1, "type": "I", "text": "x"}, {"nodeID": "1", "type": "I", "text": "y"}],
                "edges": [],
            },
            "1",
            "duplicate",
        ),
    ],
)
def test_malformed_maps_are_refused_with_the_node_and_the_reason(aif: dict, node: str, reason: str) -> None:
    with pytest.raises(AifError) as caught:
        from_aif(aif, "Bad", "2020")
    assert any(n == node and reason in r for n, r in caught.value.problems), caught.value.problems


def test_metadata_is_required(tmp_path: Path) -> None:
    with pytest.raises(AifError, match="title"):
        from_aif({"nodes": [], "edges": []}, " ", "2020")
    with pytest.raises(AifError, match="date"):
        from_aif({"nodes": [], "edges": []}, "T", "yesterday")
