"""One label per resource in REST answers (api/labels.py): English first, other texts untouched."""

from __future__ import annotations

from policykg.api.labels import prefer_english

IRI = {"type": "uri", "value": "http://example.org/france"}
STANCE = {"type": "uri", "value": "http://example.org/stance"}


def text(value: str, lang: str | None = None) -> dict[str, str]:
    return {"type": "literal", "value": value, **({"xml:lang": lang} if lang else {})}


def test_english_wins_over_other_languages_and_plain_text() -> None:
    rows = [
        {"s": STANCE, "x": IRI, "label": text("République française", "fr")},
        {"s": STANCE, "x": IRI, "label": text("France", "en-GB")},
        {"s": STANCE, "x": IRI, "label": text("France")},
    ]
    assert [r["label"]["value"] for r in prefer_english(rows)] == ["France"]
    assert prefer_english(rows)[0]["label"].get("xml:lang") == "en-GB"


def test_plain_text_wins_over_another_language() -> None:
    rows = [{"x": IRI, "label": text("Frankreich", "de")}, {"x": IRI, "label": text("France")}]
    assert prefer_english(rows) == [rows[1]]


def test_texts_in_the_same_language_are_all_kept() -> None:
    """Two aliases, or two quotes of one stance, are two answers, not two names of one thing."""
    rows = [{"x": IRI, "alias": text("Paris", "en")}, {"x": IRI, "alias": text("the Élysée", "en")}]
    assert prefer_english(rows) == rows
    quotes = [{"s": STANCE, "exact": text("first")}, {"s": STANCE, "exact": text("second")}]
    assert prefer_english(quotes) == quotes


def test_two_named_columns_each_keep_their_english_label() -> None:
    holder = [text("France", "en"), text("République française", "fr")]
    reporter = [text("Financial Times", "en"), text("FT", "de")]
    rows = [{"s": STANCE, "holder": h, "reporter": r} for h in holder for r in reporter]
    (row,) = prefer_english(rows)
    assert (row["holder"]["value"], row["reporter"]["value"]) == ("France", "Financial Times")


def test_rows_of_different_resources_are_not_merged_and_other_terms_are_ignored() -> None:
    other = {"type": "uri", "value": "http://example.org/germany"}
    year = {"type": "literal", "value": "2023", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}
    rows = [
        {"x": IRI, "label": text("France", "en"), "date": year},
        {"x": other, "label": text("Deutschland", "de"), "date": year},
        {"x": IRI, "label": text("Francia", "es"), "date": year},
    ]
    assert prefer_english(rows) == rows[:2]
    assert prefer_english([]) == []


def test_one_label_per_resource_even_in_the_same_language() -> None:
    """Two English labels, or an English variant, still name a stance's holder once, and alike in every answer."""
    rows = [
        {"s": STANCE, "x": IRI, "actorLabel": text("Russia (GB)", "en-GB")},
        {"s": STANCE, "x": IRI, "actorLabel": text("Russian Federation", "en")},
        {"s": STANCE, "x": IRI, "actorLabel": text("Russia", "en")},
    ]
    assert [r["actorLabel"]["value"] for r in prefer_english(rows)] == ["Russia"]
    german_and_french = [
        {"x": IRI, "label": text("Seulement français", "fr")},
        {"x": IRI, "label": text("Nur Deutsch", "de")},
    ]
    assert [r["label"]["value"] for r in prefer_english(german_and_french)] == ["Nur Deutsch"]
    assert prefer_english(german_and_french[::-1]) == prefer_english(german_and_french)


def test_every_text_of_the_best_language_is_kept_whatever_the_order() -> None:
    rows = [
        {"x": IRI, "alias": text("A", "fr")},
        {"x": IRI, "alias": text("B", "en")},
        {"x": IRI, "alias": text("C", "fr")},
        {"x": IRI, "alias": text("D", "en")},
    ]
    assert [r["alias"]["value"] for r in prefer_english(rows)] == ["B", "D"]
