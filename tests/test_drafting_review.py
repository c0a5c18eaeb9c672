"""``policykg review``: decisions, save rules, and the whole path — add-document, a headless review driven by keys,
then ``policykg build`` on the project copy: the reviewed items are in the graph, the rest skipped and reported."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from policykg.build import BuildResult
from policykg.build.model import AnnotationFile, LinksFile
from policykg.cli import main
from policykg.config import Paths
from policykg.drafting.graph import KnowledgeGraph, load_store
from policykg.drafting.review_app import ReviewApp
from policykg.drafting.review_session import ReviewError, ReviewSession
from policykg.drafting.similarity import SimilarityIndex

ID = "https://w3id.org/policykg/id/"
PKG = "https://w3id.org/policykg/ontology#"
ARTICLE = """NATO should open a liaison office in Tokyo, a senior Japanese official said on Monday.

However, French officials warned that the North Atlantic Treaty limits the alliance to the North Atlantic.
The alliance must deepen its partnerships in Asia, said Prime Minister Fumio Kishida.
Japan will spend $50 million per year on the office.
"""


@pytest.fixture(scope="module")
def graph(built: BuildResult) -> KnowledgeGraph:
    assert built.out is not None
    return KnowledgeGraph.from_trig(built.out)


@pytest.fixture
def drafted(project_copy: Paths, built: BuildResult, tmp_path: Path) -> Path:
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    args = ["--root", str(project_copy.root), "add-document", str(source), "--graph", str(built.out)]
    args += ["--title", "Tokyo office", "--venue", "Kyodo", "--date", "2023-06-07", "--kind", "news-report"]
    args += ["--similarity", "lexical"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return next(project_copy.annotations.glob("005_*.yaml"))


def session_for(path: Path, graph: KnowledgeGraph) -> ReviewSession:
    return ReviewSession(path, graph, SimilarityIndex.from_graph(graph, "lexical"))


def load(path: Path) -> AnnotationFile:
    return AnnotationFile.model_validate(YAML(typ="safe").load(path.read_text(encoding="utf-8")))


def test_save_rules(drafted: Path, graph: KnowledgeGraph) -> None:
    session = session_for(drafted, graph)
    by_kind = {it.kind: it for it in reversed(session.items)}
    office = next(it for it in session.items if it.kind == "proposal")
    objection = by_kind["objection"]
    fact = by_kind["fact"]
    assert objection.node["attacks"] == [office.id]
    session.accept(objection)  # attacks the office proposal, which is then rejected: the attack is dropped
    session.reject(office)
    session.accept(fact)
    result = session.save()
    model = load(drafted)
    assert office.id not in {p.id for p in model.proposals}, "rejected items are dropped"
    saved = next(c for c in model.claims if c.id == objection.id)
    assert saved.review == "accepted" and not saved.attacks
    assert any("dropped attacks" in m for m in result.messages)
    raw = drafted.read_text(encoding="utf-8")
    assert f"id: {objection.id}" in raw and "# Draft annotation of" in raw, "comments survive the round trip"
    assert result.remaining == len(session.items) > 0


def test_accepting_a_proposal_accepts_the_candidate_actor_who_makes_it(drafted: Path, graph: KnowledgeGraph) -> None:
    session = session_for(drafted, graph)
    kishida = next(it for it in session.items if it.kind == "proposal" and "Kishida" in str(it.node["quote"]))
    speaker = kishida.node["proposed_by"][0]
    assert any(it.kind == "actor" and it.id == speaker for it in session.items)
    session.accept(kishida)
    result = session.save()
    assert any(f"accepted actor {speaker}" in m for m in result.messages)
    model = load(drafted)
    assert {a.id: a.review for a in model.actors}[speaker] == "accepted"


def test_link_same_as_edit_and_a_refused_save(drafted: Path, graph: KnowledgeGraph) -> None:
    session = session_for(drafted, graph)
    office = next(it for it in session.items if it.kind == "proposal")
    assert session.matches(office)[0].id == "nato-tokyo-liaison-office"
    session.same_as(office, "nato-tokyo-liaison-office")
    official = next(it for it in session.items if it.kind == "actor" and "official" in it.label.lower())
    assert session.edit(official, {"id": "nato"}) == ["id 'nato' is already used"]
    assert session.edit(official, {"id": "japanese-official-2023-06"}) == []
    fact = next(it for it in session.items if it.kind == "fact")
    session.accept(fact)
    assert session.edit(fact, {"quote": "not in the text"})[0].startswith("quote: quote not found")
    session.edit(fact, {"value": "51"})
    fact.node["quote"] = "no such words"  # a hand edit gone wrong: the save must refuse it
    before = drafted.read_bytes()
    with pytest.raises(ReviewError, match="quote not found"):
        session.save()
    assert drafted.read_bytes() == before, "nothing written on a refused save"
    fact.node["quote"] = "$50 million per year"
    session.save()
    model = load(drafted)
    assert [m.of for m in model.mentions] == ["nato-tokyo-liaison-office"]
    assert next(f for f in model.facts if f.quote == "$50 million per year").value == 51


def keys(text: str) -> list[str]:
    """What a typist presses for ``text``."""
    return ["space" if ch == " " else ch for ch in text]


async def _review_by_keys(app: ReviewApp) -> list[str]:
    """Accept the office proposal, mark the objection as attacking the 2012 proposal (picked from the similar
    items, with a typed reason), reject the next candidate, then save and quit."""
    seen = []
    async with app.run_test() as pilot:
        seen.append(app.current.kind if app.current else "")
        while app.current and app.current.kind != "proposal":
            await pilot.press("n")
        await pilot.press("a")
        while app.current and app.current.kind != "objection":
            await pilot.press("n")
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*keys("tokyo liaison office"))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*keys("the French objection is aimed at the office"))
        await pilot.press("enter")
        await pilot.pause()
        seen.append(app.status)
        await pilot.press("r")
        await pilot.press("w")
        await pilot.pause()
        seen.append(app.status)
        await pilot.press("q")
    return seen


def test_review_by_keys_then_build(drafted: Path, graph: KnowledgeGraph, project_copy: Paths, tmp_path: Path) -> None:
    session = session_for(drafted, graph)
    office_id = next(it.id for it in session.items if it.kind == "proposal")
    objection_id = next(it.id for it in session.items if it.kind == "objection")
    seen = asyncio.run(_review_by_keys(ReviewApp(session)))
    assert "attacks nato-tokyo-liaison-office" in seen[1], seen
    assert seen[2].startswith("saved"), seen

    links = LinksFile.model_validate(YAML(typ="safe").load((project_copy.corpus / "links.yaml").read_text()))
    link = links.links[-1]
    assert (link.source, link.attacks) == (objection_id, "nato-tokyo-liaison-office")
    assert link.reason == "the French objection is aimed at the office"
    model = load(drafted)
    reviewed = {p.id: p.review for p in [*model.proposals, *model.claims]}
    assert reviewed[office_id] == reviewed[objection_id] == "accepted"

    # Nothing refers to the long research paper (003): leaving it out of this build halves the test's time.
    for path in [*project_copy.documents.glob("003_*"), *project_copy.annotations.glob("003_*")]:
        path.unlink()
    out = tmp_path / "built.trig"
    result = CliRunner().invoke(main, ["--root", str(project_copy.root), "build", "--out", str(out)])
    assert result.exit_code == 0, result.output
    store = load_store(out)
    built_ids = KnowledgeGraph.from_store(store).ids
    assert {office_id, objection_id} <= built_ids
    attack = f"ASK {{ <{ID}claim/{objection_id}> <{PKG}attacks> <{ID}proposal/nato-tokyo-liaison-office> }}"
    assert store.query(attack, use_default_graph_as_union=True)
    remaining = ReviewSession(drafted, graph).items
    assert remaining and f"skipped {len(remaining)} unreviewed candidate(s)" in result.output
    assert all(item.id in result.output for item in remaining), "the summary says which candidates it skipped"
    assert not {it.id for it in remaining} & built_ids, "unreviewed candidates stay out of the graph"
