"""The ``add-document`` and ``review`` commands (registered on the ``policykg`` group in cli.py)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click
from rich.console import Console

from ..build import BuildError, run_build
from ..config import Paths
from .drafter import Metadata
from .graph import KnowledgeGraph
from .intake import KINDS, IntakeError, check_metadata, read_text
from .intake import add_document as add
from .similarity import METHODS, SimilarityIndex

err_console = Console(stderr=True, soft_wrap=True)


def load_graph(paths: Paths, trig: Path | None) -> KnowledgeGraph:
    """The built graph: ``--graph``, else build/policykg.trig, built first when it is missing."""
    if trig is not None:
        if not trig.is_file():
            raise IntakeError(f"no built graph at {trig}")
        return KnowledgeGraph.from_trig(trig)
    default = paths.build_dir / "policykg.trig"
    if not default.is_file():
        err_console.print(f"no built graph at {default}: building it first (policykg build)", highlight=False)
        try:
            run_build(paths, default)
        except BuildError as err:
            first = err.problems[0] if err.problems else err.stage
            raise IntakeError(f"the corpus does not build, so the known actors cannot be read: {first}") from err
    return KnowledgeGraph.from_trig(default)


def fail(message: str) -> None:
    err_console.print(f"[bold red]add-document failed:[/] {message}", highlight=False)
    err_console.print("nothing was written", highlight=False)
    sys.exit(1)


@click.command("add-document")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", help="The document's title (required).")
@click.option(
    "--author", "authors", multiple=True, help="An author's name; repeat for several (an author or a venue is needed)."
)
@click.option("--venue", help="Publisher or venue (news outlet, think tank …); an author or a venue is required.")
@click.option("--date", help="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the evidence allows (required).")
@click.option("--kind", type=click.Choice(KINDS), default="opinion-article", show_default=True)
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path), help="Built TriG to read known actors from.")
@click.option("--similarity", type=click.Choice(METHODS), default=None, help="Matching method (default: auto).")
@click.pass_obj
def add_document(
    paths: Paths,
    file: Path,
    title: str | None,
    authors: tuple[str, ...],
    venue: str | None,
    date: str | None,
    kind: str,
    graph: Path | None,
    similarity: str | None,
) -> None:
    """Copy FILE (plain UTF-8 text) into corpus/documents/ and write a draft annotation for it, every item a
    candidate for `policykg review`."""
    try:
        check_metadata(title, date, kind, list(authors), venue)
        read_text(file)
        kg = load_graph(paths, graph)
        index = SimilarityIndex.from_graph(kg, similarity) if kg.propositions else None
        meta = Metadata(title or "", date or "", list(authors), venue, kind)
        added = add(file, meta, paths, kg, index)
    except (IntakeError, RuntimeError) as err:
        fail(str(err))
        return
    counts = Counter(c.kind for c in added.draft.candidates)
    root = paths.root
    summary = ", ".join(f"{n} {k}{'s' if n != 1 else ''}" for k, n in sorted(counts.items())) or "no candidates"
    click.echo(f"added {added.text_path.relative_to(root)}")
    click.echo(f"draft {added.annotation_path.relative_to(root)}: {summary}")
    click.echo(f"next: policykg review {added.annotation_path.relative_to(root)}")


@click.command("review")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--graph", type=click.Path(dir_okay=False, path_type=Path), help="Built TriG to match against.")
@click.option("--similarity", type=click.Choice(METHODS), default=None, help="Matching method (default: auto).")
@click.pass_obj
def review(paths: Paths, file: Path, graph: Path | None, similarity: str | None) -> None:
    """Review FILE's candidates in the terminal: accept, edit, link, mark as supporting or attacking, reject."""
    from .review_app import ReviewApp  # textual: only for this command
    from .review_session import ReviewError, ReviewSession

    try:
        kg = load_graph(paths, graph)
        session = ReviewSession(file, kg, SimilarityIndex.from_graph(kg, similarity) if kg.propositions else None)
    except (IntakeError, ReviewError, RuntimeError, OSError) as err:
        err_console.print(f"[bold red]review failed:[/] {err}", highlight=False)
        sys.exit(1)
    if not session.items:
        click.echo(f"{file}: no candidates to review")
        return
    ReviewApp(session).run()
