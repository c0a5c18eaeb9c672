"""The drafter on small texts with known answers: sentences, cues, actors, numbers, quotes, the YAML it writes."""

from __future__ import annotations

import io

import pytest
from ruamel.yaml import YAML

from policykg.anchors import FoldedText
from policykg.build.model import AnnotationFile
from policykg.drafting.draft_yaml import draft_yaml
from policykg.drafting.drafter import Drafter, Metadata
from policykg.drafting.graph import KnowledgeGraph, KnownActor, Proposition
from policykg.drafting.numbers import quantities
from policykg.drafting.sentences import clauses, layout
from policykg.drafting.similarity import LexicalModel, SimilarityIndex, semantic_available

GRAPH = KnowledgeGraph(
    actors=[
        KnownActor("nato", "North Atlantic Treaty Organization", ["NATO", "the alliance"]),
        KnownActor("japan", "Japan", ["Tokyo"]),
        KnownActor("united-states", "United States of America", ["United States", "U.S.", "Washington"]),
        KnownActor("emmanuel-macron", "Emmanuel Macron"),
        KnownActor("france", "France"),
    ],
    propositions=[
        Proposition(
            "https://w3id.org/policykg/id/proposal/nato-tokyo-liaison-office",
            "nato-tokyo-liaison-office",
            "proposal",
            "Establish a NATO liaison office in Tokyo",
            ["The culmination of an invigorated NATO-Japan relationship should be a liaison office in Tokyo."],
            ["https://w3id.org/policykg/id/document/nato-pacific-moment"],
        ),
        Proposition(
            "https://w3id.org/policykg/id/claim/russia-is-a-partner",
            "russia-is-a-partner",
            "claim",
            "Russia is a partner",
            ["Russia remains a partner of the West."],
            ["https://w3id.org/policykg/id/document/other"],
        ),
    ],
    ids={"nato", "japan", "united-states", "emmanuel-macron", "france", "nato-tokyo-liaison-office"},
)

TEXT = """NATO Goes East

NATO should open a liaison office in Tokyo. Critics warned that such an office would be a mistake.
The United States must fund the office with $100 million per annum at a minimum.

Pushback from China will be a natural response, but the alliance should be prepared for it.
However, a French official said the treaty limits the alliance to the North Atlantic.
Moreover, Japan has nearly 5,000 troops ready, and 40 percent of voters agree. Japan said it agrees.
Japan said it agrees.

Related Links
NATO should open an office in Paris
"""


@pytest.fixture(scope="module")
def draft():
    index = SimilarityIndex.from_graph(GRAPH, "lexical")
    meta = Metadata("NATO Goes East", "2023-06", ["Jane Analyst"], "The Daily", "opinion-article", "009_x.txt")
    return Drafter(GRAPH, index).draft(TEXT, meta)


def test_layout_keeps_offsets_and_finds_the_article_end() -> None:
    lay = layout(TEXT)
    assert all(TEXT[s.start : s.end] == s.text for s in lay.sentences)
    assert lay.sentences[0].kind == "heading"
    assert TEXT[: lay.article_end].rstrip().endswith("Japan said it agrees.")
    assert all("Paris" not in s.text for s in lay.body())


def test_glued_sentences_and_enumerators_are_split_right() -> None:
    text = "1. The United States should build coalition capabilities.The United States has shifted its planning."
    lay = layout(text)
    assert [s.text for s in lay.body()] == [
        "1. The United States should build coalition capabilities.",
        "The United States has shifted its planning.",
    ]


def test_a_sentence_turns_into_concession_and_main_part() -> None:
    text = "Pushback from China will be a natural response, but the alliance should be prepared for it."
    parts = clauses(text, layout(text).body()[0])
    assert [(c.role, c.text) for c in parts] == [
        ("concession", "Pushback from China will be a natural response"),
        ("main", "the alliance should be prepared for it."),
    ]


def test_proposals_with_who_should_act(draft) -> None:
    proposals = {c.quote: c for c in draft.of_kind("proposal")}
    office = proposals["NATO should open a liaison office in Tokyo."]
    assert office.fields["addressee"] == ["nato"]
    assert office.fields["action"] == "open a liaison office in Tokyo"
    assert office.fields["proposed_by"] == ["jane-analyst"]
    assert any("similar: nato-tokyo-liaison-office" in n for n in office.notes)
    funding = next(c for q, c in proposals.items() if q.startswith("The United States must fund"))
    assert funding.fields["addressee"] == ["united-states"]
    assert funding.fields["cost"] == {
        "amount": 100000000,
        "currency": "USD",
        "period": "P1Y",
        "qualifier": "at-least",
        "quote": "$100 million per annum",
    }
    prepared = proposals["the alliance should be prepared for it."]
    assert prepared.fields["addressee"] == ["nato"]
    assert not any("Paris" in q for q in proposals), "nothing is drafted after the article's end"


def test_a_directive_in_the_passive_is_a_proposal() -> None:
    text = "A New Directive\n\nIn 2002 the alliance was directed to report on its consultations with Japan.\n"
    meta = Metadata("A New Directive", "2009", ["Jane Analyst"], "The Daily", "research-paper", "009_y.txt")
    draft = Drafter(GRAPH, SimilarityIndex.from_graph(GRAPH, "lexical")).draft(text, meta)
    (directive,) = draft.of_kind("proposal")
    assert directive.fields["action"] == "report on its consultations with Japan"
    assert directive.fields["addressee"] == ["nato"]


def test_objections_and_who_raises_them(draft) -> None:
    objections = {c.quote: c for c in draft.of_kind("objection")}
    critics = objections["Critics warned that such an office would be a mistake."]
    office = next(c for c in draft.of_kind("proposal") if c.quote.startswith("NATO should open"))
    assert critics.fields["attacks"] == [office.id]
    pushback = objections["Pushback from China will be a natural response"]
    assert pushback.fields["anticipated"] is True
    french = next(c for q, c in objections.items() if "French official" in q)
    speaker = next(c for c in draft.of_kind("actor") if c.fields["label"] == "Unnamed French official")
    assert french.fields["asserted_by"] == [speaker.id]
    assert speaker.fields["kind"] == "anonymous-source" and speaker.fields["nationality"] == "france"


def test_reasons_and_numbers(draft) -> None:
    reason = next(c for c in draft.of_kind("claim") if c.quote.startswith("Moreover"))
    assert reason.fields["supports"], "a 'moreover' claim supports something before it"
    facts = {c.quote: c.fields for c in draft.of_kind("fact")}
    assert facts["nearly 5,000 troops"]["value"] == 5000 and facts["nearly 5,000 troops"]["qualifier"] == "approximate"
    assert facts["40 percent"]["unit"] == "percent"


def test_every_quote_is_copied_from_the_text_and_anchors_where_found(draft) -> None:
    folded = FoldedText(TEXT)
    for cand in draft.candidates:
        anchor = folded.anchor(cand.quote, cand.fields.get("occurrence"))
        assert (anchor.start, anchor.end) == (cand.start, cand.end), cand.id
    repeated = [c for c in draft.candidates if c.quote == "Japan said it agrees."]
    assert not repeated or all(c.fields.get("occurrence") for c in repeated)


def test_repeated_quotes_get_an_occurrence() -> None:
    text = "Japan says the alliance should act now. Japan says the alliance should act now."
    draft = Drafter(GRAPH).draft(text, Metadata("t", "2020", ["A B"]))
    occurrences = sorted(c.fields["occurrence"] for c in draft.of_kind("proposal"))
    assert occurrences == [1, 2]


def test_the_draft_is_an_annotation_file_of_candidates(draft) -> None:
    text = draft_yaml(draft)
    data = YAML(typ="safe").load(io.StringIO(text))
    model = AnnotationFile.model_validate(data)
    assert model.document.authors == ["jane-analyst"] and model.document.publisher == "daily"
    items = [*model.proposals, *model.claims, *model.facts]
    assert items and all(i.review == "candidate" for i in items)
    assert {a.id: a.review for a in model.actors}["jane-analyst"] == "accepted"
    assert "# cue: “should”" in text, "the drafter's reasons are comments"
    ids = [i.id for i in [*model.actors, *model.proposals, *model.claims, *model.facts]]
    assert len(ids) == len(set(ids)) and not set(ids) & GRAPH.ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("over \\$600 billion in 2006", [(600e9, "USD", "at-least"), (2006, "year", "exact")]),
        ("some 11.1 percent of students", [(11.1, "percent", "approximate")]),
        ("America has seven treaty alliances", [(7, "count", "exact")]),
        ("talks on June 12 in Brussels and Article 5", []),
        ("the two partners agree", []),
        ("dated 2023-06-06 in the feed", []),
        ("€2.5 billion a year", [(2.5e9, "EUR", "exact")]),
    ],
)
def test_numbers_with_units(text: str, expected: list[tuple[float, str, str]]) -> None:
    assert [(q.value, q.unit, q.qualifier) for q in quantities(text)] == expected


def test_lexical_similarity_ranks_the_restated_proposal_first() -> None:
    model = LexicalModel(["NATO liaison office in Tokyo", "Russia is a partner of the West", "budget of Japan"])
    scores = model.scores("the alliance should open an office in Tokyo")
    assert scores.index(max(scores)) == 0
    index = SimilarityIndex.from_graph(GRAPH, "lexical")
    assert index.similar("open a NATO office in Tokyo", 1)[0].id == "nato-tokyo-liaison-office"
    assert "nato-tokyo-liaison-office" not in [m.id for m in index.similar("nato-tokyo-liaison-office", 5)]


@pytest.mark.skipif(not semantic_available(), reason="the optional 'semantic' extra is not installed")
def test_semantic_similarity_with_the_packaged_model() -> None:
    index = SimilarityIndex.from_graph(GRAPH, "semantic")
    matches = index.similar("Japan wants the Atlantic alliance to station staff in its capital", 2)
    assert matches[0].id == "nato-tokyo-liaison-office" and matches[0].method == "semantic"
