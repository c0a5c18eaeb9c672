"""Named SPARQL queries: one ``queries/<name>.rq`` file each, with a grlc-style header.

A query file starts with comment lines ``#+ <yaml>`` that together form a YAML mapping::

    #+ title: Objections to a proposal
    #+ description: Every claim that attacks the proposal, who raised it, ...
    #+ params:
    #+   - name: proposal
    #+     type: iri
    #+     default: https://w3id.org/policykg/id/proposal/nato-tokyo-liaison-office
    #+     description: The proposal's IRI
    #+ tags: [objections, proposals]

A param's ``name`` is a variable of the query (``?proposal``). A caller's value is converted to a typed term
(``bind(query, values)``) and joined first, as a leading ``VALUES`` block that pyoxigraph writes
(:func:`policykg.store.binding.bind_values`), never as raw text, so a value cannot change the query's shape. A
leading ``VALUES`` reaches only variables in scope at the top of the query, so the loader checks that every param is
a variable of the SELECT projection.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .config import Paths

__all__ = [
    "PARAM_TYPES",
    "NamedQuery",
    "Param",
    "QueryError",
    "QueryHeaderError",
    "bind",
    "convert",
    "load_queries",
    "load_query",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES: tuple[str, ...] = ("iri", "string", "integer", "decimal", "date", "boolean")
HEADER_KEYS = frozenset({"title", "description", "params", "tags"})
PARAM_KEYS = frozenset({"name", "type", "default", "description"})

_HEADER_LINE = re.compile(r"^#\+ ?(.*)$")
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# An absolute IRI: a scheme, a colon, then no characters that RFC 3987 forbids in an IRI.
_ABSOLUTE_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|\\^`]+$')
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_BOOLEANS = {"true": "true", "1": "true", "false": "false", "0": "false"}
# What can hide a '#' or a '?name' in SPARQL text: long and short string literals, IRIs, and comments.
_TOKENS = re.compile(
    "|".join(
        (
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long string """..."""
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",  # long string '''...'''
            r'"(?:[^"\\\n]|\\.)*"',  # string "..."
            r"'(?:[^'\\\n]|\\.)*'",  # string '...'
            r'<[^<>"{}|^`\\\s]*>',  # IRI
            r"#[^\n]*",  # comment
        )
    )
)

LineOf = Callable[[Any, Any], int]


class QueryError(ValueError):
    """A problem in a query file, located by file and line."""

    def __init__(self, file: Path, line: int, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        super().__init__(f"{file}:{line}: {reason}")


class QueryHeaderError(QueryError):
    """A malformed ``#+`` header: bad YAML, a missing title, a bad param, or a param the query cannot bind."""


@dataclass(frozen=True)
class Param:
    """A query parameter: the variable ``?name``, its type, its default as a lexical string, and a description."""

    name: str
    type: str
    default: str | None = None
    description: str = ""

    @property
    def variable(self) -> ox.Variable:
        return ox.Variable(self.name)


@dataclass(frozen=True)
class NamedQuery:
    """A named query loaded from ``queries/<name>.rq``."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    tags: tuple[str, ...]
    text: str
    path: Path

    def param(self, name: str) -> Param:
        """The param called ``name`` (KeyError if there is none)."""
        for param in self.params:
            if param.name == name:
                return param
        raise KeyError(name)


def convert(type_: str, value: str) -> ox.NamedNode | ox.Literal:
    """Convert a raw string to the RDF term of a param type; ValueError if it is not a valid value of that type."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    if type_ == "iri":
        if not _ABSOLUTE_IRI.match(value):
            raise ValueError(f"not an absolute IRI: {value!r}")
        try:
            return ox.NamedNode(value)
        except ValueError as err:
            raise ValueError(f"not a valid IRI: {value!r} ({err})") from None
    if type_ == "string":
        return ox.Literal(value)
    if type_ == "integer":
        if not _INTEGER.match(value.strip()):
            raise ValueError(f"not an integer: {value!r}")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if type_ == "decimal":
        if not _DECIMAL.match(value.strip()):
            raise ValueError(f"not a decimal number: {value!r}")
        try:
            number = Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern already excludes these
            raise ValueError(f"not a decimal number: {value!r}") from None
        return ox.Literal(_decimal_lexical(number), datatype=ox.NamedNode(XSD + "decimal"))
    if type_ == "date":
        if not _DATE.match(value.strip()):
            raise ValueError(f"not a date (YYYY-MM-DD): {value!r}")
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValueError(f"not a calendar date: {value!r}") from None
        return ox.Literal(day.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if type_ == "boolean":
        lexical = _BOOLEANS.get(value.strip().lower())
        if lexical is None:
            raise ValueError(f"not a boolean (true or false): {value!r}")
        return ox.Literal(lexical, datatype=ox.NamedNode(XSD + "boolean"))
    raise ValueError(f"unknown param type {type_!r} (expected one of {', '.join(PARAM_TYPES)})")


def _decimal_lexical(number: Decimal) -> str:
    text = format(number, "f")
    return text if "." in text else text + ".0"


Term = ox.NamedNode | ox.Literal


def bind(query: NamedQuery, values: Mapping[str, str | None] | None = None) -> dict[ox.Variable, Term]:
    """The typed term of each param, from ``values`` (raw strings) or else its default.

    Raises ValueError naming the parameter for a value that is not of the param's type, for an unknown parameter,
    and for a required parameter (one without default) that is missing.
    """
    values = dict(values or {})
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        takes = ", ".join(p.name for p in query.params) or "none"
        raise ValueError(f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))}; it takes: {takes}")
    bindings: dict[ox.Variable, Term] = {}
    for param in query.params:
        raw = values.get(param.name)
        if raw is None:
            raw = param.default
        if raw is None:
            raise ValueError(f"parameter {param.name!r} of query {query.name!r} is required")
        try:
            bindings[param.variable] = convert(param.type, raw)
        except ValueError as err:
            raise ValueError(f"parameter {param.name!r} ({param.type}): {err}") from None
    return bindings


def load_queries(folder: Path | None = None) -> dict[str, NamedQuery]:
    """Every ``*.rq`` file of ``folder`` (default: the project's ``queries/``), by name, in name order."""
    folder = Paths().queries if folder is None else folder
    return {path.stem: load_query(path) for path in sorted(folder.glob("*.rq"))}


def load_query(path: Path) -> NamedQuery:
    """Load and check one query file; QueryHeaderError (with file and line) if its header is malformed."""
    text = path.read_text(encoding="utf-8")
    header, lines = _header(text)
    if not header.strip():
        raise QueryHeaderError(path, 1, "no '#+' header (it needs at least '#+ title: ...')")
    data = _parse_yaml(path, header, lines)
    if not isinstance(data, CommentedMap):
        raise QueryHeaderError(path, lines[0], "the header must be a YAML mapping (title, description, params, tags)")
    body = _strip_comments(text)

    def line_of(node: CommentedMap | CommentedSeq, key: Any) -> int:
        try:
            return lines[node.lc.key(key)[0]] if isinstance(node, CommentedMap) else lines[node.lc.item(key)[0]]
        except (AttributeError, KeyError, IndexError, TypeError):
            return lines[0]

    for key in data:
        if key not in HEADER_KEYS:
            raise QueryHeaderError(path, line_of(data, key), f"unknown header key {key!r}")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        where = line_of(data, "title") if "title" in data else lines[0]
        raise QueryHeaderError(path, where, "missing title (a non-empty string)")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise QueryHeaderError(path, line_of(data, "description"), "description must be a string")
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryHeaderError(path, line_of(data, "tags"), "tags must be a list of strings")
    raw_params = data.get("params")
    if raw_params is None:
        raw_params = CommentedSeq()
    if not isinstance(raw_params, CommentedSeq):
        raise QueryHeaderError(path, line_of(data, "params"), "params must be a list of mappings")
    params: list[Param] = []
    for index, item in enumerate(raw_params):
        params.append(_param(path, body, item, line_of(raw_params, index), line_of, {p.name for p in params}))
    _check_projection(path, text, params, line_of, raw_params)
    return NamedQuery(
        name=path.stem,
        title=title.strip(),
        description=" ".join(description.split()),
        params=tuple(params),
        tags=tuple(tags),
        text=text,
        path=path,
    )


def _header(text: str) -> tuple[str, list[int]]:
    """The YAML of the leading ``#+`` lines, and the file line (1-based) of each YAML line."""
    yaml_lines: list[str] = []
    file_lines: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = _HEADER_LINE.match(line)
        if match:
            yaml_lines.append(match.group(1))
            file_lines.append(number)
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return "\n".join(yaml_lines) + "\n", file_lines or [1]


def _first_query_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            return number
    return 1


def _parse_yaml(path: Path, header: str, lines: list[int]) -> Any:
    try:
        return YAML(typ="rt").load(header)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = lines[min(mark.line, len(lines) - 1)] if mark is not None else lines[0]
        raise QueryHeaderError(path, where, f"bad YAML: {err.problem or err.context}") from None
    except YAMLError as err:
        raise QueryHeaderError(path, lines[0], f"bad YAML: {err}") from None


def _strip_comments(text: str) -> str:
    """The query text without comments and string literals (IRIs are kept whole, so a '#' in an IRI stays)."""

    def keep(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("<"):
            return token
        return '""' if token[0] in "\"'" else ""

    return _TOKENS.sub(keep, text)


def _param(path: Path, body: str, item: Any, item_line: int, line_of: LineOf, seen: set[str]) -> Param:
    if not isinstance(item, CommentedMap):
        raise QueryHeaderError(path, item_line, "each param must be a mapping with name and type")
    for key in item:
        if key not in PARAM_KEYS:
            raise QueryHeaderError(path, line_of(item, key), f"unknown param key {key!r}")
    name = item.get("name")
    if not isinstance(name, str) or not _VARNAME.match(name):
        where = line_of(item, "name") if "name" in item else item_line
        raise QueryHeaderError(path, where, f"param name must be a SPARQL variable name, got {name!r}")
    if name in seen:
        raise QueryHeaderError(path, line_of(item, "name"), f"param {name!r} is declared twice")
    if not re.search(rf"[?$]{re.escape(name)}(?![A-Za-z0-9_])", body):
        raise QueryHeaderError(path, line_of(item, "name"), f"param {name!r}: the query has no variable ?{name}")
    type_ = item.get("type")
    if type_ not in PARAM_TYPES:
        where = line_of(item, "type") if "type" in item else item_line
        raise QueryHeaderError(
            path, where, f"param {name!r}: unknown type {type_!r} (expected one of {', '.join(PARAM_TYPES)})"
        )
    description = item.get("description", "")
    if not isinstance(description, str):
        raise QueryHeaderError(path, line_of(item, "description"), f"param {name!r}: description must be a string")
    default: str | None = None
    if "default" in item and item["default"] is not None:
        default = _lexical(item["default"])
        try:
            convert(type_, default)
        except ValueError as err:
            raise QueryHeaderError(path, line_of(item, "default"), f"param {name!r}: bad default: {err}") from None
    return Param(name=name, type=type_, default=default, description=" ".join(description.split()))


def _lexical(value: Any) -> str:
    """A YAML scalar as the string a caller would send (YAML may have typed it: 2023-06-06, true, 5)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


def _check_projection(path: Path, text: str, params: list[Param], line_of: LineOf, raw_params: CommentedSeq) -> None:
    """Parse the query and make sure pyoxigraph can substitute every param (it must be in the SELECT projection)."""
    probe = ox.Store()
    try:
        probe.query(text, use_default_graph_as_union=True)
    except SyntaxError as err:
        # pyoxigraph's own position is not always where the mistake is: point at the query, quote the parser
        raise QueryError(path, _first_query_line(text), f"SPARQL syntax error: {err}") from None
    for index, param in enumerate(params):
        term = ox.NamedNode("urn:x-policykg:probe") if param.type == "iri" else ox.Literal("")
        try:
            probe.query(text, use_default_graph_as_union=True, substitutions={param.variable: term})
        except (RuntimeError, ValueError) as err:
            raise QueryHeaderError(
                path,
                line_of(raw_params[index], "name"),
                f"param {param.name!r} cannot be bound: ?{param.name} must be a variable of the SELECT clause ({err})",
            ) from None
