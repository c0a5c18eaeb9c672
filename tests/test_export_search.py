"""Exports (RDF formats, AIF JSON) and the full-text index, on the built corpus."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph

from policykg.export import EXPORT_FORMATS, export
from policykg.oxutil import select_rows as rows
from policykg.search import QueryError, SearchIndex

ID = "https://w3id.org/policykg/id/"


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_dataset_exports_keep_every_quad(store: ox.Store, fmt: str) -> None:
    out = io.BytesIO()
    export(store, fmt, out)
    parsed = Dataset()
    parsed.parse(data=out.getvalue(), format={"trig": "trig", "nquads": "nquads", "jsonld": "json-ld"}[fmt])
    assert sum(len(g) for g in parsed.graphs()) == len(store)


def test_turtle_export_is_the_union_of_the_graphs(store: ox.Store) -> None:
    out = io.BytesIO()
    export(store, "turtle", out, {"pkg": "https://w3id.org/policykg/ontology#"})
    graph = Graph().parse(data=out.getvalue(), format="turtle")
    assert len(graph) == len({(q.subject, q.predicate, q.object) for q in store})


def test_aif_export_is_an_argument_map(store: ox.Store) -> None:
    out = io.BytesIO()
    export(store, "aif", out)
    aif = json.loads(out.getvalue())
    nodes = {n["nodeID"]: n for n in aif["nodes"]}
    assert {"I", "RA", "CA", "L", "YA"} <= {n["type"] for n in nodes.values()}
    assert all(e["fromID"] in nodes and e["toID"] in nodes for e in aif["edges"])
    # The French objection: an I-node, in conflict (CA) with the Tokyo office.
    attack = nodes["attack/french-scope-objection-attacks-tokyo-office"]
    assert attack["type"] == "CA"
    into = {e["fromID"] for e in aif["edges"] if e["toID"] == attack["nodeID"]}
    out_of = {e["toID"] for e in aif["edges"] if e["fromID"] == attack["nodeID"]}
    assert into == {"claim/french-official-north-atlantic-scope"}
    assert out_of == {"proposal/nato-tokyo-liaison-office"}
    participants = {p["participantID"] for p in aif["participants"]}
    assert "actor/anonymous-french-official" in participants
    spoken = [loc for loc in aif["locutions"] if loc["personID"] == "actor/anonymous-french-official"]
    assert spoken and all(loc["nodeID"] in nodes and nodes[loc["nodeID"]]["type"] == "L" for loc in spoken)
    assert "aif" in EXPORT_FORMATS


@pytest.fixture(scope="module")
def index(store: ox.Store) -> SearchIndex:
    return SearchIndex.from_dataset(lambda q: rows(store, q))


def test_search_ranks_the_proposal_first_and_highlights(index: SearchIndex) -> None:
    page = index.search("liaison office Tokyo", limit=5)
    assert page.total >= 5
    assert page.hits[0].iri == ID + "proposal/nato-tokyo-liaison-office"
    assert page.hits[0].kind == "proposal"
    assert "<b>" in page.hits[0].snippet


def test_search_phrase_filters_and_paginates(index: SearchIndex) -> None:
    phrase = index.search('"article VI"')
    assert ID + "claim/french-official-north-atlantic-scope" in {h.iri for h in phrase.hits}
    claims = index.search("office", kind="claim", limit=100)
    assert claims.hits and {h.kind for h in claims.hits} == {"claim"}
    first, second = index.search("NATO", limit=3), index.search("NATO", limit=3, offset=3)
    assert first.total == second.total > 6
    assert not {h.iri for h in first.hits} & {h.iri for h in second.hits}


def test_search_stems_english_and_misses_cleanly(index: SearchIndex) -> None:
    assert index.search("objected").total >= 1  # "objected" ~ "objects", "objection"
    assert index.search("xyzzyplugh").total == 0


def test_search_reads_a_document_only_up_to_where_its_article_ends(index: SearchIndex) -> None:
    """004's text ends with a list of other stories' headlines (drones, Seoul): site furniture, not the article."""
    assert index.search("drone").total == 0 and index.search("Seoul").total == 0
    assert ID + "document/france-cool-on-nato-tokyo-office" in {h.iri for h in index.search("Stoltenberg").hits}


def test_search_rejects_unparseable_queries(index: SearchIndex) -> None:
    with pytest.raises(QueryError):
        index.search('foo "bar')


def test_a_search_box_searches_the_words_of_unparseable_text(index: SearchIndex) -> None:
    typed = index.search('office "Tokyo:', plain_fallback=True)  # an open quote and a colon: not valid syntax
    assert typed.plain and typed.total == index.search("office Tokyo").total > 0
    assert not index.search("office Tokyo", plain_fallback=True).plain
    nothing = index.search('":(', plain_fallback=True)
    assert nothing.plain and nothing.total == 0 and not nothing.hits


TYPED = st.lists(st.sampled_from([*":\"()[]{}^~*+-!<>\\/' ", "AND", "OR", "NOT", "IN", "a", "5", "é"]), max_size=12)


@settings(max_examples=400, deadline=None)
@given(TYPED.map("".join))
def test_a_search_box_never_fails_on_what_is_typed(index: SearchIndex, text: str) -> None:
    index.search(text, plain_fallback=True)  # operators alone, open brackets, stray quotes: searched as words
