"""CLI commands over the dataset: ``query``, ``export``, ``import-aif`` (registered on the ``policykg`` group)."""

from __future__ import annotations

import csv
import io
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pyoxigraph as ox
from rich.console import Console
from rich.table import Table

from . import queries as named
from .config import Paths
from .export import EXPORT_FORMATS, export
from .store.binding import bind_values
from .store.errors import readable
from .vocab import Minter

if TYPE_CHECKING:
    from .aif_import import Imported

err = Console(stderr=True, soft_wrap=True)
GRAPHS_NOT_PRINTED = "only SELECT and ASK queries can be printed; use /sparql or `policykg export` for graphs"


def local_store(paths: Paths) -> ox.Store:
    """The current build (rebuilt first if its inputs changed) in an in-memory store."""
    from .store.loading import ensure_build

    built = ensure_build(paths, progress=None)
    store = ox.Store()
    store.bulk_load(path=str(built.nquads), format=ox.RdfFormat.N_QUADS)
    return store


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="--param")
        values[name] = value
    return values


def names_a_file(target: str) -> bool:
    """QUERY is a file (a .rq, or any file that exists), not the name of a query in queries/."""
    path = Path(target)
    return path.suffix == ".rq" or path.is_file()


def resolve_query(paths: Paths, target: str) -> named.NamedQuery:
    """A .rq file (with or without a header) or the name of a query in queries/."""
    path = Path(target)
    try:
        if names_a_file(target):
            if not path.is_file():
                raise click.BadParameter(f"no such file: {target}", param_hint="QUERY")
            text = path.read_text(encoding="utf-8")
            if not any(line.startswith("#+") for line in text.splitlines()):  # a plain query file: no parameters
                return named.NamedQuery(path.stem, path.stem, "", (), (), text, path)
            return named.load_query(path)
        catalogue = named.load_queries(paths.queries)
    except named.QueryError as error:
        raise click.ClickException(str(error)) from error
    if target not in catalogue:
        raise click.BadParameter(
            f"no query named {target!r}; known: {', '.join(sorted(catalogue))}", param_hint="QUERY"
        )
    return catalogue[target]


def sparql_json(store: ox.Store, query: named.NamedQuery, values: dict[str, str]) -> dict:
    try:
        bindings = named.bind(query, values)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--param") from error
    text = bind_values(query.text, ((variable.value, term) for variable, term in bindings.items()))
    try:
        result = store.query(text, use_default_graph_as_union=True)
    except SyntaxError as error:
        raise click.ClickException(f"{query.path}: the query does not parse: {readable(str(error), text)}") from None
    if isinstance(result, ox.QueryBoolean):
        return {"head": {}, "boolean": bool(result)}
    if not isinstance(result, ox.QuerySolutions):
        raise click.ClickException(GRAPHS_NOT_PRINTED)
    return json.loads(result.serialize(format=ox.QueryResultsFormat.JSON))


def remote_json(endpoint: str, query: named.NamedQuery, values: dict[str, str], by_name: bool) -> dict:
    """Ask a running policykg service: named queries through /api/queries (the server binds the parameters)."""
    base = endpoint.rstrip("/").removesuffix("/sparql")
    if by_name:
        url = f"{base}/api/queries/{query.name}?{urllib.parse.urlencode(values)}"
        request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    else:
        if values:
            raise click.BadParameter(
                "parameters with --endpoint need a named query from queries/", param_hint="--param"
            )
        request = urllib.request.Request(
            f"{base}/sparql",
            data=query.text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
        )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 406:  # asked for results, the query makes a graph: say so as the local run does
            raise click.ClickException(GRAPHS_NOT_PRINTED) from error
        raise click.ClickException(f"{error.code} from {request.full_url}: {error.read().decode()[:500]}") from error
    except urllib.error.URLError as error:
        raise click.ClickException(f"cannot reach {base}: {error.reason}") from error


def term_text(term: dict | None) -> str:
    if term is None:
        return ""
    return term["value"]


def print_results(data: dict, fmt: str) -> None:
    if "boolean" in data:
        click.echo(json.dumps(data) if fmt == "json" else str(data["boolean"]).lower())
        return
    names = data["head"]["vars"]
    rows = [[term_text(b.get(n)) for n in names] for b in data["results"]["bindings"]]
    if fmt == "json":
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(names)
        writer.writerows(rows)
        click.echo(out.getvalue(), nl=False)
    else:
        table = Table(show_lines=False, header_style="bold")
        for name in names:
            table.add_column(name, overflow="fold")  # wrap long IRIs and quotes rather than cut them
        for row in rows:
            table.add_row(*(shorten(v) for v in row))
        Console(soft_wrap=False).print(table)
        err.print(f"{len(rows)} row(s)")


def shorten(value: str) -> str:
    for prefix, short in (("https://w3id.org/policykg/id/", "id:"), ("https://w3id.org/policykg/ontology#", "pkg:")):
        if value.startswith(prefix):
            return short + value[len(prefix) :]
    return value


@click.command("query")
@click.argument("target", metavar="QUERY")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A parameter of the query.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--endpoint", metavar="URL", help="A running policykg service (default: the local build).")
@click.pass_obj
def query(paths: Paths, target: str, params: tuple[str, ...], fmt: str, endpoint: str | None) -> None:
    """Run QUERY (a .rq file or the name of a query in queries/) and print its answer."""
    chosen = resolve_query(paths, target)
    values = parse_params(params)
    if endpoint:
        data = remote_json(endpoint, chosen, values, by_name=not names_a_file(target))
    else:
        data = sparql_json(local_store(paths), chosen, values)
    print_results(data, fmt)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), default="trig", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="File to write (default: stdout).")
@click.pass_obj
def export_command(paths: Paths, fmt: str, out: Path | None) -> None:
    """Write the dataset as TriG, N-Quads, JSON-LD, Turtle (all graphs merged) or AIF JSON (argument-web tools)."""
    store = local_store(paths)
    prefixes = Minter().prefixes()
    if out is None:
        export(store, fmt, sys.stdout.buffer, prefixes)
        return
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("wb") as handle:
        export(store, fmt, handle, prefixes)
    tmp.replace(out)
    err.print(f"wrote {out}")


def _check_date(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Refuse a date the calendar does not have while parsing options, before anything is read or written."""
    from .aif_import import AifError, document_date

    try:
        document_date(value)
    except AifError as error:
        raise click.BadParameter(str(error)) from error
    return value


@click.command("import-aif")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--title", required=True, help="Title of the new document.")
@click.option("--date", "date_", required=True, callback=_check_date, help="Its date: YYYY, YYYY-MM or YYYY-MM-DD.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write the document graph as TriG here.")
@click.option("--endpoint", metavar="URL", help="Load it into a running policykg service (Graph Store, PUT).")
@click.option(
    "--token", envvar="POLICYKG_UPDATE_TOKEN", help="Bearer token for --endpoint (env POLICYKG_UPDATE_TOKEN)."
)
def import_aif(file: Path, title: str, date_: str, out: Path | None, endpoint: str | None, token: str | None) -> None:
    """Map an AIF / AIFdb JSON argument map into a new document graph. Malformed maps are refused whole."""
    imported = _read_aif(file, title, date_)
    if not out and not endpoint:
        raise click.UsageError("say where the document goes: --out FILE.trig and/or --endpoint URL")
    from .build.output import sorted_quads

    quads = sorted_quads({imported.graph_iri: imported.graph})  # sorted: the same map gives the same bytes
    if out:
        out.write_bytes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=Minter().prefixes()))
        err.print(f"wrote {out}")
    if endpoint:
        _put_graph(endpoint, token, str(imported.graph_iri), quads)
    click.echo(json.dumps({"graph": str(imported.graph_iri), **imported.counts}))


def _read_aif(file: Path, title: str, date: str) -> Imported:
    """The map as a document graph; unreadable or inconsistent input stops the command before anything is written."""
    from rdflib import Graph

    from .aif_import import AifError, from_aif

    try:
        ontology = Graph().parse(Paths().ontology, format="turtle")
        return from_aif(json.loads(file.read_text(encoding="utf-8")), title, date, ontology=ontology)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise click.ClickException(f"{file}: not JSON: {error}") from error
    except AifError as error:
        raise click.ClickException(
            f"{file}: refused, nothing loaded:\n  "
            + "\n  ".join(f"node {n}: {r}" if n else r for n, r in error.problems)
        ) from error


def _put_graph(endpoint: str, token: str | None, graph: str, quads: list[ox.Quad]) -> None:
    body = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.TURTLE)
    url = f"{endpoint.rstrip('/').removesuffix('/sparql')}/store?graph={urllib.parse.quote(graph)}"
    request = urllib.request.Request(
        url,
        data=body,
        method="PUT",
        headers={"Content-Type": "text/turtle", "Authorization": f"Bearer {token or ''}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            err.print(f"loaded {graph} into {endpoint} ({response.status})")
    except urllib.error.HTTPError as error:
        raise click.ClickException(f"{error.code} from {url}: {error.read().decode()[:300]}") from error


COMMANDS = (query, export_command, import_aif)
