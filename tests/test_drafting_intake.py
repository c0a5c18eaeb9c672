"""``policykg add-document``: every bad input is refused with a clear message and nothing written; a good one
writes the text and its draft, both or neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from policykg.build import BuildResult
from policykg.build.model import AnnotationFile
from policykg.cli import main
from policykg.config import Paths
from policykg.drafting.drafter import Metadata
from policykg.drafting.graph import KnowledgeGraph
from policykg.drafting.intake import IntakeError, add_document, write_atomic

ARTICLE = (
    "Japan should host a NATO liaison office in Tokyo, a senior Japanese official said on Monday.\n\n"
    "However, French officials warned that the North Atlantic Treaty limits the alliance to the North Atlantic.\n"
)
GOOD = ["--title", "Tokyo office", "--venue", "Kyodo", "--date", "2023-06-07", "--kind", "news-report"]


def listing(paths: Paths) -> set[str]:
    return {p.name for folder in (paths.documents, paths.annotations) for p in folder.iterdir()}


def run(paths: Paths, built: BuildResult, source: Path, *options: str) -> tuple[int, str]:
    args = ["--root", str(paths.root), "add-document", str(source), "--graph", str(built.out), *options]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (b"", GOOD, "is empty"),
        (b"  \n\n \t\n", GOOD, "is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", GOOD, "looks binary"),
        ("Caf\u00e9 au lait, NATO should act.".encode("latin-1"), GOOD, "is not UTF-8"),
        (ARTICLE.encode(), ["--venue", "Kyodo", "--date", "2023-06-07"], "missing title"),
        (ARTICLE.encode(), ["--title", "  ", "--venue", "Kyodo", "--date", "2023-06-07"], "missing title"),
        (ARTICLE.encode(), ["--title", "T", "--venue", "Kyodo", "--date", "2023-13"], "bad date"),
        (ARTICLE.encode(), ["--title", "T", "--venue", "Kyodo", "--date", "2023-02-30"], "bad date"),
        (ARTICLE.encode(), ["--title", "T", "--venue", "Kyodo", "--date", "last June"], "bad date"),
        (ARTICLE.encode(), ["--title", "T", "--venue", "Kyodo"], "missing date: give --date"),
        (ARTICLE.encode(), ["--title", "T", "--date", "2023"], "at least one --author or a --venue"),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "latin-1",
        "no-title",
        "blank-title",
        "month-13",
        "feb-30",
        "words",
        "no-date",
        "no-asserter",
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    project_copy: Paths, built: BuildResult, tmp_path: Path, content: bytes, options: list[str], message: str
) -> None:
    source = tmp_path / "input.txt"
    source.write_bytes(content)
    before = listing(project_copy)
    code, output = run(project_copy, built, source, *options)
    assert code != 0
    assert message in output and "nothing was written" in output
    assert listing(project_copy) == before


def test_a_duplicate_document_is_refused(project_copy: Paths, built: BuildResult, tmp_path: Path) -> None:
    source = tmp_path / "again.txt"
    source.write_bytes((project_copy.documents / "004_5b10e70857193092.txt").read_bytes())
    before = listing(project_copy)
    code, output = run(project_copy, built, source, *GOOD)
    assert code != 0 and "duplicate document" in output and "004_5b10e70857193092.txt" in output
    assert listing(project_copy) == before


def test_a_good_document_is_added_with_its_draft(project_copy: Paths, built: BuildResult, tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    before = listing(project_copy)
    code, output = run(project_copy, built, source, *GOOD)
    assert code == 0, output
    added = listing(project_copy) - before
    stems = {Path(name).stem for name in added}
    assert len(added) == 2 and len(stems) == 1
    stem = stems.pop()
    assert stem.startswith("005_") and len(stem) == 4 + 16
    assert (project_copy.documents / f"{stem}.txt").read_bytes() == ARTICLE.encode()
    data = YAML(typ="safe").load((project_copy.annotations / f"{stem}.yaml").read_text(encoding="utf-8"))
    model = AnnotationFile.model_validate(data)
    assert model.document.file == f"{stem}.txt" and model.document.date == "2023-06-07"
    assert model.document.publisher == "kyodo"
    assert model.proposals and all(p.review == "candidate" for p in model.proposals)
    assert model.proposals[0].addressee == ["japan"]
    assert not list(project_copy.documents.glob(".*.tmp")) and not list(project_copy.annotations.glob(".*.tmp"))
    assert "policykg review" in output


def test_if_the_second_write_fails_the_first_is_undone(project_copy: Paths, built: BuildResult, tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text(ARTICLE, encoding="utf-8")
    before = listing(project_copy)
    calls: list[Path] = []

    def failing_write(path: Path, data: bytes) -> None:
        calls.append(path)
        if path.suffix == ".yaml":
            raise OSError("disk full")
        write_atomic(path, data)

    assert built.out is not None
    with pytest.raises(OSError, match="disk full"):
        add_document(
            source,
            Metadata("Tokyo office", "2023", [], "Kyodo", "news-report"),
            project_copy,
            KnowledgeGraph.from_trig(built.out),
            write=failing_write,
        )
    assert [p.suffix for p in calls] == [".txt", ".yaml"]
    assert listing(project_copy) == before


def test_metadata_is_checked_before_the_text_is_read(project_copy: Paths, tmp_path: Path) -> None:
    with pytest.raises(IntakeError, match="missing title"):
        add_document(tmp_path / "absent.txt", Metadata("", "2023", ["A"]), project_copy, KnowledgeGraph())
