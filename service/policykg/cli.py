"""The ``policykg`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from . import __version__
from .build import BuildError, run_build
from .config import Paths

err_console = Console(stderr=True, soft_wrap=True)


@click.group()
@click.version_option(__version__, prog_name="policykg")
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="Project folder (default: found from the working directory).",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """policykg: a knowledge graph of policy arguments."""
    ctx.obj = Paths(root.resolve()) if root else Paths()


@main.command()
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="TriG file to write (default build/policykg.trig)."
)
@click.option("--no-hermit", is_flag=True, help="Reason with OWL 2 RL (owlrl) instead of HermiT.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.pass_obj
def build(paths: Paths, out: Path | None, no_hermit: bool, quiet: bool) -> None:
    """Verify, validate and reason over the corpus, then write the dataset as TriG and print a summary."""
    status = err_console.status("building") if not quiet and err_console.is_terminal else None
    progress = (lambda msg: status.update(msg)) if status else None
    try:
        if status:
            status.start()
        result = run_build(paths, out, use_hermit=not no_hermit, progress=progress)
    except BuildError as err:
        if status:
            status.stop()
        err_console.print(f"[bold red]build failed[/] at stage: {err.stage}", highlight=False)
        for problem in err.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        sys.exit(1)
    finally:
        if status:
            status.stop()
    if not quiet:
        click.echo(f"wrote {result.out}")
        click.echo(result.summary())
