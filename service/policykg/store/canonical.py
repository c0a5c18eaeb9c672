"""Put a remote store's answers back in the form the embedded store gives (and SPARQL says), term by term.

Virtuoso has no boolean type of its own: a stored ``"true"^^xsd:boolean`` comes back as ``"1"^^xsd:boolean``, and a
boolean computed by the query (``BIND(EXISTS {…} AS ?x)``, ``BOUND(?y)``, a comparison, a bound ``true``) as the
integer ``"1"^^xsd:integer``. It keeps ``xsd:yearMonthDuration``-like durations as a count of months
(``"P1Y"^^xsd:duration`` → ``"12"^^xsd:duration``). The first and the last are the same values written otherwise,
put back exactly here; the integers are booleans only where the query says so, which :func:`boolean_variables`
reads from its text (the top-level operator of the expression bound to the variable, or a bound parameter's type).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from .lexer import Token, tokens

XSD = "http://www.w3.org/2001/XMLSchema#"
BOOLEAN = XSD + "boolean"
INTEGER = XSD + "integer"
DURATION = XSD + "duration"
_TRUE, _FALSE = ox.Literal(True), ox.Literal(False)
_MONTHS = re.compile(r"-?\d+")
_BOOLEAN_CALLS = frozenset(
    {
        "BOUND",
        "SAMETERM",
        "ISIRI",
        "ISURI",
        "ISBLANK",
        "ISLITERAL",
        "ISNUMERIC",
        "REGEX",
        "LANGMATCHES",
        "CONTAINS",
        "STRSTARTS",
        "STRENDS",
    }
)
_OPERATORS = frozenset("=<>&|")  # = != < > <= >= && || (a top-level one makes the expression boolean)


def boolean_variables(text: str, substitutions: Iterable[tuple[str, Any]] = ()) -> frozenset[str]:
    """Variables the query binds to booleans only: parameters bound to a boolean term, and ``expr AS ?v`` (in BIND,
    in the projection, in GROUP BY) whose expression is boolean at its top level — ``EXISTS``, ``NOT EXISTS``, ``!…``,
    a comparison, ``&&``, ``||``, ``IN``, a boolean function (``BOUND``, ``REGEX``, ``STRSTARTS`` …) or ``true``.
    Anything it cannot tell (``IF(…)``, ``COALESCE(…)``, an aggregate) is left out: its values are left as they come."""
    names = {
        name
        for name, term in substitutions
        if isinstance(term, ox.Literal) and term.datatype.value == BOOLEAN and not term.language
    }
    toks = list(tokens(text))
    for k, tok in enumerate(toks[:-1]):
        if tok.is_keyword("AS") and toks[k + 1].kind == "var":
            expression = _expression_before(toks, k)
            if expression and _is_boolean(expression):
                names.add(toks[k + 1].text[1:])
    return frozenset(names)


def _expression_before(toks: list[Token], as_index: int) -> list[Token] | None:
    """The tokens between the ``(`` that opens ``(expr AS ?v)`` / ``BIND(expr AS ?v)`` and ``AS``."""
    depth = 0
    for j in range(as_index - 1, -1, -1):
        t = toks[j]
        if t.kind == "other" and t.text == ")":
            depth += 1
        elif t.kind == "other" and t.text == "(":
            if depth == 0:
                return toks[j + 1 : as_index]
            depth -= 1
    return None


def _is_boolean(expression: list[Token]) -> bool:
    base = expression[0].depth
    top: list[Token] = []  # the tokens outside any parentheses and braces of the expression
    parens = 0
    for t in expression:
        if t.depth != base:
            continue
        if t.kind == "other" and t.text == ")":
            parens -= 1
        if parens == 0:
            top.append(t)
        if t.kind == "other" and t.text == "(":
            parens += 1
    first = top[0]
    if any(t.kind == "other" and t.text in _OPERATORS for t in top):
        return True
    if any(t.is_keyword("IN") for t in top):
        return True
    if first.kind == "other" and first.text == "!":
        return True
    if first.is_keyword("EXISTS", "NOT"):
        return True
    if len(top) == 1:
        return first.is_keyword("TRUE", "FALSE")
    return first.kind == "word" and first.text.upper() in _BOOLEAN_CALLS and len(top) == 3  # f ( … )


def canonical(term: Any, boolean: bool = False) -> Any:
    """``term`` as SPARQL writes it: Virtuoso's ``"1"^^xsd:boolean`` as ``true``, its integer 1/0 as a boolean where
    the query says the value is one (``boolean``), its count of months as an ``xsd:duration``. Other terms as they are.
    """
    if not isinstance(term, ox.Literal):
        return term
    datatype = term.datatype.value
    if datatype == BOOLEAN or (boolean and datatype == INTEGER):
        value = term.value.strip()
        if value in ("1", "true"):
            return _TRUE
        if value in ("0", "false"):
            return _FALSE
    elif datatype == DURATION and _MONTHS.fullmatch(term.value):
        return ox.Literal(months_duration(int(term.value)), datatype=ox.NamedNode(DURATION))
    return term


def months_duration(months: int) -> str:
    """A count of months as an ``xsd:duration`` in the canonical form Oxigraph writes (``12`` → ``P1Y``, ``-18`` →
    ``-P1Y6M``, ``0`` → ``PT0S``)."""
    sign = "-" if months < 0 else ""
    years, rest = divmod(abs(months), 12)
    parts = (f"{years}Y" if years else "") + (f"{rest}M" if rest else "")
    return f"{sign}P{parts}" if parts else "PT0S"


def needs_canonical(term: Any) -> bool:
    """True if :func:`canonical` may change ``term`` (a quick test for the per-cell loop)."""
    return isinstance(term, ox.Literal) and term.datatype.value in (BOOLEAN, INTEGER, DURATION)
