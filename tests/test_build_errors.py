"""Bad input stops the build with the file, the line and the reason, and writes nothing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from policykg.build import BuildError, run_build
from policykg.config import Paths

TEXT = (
    "The alliance should open an office in Ruritania. Critics say the office is too costly.\n"
    "In fact the office is cheap. The office is cheap.\n"
    "Related Links\n"
    "The alliance should open an office in Ruritania.\n"
)

VALID = """\
document:
  id: ruritania-office
  file: 999_test.txt
  kind: opinion-article
  title: "An office in Ruritania"
  authors: [test-author]
  date: "2024-01-02"
  article_end: "The office is cheap.\\nRelated"
actors:
  - id: test-author
    kind: person
    label: Test Author
  - id: test-critic
    kind: anonymous-source
    label: A critic
    nationality: france
proposals:
  - id: ruritania-office-proposal
    label: Open an office in Ruritania
    quote: "The alliance should open an office in Ruritania."
    occurrence: 1
    action: open an office in Ruritania
    proposed_by: [test-author]
    addressee: [nato]
claims:
  - id: ruritania-office-costly
    label: The office is too costly
    quote: "Critics say the office is too costly."
    asserted_by: [test-critic]
    anticipated: true
    attacks: [ruritania-office-proposal]
  - id: ruritania-office-cheap
    label: The office is cheap
    quote: "In fact the office is cheap."
    asserted_by: [test-author]
    attacks: [ruritania-office-costly]
"""


@pytest.fixture
def project(project_copy: Paths) -> Paths:
    """The ontology and shared entities, and one small test document (the real corpus is tested elsewhere)."""
    for path in [*project_copy.annotations.glob("*.yaml"), project_copy.corpus / "links.yaml"]:
        path.unlink()
    (project_copy.documents / "999_test.txt").write_text(TEXT, encoding="utf-8")
    (project_copy.annotations / "999_test.yaml").write_text(VALID, encoding="utf-8")
    return project_copy


def build_with(project: Paths, yaml_text: str, tmp_path: Path) -> BuildError:
    annotation = project.annotations / "999_test.yaml"
    annotation.write_text(yaml_text, encoding="utf-8")
    out = tmp_path / "out.trig"
    out.write_text("previous build\n")
    with pytest.raises(BuildError) as caught:
        run_build(project, out, use_hermit=True)
    assert out.read_text() == "previous build\n", "a failed build must not touch the previous output"
    assert not list(tmp_path.glob("*.tmp"))
    return caught.value


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_the_fixture_itself_builds(project: Paths, tmp_path: Path) -> None:
    result = run_build(project, tmp_path / "ok.trig")
    assert result.counts["documents"] == 1
    assert result.counts["rebuttals"] >= 1


def test_unknown_actor(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("proposed_by: [test-author]", "proposed_by: [no-such-actor]")
    err = build_with(project, bad, tmp_path)
    (problem,) = err.problems
    assert problem.file is not None and problem.file.name == "999_test.yaml"
    assert problem.line == line_of(bad, "proposed_by: [no-such-actor]")
    assert "unknown actor 'no-such-actor'" in problem.reason


def test_reference_to_the_wrong_kind(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("addressee: [nato]", "addressee: [ruritania-office-costly]")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "is a claim, expected actor" in problem.reason


def test_quote_not_found(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace('"In fact the office is cheap."', '"In fact the office is free."')
    err = build_with(project, bad, tmp_path)
    (problem,) = err.problems
    assert err.stage == "verify quotes"
    assert problem.line == line_of(bad, '"In fact the office is free."')
    assert "quote not found" in problem.reason and "In fact the office is free." in problem.reason


def test_ambiguous_quote_needs_an_occurrence(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("    occurrence: 1\n", "")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "occurs 2 times" in problem.reason and "occurrence" in problem.reason


def test_quote_in_site_furniture(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("    occurrence: 1\n", "    occurrence: 2\n")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "after the article's end" in problem.reason


def test_white_space_differences_are_folded(project: Paths, tmp_path: Path) -> None:
    spaced = VALID.replace('"In fact the office is cheap."', '"In  fact the\\n office   is cheap."')
    (project.annotations / "999_test.yaml").write_text(spaced, encoding="utf-8")
    run_build(project, tmp_path / "ok.trig")


def test_shacl_violation_names_focus_node_and_file(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("    nationality: france\n", "")
    err = build_with(project, bad, tmp_path)
    assert err.stage == "validate (SHACL)"
    (problem,) = err.problems
    assert "id/actor/test-critic" in problem.where
    assert problem.file is not None and problem.file.name == "999_test.yaml"
    assert problem.line == line_of(bad, "- id: test-critic")
    assert "nationality or an affiliation" in problem.reason


def test_a_proposal_names_who_should_act_or_why_not(project: Paths, tmp_path: Path) -> None:
    neither = VALID.replace("    addressee: [nato]\n", "")
    (problem,) = build_with(project, neither, tmp_path).problems
    assert problem.line == line_of(neither, "- id: ruritania-office-proposal")
    assert "addressee (who should act) or addressee_unstated" in problem.reason
    both = VALID.replace("addressee: [nato]", 'addressee: [nato]\n    addressee_unstated: "not said"')
    (problem,) = build_with(project, both, tmp_path).problems
    assert "give either addressee" in problem.reason
    reason = "the text says only where the office should be, not who should open it"
    stated = VALID.replace("addressee: [nato]", f'addressee_unstated: "{reason}"')
    (project.annotations / "999_test.yaml").write_text(stated, encoding="utf-8")
    run_build(project, tmp_path / "ok.trig")
    assert f'pkg:addresseeUnstated "{reason}"' in (tmp_path / "ok.trig").read_text()


def test_inferred_dates_need_the_date_they_explain(project: Paths, tmp_path: Path) -> None:
    status = VALID.replace(
        "    addressee: [nato]\n",
        "    addressee: [nato]\n    status:\n      - value: proposed\n"
        '        date_inferred: "the text does not say"\n'
        '        quote: "The alliance should open an office in Ruritania."\n        occurrence: 1\n',
    )
    (problem,) = build_with(project, status, tmp_path).problems
    assert "date_inferred gives the evidence for a date: give the date too" in problem.reason
    assert problem.line == line_of(status, "- value: proposed")


def test_unknown_key(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("    anticipated: true\n", "    anticipated: true\n    colour: red\n")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert problem.line == line_of(bad, "colour: red")
    assert "unknown key" in problem.reason and problem.where == "claims.0.colour"


@pytest.mark.parametrize("date", ["2024-13", "2024-00", "2024-02-30", "0000"])
def test_a_date_the_calendar_does_not_have(project: Paths, tmp_path: Path, date: str) -> None:
    bad = VALID.replace('date: "2024-01-02"', f'date: "{date}"')
    (problem,) = build_with(project, bad, tmp_path).problems
    assert problem.line == line_of(bad, f'date: "{date}"')
    assert f"not a calendar date: {date}" in problem.reason and problem.where == "document.date"


def test_invalid_yaml(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("  - id: test-critic\n", "  - id: test-critic\n   broken: [\n")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "not valid YAML" in problem.reason and problem.line is not None


def test_undercut_of_a_support_that_is_not_annotated(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace(
        "    attacks: [ruritania-office-costly]\n",
        "    undercuts: [{from: ruritania-office-costly, to: ruritania-office-proposal}]\n",
    )
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "undercuts a support that is not annotated" in problem.reason
    assert problem.line == line_of(bad, "    undercuts:")


def test_duplicate_id(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("  - id: ruritania-office-cheap", "  - id: ruritania-office-costly")
    (problem,) = build_with(project, bad, tmp_path).problems
    assert "already defined at 999_test.yaml" in problem.reason


@pytest.mark.skipif(not shutil.which("java"), reason="HermiT needs Java")
def test_inconsistency_is_refused_by_the_reasoner(project: Paths, tmp_path: Path) -> None:
    # An affiliation makes its organisation an Organisation; a Group is disjoint with Organisation.
    bad = VALID.replace(
        "    label: Test Author\n",
        "    label: Test Author\n    affiliations: [{organisation: test-group}]\n"
        "  - id: test-group\n    kind: group\n    label: A group\n",
    )
    err = build_with(project, bad, tmp_path)
    assert err.stage == "reason"
    assert "inconsistent" in err.problems[0].reason


def test_cli_exits_non_zero_and_names_file_and_line(project: Paths, tmp_path: Path) -> None:
    bad = VALID.replace("proposed_by: [test-author]", "proposed_by: [no-such-actor]")
    (project.annotations / "999_test.yaml").write_text(bad, encoding="utf-8")
    out = tmp_path / "cli.trig"
    proc = subprocess.run(
        [sys.executable, "-m", "policykg", "--root", str(project.root), "build", "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert f"999_test.yaml:{line_of(bad, 'proposed_by: [no-such-actor]')}" in proc.stderr
    assert "unknown actor 'no-such-actor'" in proc.stderr
    assert not out.exists()
