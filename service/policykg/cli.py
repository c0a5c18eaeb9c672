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


@main.command()
@click.option("--host", help="Interface to listen on (default 127.0.0.1; env POLICYKG_HOST).")
@click.option("--port", type=int, help="Port (default 8000; env POLICYKG_PORT).")
@click.option(
    "--store",
    "store_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Keep a persistent on-disk store in DIR (default: in memory).",
)
@click.option("--empty", is_flag=True, default=None, help="Start without building or loading the corpus.")
@click.option(
    "--union-default-graph/--no-union-default-graph",
    default=None,
    help="Query default graph = union of all graphs (default on; off for the W3C test suites).",
)
@click.option("--timeout", type=float, help="Query time limit in seconds (default 10).")
@click.option("--row-cap", type=int, help="Most rows a result may carry (default 10000).")
@click.option("--query-workers", type=int, help="Worker processes that run queries (default: CPUs, 2 to 8).")
@click.option("--allow-endpoint", multiple=True, help="A SERVICE endpoint / LOAD source that may be fetched.")
@click.option("--cache-entries", type=int, help="Size of the result cache (default 1024 answers).")
@click.option("--rebuild", is_flag=True, help="Build the corpus even if its inputs are unchanged.")
@click.option("--log-level", default="info", type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.pass_obj
def serve(
    paths: Paths,
    host: str | None,
    port: int | None,
    store_dir: Path | None,
    empty: bool | None,
    union_default_graph: bool | None,
    timeout: float | None,
    row_cap: int | None,
    query_workers: int | None,
    allow_endpoint: tuple[str, ...],
    cache_entries: int | None,
    rebuild: bool,
    log_level: str,
) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint (/sparql) and Graph Store (/store); writes need
    POLICYKG_UPDATE_TOKEN."""
    from .api.server import run
    from .api.settings import Settings

    settings = Settings.from_env(
        host=host,
        port=port,
        store=store_dir,
        empty=empty or None,
        union_default_graph=union_default_graph,
        timeout=timeout,
        row_cap=row_cap,
        workers=query_workers,
        allowed_endpoints=tuple(allow_endpoint) or None,
        cache_entries=cache_entries,
    )
    try:
        run(settings, paths, rebuild=rebuild, log_level=log_level)
    except BuildError as err:
        err_console.print(f"[bold red]build failed[/] at stage: {err.stage}", highlight=False)
        for problem in err.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        sys.exit(1)


from .drafting.commands import add_document, review  # noqa: E402

main.add_command(add_document)
main.add_command(review)

from .commands import COMMANDS  # noqa: E402  (query, export, import-aif)

for _command in COMMANDS:
    main.add_command(_command)
