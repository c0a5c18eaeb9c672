"""Refuse ``SERVICE`` and ``LOAD`` of addresses not on the allow-list.

pyoxigraph would fetch any ``SERVICE`` endpoint or ``LOAD`` source a caller names (it has no switch to turn that
off), so a public endpoint must look first. The decision is taken on rdflib's parse of the request, never on its
text; the text only tells cheaply that there is nothing to look for: pyoxigraph matches keywords in ASCII, without
``\\u`` escapes, so a request whose lower-cased text contains no ``service`` (or ``load``) cannot use them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .errors import FederationRefused, QuerySyntaxError


def mentions(text: str, update: bool) -> bool:
    low = text.lower()
    return "service" in low or (update and "load" in low)


def allowed(iri: str, allow: Iterable[str]) -> bool:
    """An allow-list entry matches itself, and every IRI below it if it ends with ``/``."""
    return any(iri == a or (a.endswith("/") and iri.startswith(a)) for a in allow)


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                yield "SERVICE", item.get("term")
            elif item.name == "Load":
                yield "LOAD", item.get("iri")
            stack.extend(item.values())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif hasattr(item, "asList") and not isinstance(item, str):  # pyparsing ParseResults
            stack.extend(list(item))


def _targets(text: str, base_iri: str | None, update: bool) -> list[tuple[str, Any]]:
    from rdflib.plugins.sparql import algebra, parser

    try:
        parsed = parser.parseUpdate(text) if update else parser.parseQuery(text)
    except Exception as err:  # pyparsing's ParseException and friends
        raise QuerySyntaxError(f"{err}") from None
    try:
        translated = (algebra.translateUpdate if update else algebra.translateQuery)(parsed, base=base_iri)
        root = translated.algebra
    except Exception:
        # rdflib could not resolve the parse (e.g. a construct it does not support): judge the raw parse tree,
        # where prefixed names are unresolved; such targets are never on the allow-list, so this only refuses.
        return [(kind, None) for kind, _ in _walk(parsed)]
    return list(_walk(root))


def check(text: str, base_iri: str | None, allow: tuple[str, ...], update: bool = False) -> None:
    """Raise :class:`FederationRefused` if the query/update would reach an address not allowed."""
    if not mentions(text, update):
        return
    for kind, target in _targets(text, base_iri, update):
        iri = str(target) if target is not None and type(target).__name__ == "URIRef" else None
        if iri is None:
            raise FederationRefused(f"{kind} with a variable or unresolvable address is not allowed on this endpoint")
        if not allowed(iri, allow):
            raise FederationRefused(f"{kind} <{iri}> is not allowed on this endpoint (not on its allow-list)")
