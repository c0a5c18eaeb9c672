"""The ``policykg`` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from . import __version__
from .build import BuildError, run_build
from .config import Paths
from .queries import QueryError

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
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TriG file to write (default build/policykg.trig); its N-Quads twin goes beside it (.nq).",
)
@click.option("--no-hermit", is_flag=True, help="Reason with OWL 2 RL (owlrl) instead of HermiT.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@click.pass_obj
def build(paths: Paths, out: Path | None, no_hermit: bool, quiet: bool) -> None:
    """Verify, validate and reason over the corpus, then write the dataset as TriG and print a summary."""
    from .store.loading import inputs_hash, record_build

    status = err_console.status("building") if not quiet and err_console.is_terminal else None
    progress = (lambda msg: status.update(msg)) if status else None
    try:
        if status:
            status.start()
        digest = inputs_hash(paths)  # before the build reads them
        result = run_build(paths, out, use_hermit=not no_hermit, progress=progress)
        assert result.out is not None
        record_build(result.out, digest)  # so that serve, query and export reuse this build
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
@click.option(
    "--rebuild", is_flag=True, envvar="POLICYKG_REBUILD", help="Build the corpus even if its inputs are unchanged."
)
@click.option("--log-level", default="info", type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@click.option(
    "--backend",
    type=click.Choice(["embedded", "sparql"]),
    help="embedded: pyoxigraph in this process (default); sparql: a remote SPARQL 1.1 store (docs/remote-stores.md).",
)
@click.option("--query-endpoint", help="The remote store's SPARQL query endpoint (--backend sparql).")
@click.option("--update-endpoint", help="Its SPARQL update endpoint (default: none, read-only).")
@click.option("--gsp-endpoint", help="Its Graph Store Protocol endpoint, for uploads (default: SPARQL updates).")
@click.option("--auth", "remote_auth", help="user:password for the remote store (or env POLICYKG_REMOTE_AUTH).")
@click.option("--auth-scheme", type=click.Choice(["auto", "digest", "basic"]), help="How to send --auth.")
@click.option(
    "--union-mode",
    type=click.Choice(["explicit", "param", "native"]),
    help="How the remote store is asked for the union default graph (default explicit).",
)
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
    backend: str | None = None,
    query_endpoint: str | None = None,
    update_endpoint: str | None = None,
    gsp_endpoint: str | None = None,
    remote_auth: str | None = None,
    auth_scheme: str | None = None,
    union_mode: str | None = None,
) -> None:
    """Serve the graph as a SPARQL 1.1 endpoint (/sparql) and Graph Store (/store); writes need
    POLICYKG_UPDATE_TOKEN."""
    from .api.server import run
    from .api.settings import SettingError, Settings

    try:
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
            backend=backend,
            query_endpoint=query_endpoint,
            update_endpoint=update_endpoint,
            gsp_endpoint=gsp_endpoint,
            remote_auth=remote_auth,
            auth_scheme=auth_scheme,
            union_mode=union_mode,
        )
    except SettingError as err:
        raise click.UsageError(str(err)) from None
    if settings.backend == "sparql" and not settings.query_endpoint:
        raise click.UsageError("--backend sparql needs --query-endpoint")
    try:
        run(settings, paths, rebuild=rebuild, log_level=log_level)
    except BuildError as err:
        err_console.print(f"[bold red]build failed[/] at stage: {err.stage}", highlight=False)
        for problem in err.problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        sys.exit(1)
    except QueryError as err:  # a named query in queries/ with a malformed header: refuse to start
        err_console.print("[bold red]cannot serve the named queries[/]", highlight=False)
        err_console.print(f"  {err}", highlight=False, markup=False)
        sys.exit(1)


@main.command()
@click.option("--gsp-endpoint", required=True, help="The store's Graph Store Protocol endpoint.")
@click.option("--auth", "remote_auth", help="user:password (or env POLICYKG_REMOTE_AUTH).")
@click.option("--auth-scheme", type=click.Choice(["auto", "digest", "basic"]), default="auto", show_default=True)
@click.option(
    "--trig", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="TriG to push (default: the build)."
)
@click.option(
    "--rebuild", is_flag=True, envvar="POLICYKG_REBUILD", help="Build the corpus even if its inputs are unchanged."
)
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds per graph.")
@click.pass_obj
def push(
    paths: Paths,
    gsp_endpoint: str,
    remote_auth: str | None,
    auth_scheme: str,
    trig: Path | None,
    rebuild: bool,
    timeout: float,
) -> None:
    """Load the built dataset into a remote SPARQL store, one named graph at a time (HTTP PUT: replaces each graph,
    so pushing twice leaves the same data), then bump the store's version marker."""
    import os

    from .store import remote

    auth = remote.Auth.parse(remote_auth or os.environ.get("POLICYKG_REMOTE_AUTH"))
    if trig is None:
        from .store.loading import ensure_build

        try:
            built = ensure_build(paths, force=rebuild, progress=lambda m: err_console.print(m, highlight=False))
        except BuildError as err:
            err_console.print(f"[bold red]build failed[/] at stage: {err.stage}", highlight=False)
            sys.exit(1)
        trig = built.trig
    failed = 0
    total = 0
    for item in remote.push(trig, gsp_endpoint, auth=auth, auth_scheme=auth_scheme, timeout=timeout):
        name = "(default graph)" if item.graph is None else f"<{item.graph}>"
        if item.error:
            failed += 1
            click.echo(f"FAILED {name}: {item.error} (its previous contents are unchanged)")
        else:
            total += item.triples
            what = "created" if item.status == 201 else "replaced"
            click.echo(f"{what} {name}: {item.triples} triples in {item.seconds:.2f}s")
    click.echo(f"pushed {total} triples to {gsp_endpoint}" + (f"; {failed} graph(s) FAILED" if failed else ""))
    if failed:
        sys.exit(1)


from .drafting.commands import add_document, review  # noqa: E402

main.add_command(add_document)
main.add_command(review)

from .commands import COMMANDS  # noqa: E402  (query, export, import-aif)

for _command in COMMANDS:
    main.add_command(_command)
