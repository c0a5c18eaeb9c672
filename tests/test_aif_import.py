"""AIF import: round trip with the export, and refusal of malformed maps."""

from __future__ import annotations

import io
import json
import os
import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import DCTERMS, RDF, RDFS

from policykg.aif_import import AifError, Imported, from_aif
from policykg.api.resources import ACTOR_LIST
from policykg.build.errors import BuildError
from policykg.build.validate import validate
from policykg.cli import main
from policykg.config import Paths
from policykg.export import export
from policykg.oxutil import select_rows, to_ox
from policykg.vocab import PKG


def store_of(imported: Imported) -> ox.Store:
    """The imported graph as an endpoint would hold it: as written, nothing inferred."""
    store = ox.Store()
    store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(imported.graph_iri)) for s, p, o in imported.graph)
    return store


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
    # No reasoner here: the import states the types the export's queries need (pkg:Proposition).
    assert shape(aif_of(store_of(imported))) == shape(original)
    # and the imported document graph satisfies the project's SHACL shapes
    data = Graph()
    for triple in imported.graph:
        data.add(triple)
    data.parse(paths.ontology, format="turtle")
    validate(data, paths.shapes, lambda _iri: (None, None))


def bridge_map() -> dict:
    """A small map: a proposal attacked by a claim that two participants (a person and a state) assert jointly."""
    return {
        "nodes": [
            {"nodeID": 1, "type": "I", "text": "We should build a bridge.", "scheme": "Proposal"},
            {"nodeID": 2, "type": "I", "text": "Bridges are expensive."},
            {"nodeID": 3, "type": "CA", "text": "Default Conflict"},
            {"nodeID": 4, "type": "L", "text": "Bob: Bridges are expensive."},
            {"nodeID": 5, "type": "YA", "text": "Asserting"},
            {"nodeID": 6, "type": "L", "text": "Ruritania: We should build a bridge."},
            {"nodeID": 7, "type": "YA", "text": "Asserting"},
        ],
        "edges": [
            {"edgeID": 1, "fromID": 2, "toID": 3},
            {"edgeID": 2, "fromID": 3, "toID": 1},
            {"edgeID": 3, "fromID": 4, "toID": 5},
            {"edgeID": 4, "fromID": 5, "toID": 2},
            {"edgeID": 5, "fromID": 6, "toID": 7},
            {"edgeID": 6, "fromID": 7, "toID": 1},
        ],
        "locutions": [{"nodeID": 4, "personID": 7}, {"nodeID": 4, "personID": 8}, {"nodeID": 6, "personID": 8}],
        "participants": [
            {"participantID": 7, "firstname": "Bob", "surname": "Builder"},
            {"participantID": 8, "firstname": "Kingdom of Ruritania", "surname": ""},
        ],
    }


def test_participants_become_actors_and_ids_may_be_numbers() -> None:
    imported = from_aif(bridge_map(), "Bridges", "2020-05")
    labels = {str(o) for o in imported.graph.objects(None, RDFS.label)}
    assert {"Bob Builder", "Kingdom of Ruritania"} <= labels
    assert imported.counts == {"proposals": 1, "claims": 1, "attacks": 1, "actors": 2}


def test_participants_are_speakers_not_authors_nor_persons() -> None:
    g = from_aif(bridge_map(), "Bridges", "2020-05").graph
    assert not list(g.triples((None, DCTERMS.creator, None)))
    actors = set(g.subjects(RDF.type, PKG.Actor))
    assert len(actors) == 2 and not list(g.subjects(RDF.type, PKG.Person))
    (claim,) = g.subjects(RDF.type, PKG.Claim)
    assert set(g.objects(claim, PKG.assertedBy)) == actors  # the joint locution: both assert it


def test_no_addressee_is_guessed_and_the_shapes_accept_the_reason(paths: Paths) -> None:
    """AIF does not say who should act: the import states that, instead of making the proposer the addressee."""
    imported = from_aif(bridge_map(), "Bridges", "2020-05")
    g = imported.graph
    (proposal,) = g.subjects(RDF.type, PKG.Proposal)
    assert not list(g.objects(proposal, PKG.addressee))
    assert "does not say who should act" in str(g.value(proposal, PKG.addresseeUnstated))
    data = Graph().parse(paths.ontology, format="turtle")
    for triple in g:
        data.add(triple)
    validate(data, paths.shapes, lambda _iri: (None, None))
    # without the reason the proposal says neither who should act nor why: the shapes refuse it
    reason = g.value(proposal, PKG.addresseeUnstated)
    data.remove((proposal, PKG.addresseeUnstated, None))
    with pytest.raises(BuildError, match="who should act"):
        validate(data, paths.shapes, lambda _iri: (None, None))
    # nor both: an addressee and a reason why there is none
    (actor, *_) = g.objects(proposal, PKG.proposedBy)
    data.add((proposal, PKG.addresseeUnstated, reason))
    data.add((proposal, PKG.addressee, actor))
    with pytest.raises(BuildError, match="who should act"):
        validate(data, paths.shapes, lambda _iri: (None, None))


def test_a_map_without_locutions_is_attributed_to_its_unnamed_arguer_and_reasoned(paths: Paths) -> None:
    """No speaker is recorded: the propositions are the map's unnamed arguer's (the shapes need an asserter), and
    with the ontology the import states what the reasoner would infer, as no endpoint reasons on a PUT graph."""
    bare = {k: v for k, v in bridge_map().items() if k not in ("locutions", "participants")}
    bare["nodes"] = [n for n in bare["nodes"] if n["type"] in ("I", "CA")]
    bare["edges"] = [e for e in bare["edges"] if e["fromID"] in (2, 3)]
    imported = from_aif(bare, "Bridges", "2020-05", ontology=Graph().parse(paths.ontology, format="turtle"))
    g = imported.graph
    (proposal,) = g.subjects(RDF.type, PKG.Proposal)
    (claim,) = g.subjects(RDF.type, PKG.Claim)
    (arguer,) = set(g.objects(proposal, PKG.proposedBy))
    assert set(g.objects(claim, PKG.assertedBy)) == {arguer} and imported.counts["actors"] == 1
    assert str(g.value(arguer, RDFS.label)) == "Unattributed in the AIF map “Bridges”"
    assert (proposal, RDF.type, PKG.ContestedProposal) in g and (proposal, PKG.attackedBy, claim) in g
    assert (claim, RDF.type, PKG.Objection) in g
    data = Graph().parse(paths.ontology, format="turtle")
    for triple in g:
        data.add(triple)
    validate(data, paths.shapes, lambda _iri: (None, None))


def test_imported_resources_are_listed_without_a_reasoner() -> None:
    """Graphs PUT to an endpoint are not reasoned: the API's actor list and the export must still see them."""
    imported = from_aif(bridge_map(), "Bridges", "2020-05")
    store = store_of(imported)
    actors = select_rows(store, ACTOR_LIST)
    assert {r["label"] for r in actors} == {"Bob Builder", "Kingdom of Ruritania"}
    assert {r["type"] for r in actors} == {str(PKG.Actor)}
    propositions = select_rows(store, f"SELECT ?p WHERE {{ ?p a <{PKG.Proposition}> }}")
    assert len(propositions) == 2
    (proposal,) = imported.graph.subjects(RDF.type, PKG.Proposal)
    assert set(imported.graph.objects(proposal, PKG.assertedBy)) == set(
        imported.graph.objects(proposal, PKG.proposedBy)
    )


def test_ids_are_single_hyphen_slugs_unique_and_deterministic() -> None:
    aif = {
        "nodes": [
            {"nodeID": "a b", "type": "I", "text": "x"},
            {"nodeID": "a-b", "type": "I", "text": "y"},
            {"nodeID": "--A--", "type": "I", "text": "z"},
            {"nodeID": "r", "type": "RA"},
        ],
        "edges": [
            {"edgeID": 1, "fromID": "a b", "toID": "r"},
            {"edgeID": 2, "fromID": "--A--", "toID": "r"},
            {"edgeID": 3, "fromID": "r", "toID": "a-b"},
        ],
    }
    title = "Q" * 59 + " -- a title cut at a hyphen"  # slugified and cut to 60 characters, ending in "-"
    imported = from_aif(aif, title, "2020")
    minted = {str(s) for s in imported.graph.subjects() if "/id/" in str(s) and "/anchor" not in str(s)}
    slugs = {iri.rsplit("/", 1)[-1] for iri in minted}
    assert len(slugs) == len(minted) == 7  # document, three claims, two supports (one per premise), their arguer
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) for slug in slugs), slugs
    again = {str(s) for s in from_aif(aif, title, "2020").graph.subjects() if "/id/" in str(s)}
    assert {iri for iri in again if "/anchor" not in iri} == minted


@pytest.mark.parametrize("date", ["2024-13", "2024-02-30", "2023-02-29", "2024-00", "0000"])
def test_dates_the_calendar_lacks_are_refused(date: str, tmp_path: Path) -> None:
    with pytest.raises(AifError, match="date"):
        from_aif(bridge_map(), "Bridges", date)
    source, out = tmp_path / "map.json", tmp_path / "never.trig"
    source.write_text(json.dumps(bridge_map()))
    result = CliRunner().invoke(main, ["import-aif", str(source), "--title", "B", "--date", date, "--out", str(out)])
    assert result.exit_code == 2 and "'--date'" in result.output and date in result.output
    assert not out.exists()


def test_leap_day_and_coarse_dates_are_accepted() -> None:
    for date in ("2024-02-29", "2024-02", "2024"):
        from_aif(bridge_map(), "Bridges", date)


def test_import_writes_the_same_bytes_every_run(tmp_path: Path) -> None:
    """Separate processes with different hash seeds, which reorder sets and so rdflib's triples unless sorted."""
    import subprocess
    import sys

    source = tmp_path / "map.json"
    source.write_text(json.dumps(bridge_map()))
    outputs = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"run{seed}.trig"
        code = "from policykg.cli import main; main()"
        args = ["import-aif", str(source), "--title", "Bridges", "--date", "2020", "--out", str(out)]
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", code, *args], env=env, check=True, capture_output=True, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_export_splits_only_the_names_of_persons(store: ox.Store) -> None:
    participants = {p["participantID"]: p for p in aif_of(store)["participants"]}
    person = participants["actor/michael-finnegan"]
    assert (person["firstname"], person["surname"]) == ("Michael", "Finnegan")
    state = participants["actor/united-states"]
    assert (state["firstname"], state["surname"]) == ("United States of America", "")
    anonymous = participants["actor/anonymous-french-official"]  # a person with a description, not a name
    assert anonymous["surname"] == "" and anonymous["firstname"] == "Anonymous French official"


def test_export_node_ids_are_unique_with_joint_speakers(store: ox.Store) -> None:
    aif = aif_of(store)
    ids = [n["nodeID"] for n in aif["nodes"]]
    assert len(ids) == len(set(ids))
    locutions = [loc["nodeID"] for loc in aif["locutions"]]
    assert len(locutions) == len(set(locutions))
    # the corpus has jointly asserted quotes: one L-node per speaker, each with its own Asserting edge
    l_per_inode = Counter(e["toID"] for e in aif["edges"] if e["fromID"].split("#")[-1].startswith("asserting"))
    assert max(l_per_inode.values()) >= 2


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
