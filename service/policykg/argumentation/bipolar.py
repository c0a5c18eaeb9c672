"""Bipolar argumentation: fold support into attack, as Cayrol & Lagasquie-Schiex (2005) do.

The choice, documented: claims and proposals are arguments; a support ``a ⇒ b`` says a is a reason for b. Besides the
direct attacks (rebuttals), two kinds of derived attack make support count:

* supported attack: ``a ⇒ … ⇒ x`` and ``x → c`` give ``a → c`` (a reason for an objection attacks what it objects to);
* secondary attack: ``a → x`` and ``x ⇒ … ⇒ c`` give ``a → c`` (an objection to a reason attacks what it supports).

An undercut (an attack on the support ``a ⇒ b`` itself, "this reason does not support that conclusion") cancels that
support: it takes no part in derived attacks. Each derived attack remembers its path, for explanations.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from .framework import Framework

Arg = Hashable
Pair = tuple[Arg, Arg]


@dataclass
class Bipolar:
    arguments: set[Arg] = field(default_factory=set)
    attacks: set[Pair] = field(default_factory=set)
    supports: set[Pair] = field(default_factory=set)
    undercuts: set[tuple[Arg, Pair]] = field(default_factory=set)  # (undercutter, the support it attacks)


@dataclass(frozen=True)
class Via:
    """How an attack of the flattened framework arises: direct, or derived through a chain of supports."""

    kind: str  # "direct" | "supported" | "secondary"
    path: tuple[Arg, ...]  # the arguments from attacker to target


def _closure(edges: Iterable[Pair], starts: Iterable[Arg]) -> dict[Arg, dict[Arg, tuple[Arg, ...]]]:
    """For each start, every node reachable over ``edges`` with one shortest path (BFS)."""
    nxt: dict[Arg, list[Arg]] = {}
    for a, b in edges:
        nxt.setdefault(a, []).append(b)
    reach: dict[Arg, dict[Arg, tuple[Arg, ...]]] = {}
    for start in starts:
        paths = {start: (start,)}
        frontier = [start]
        while frontier:
            layer = []
            for node in frontier:
                for succ in nxt.get(node, ()):
                    if succ not in paths:
                        paths[succ] = (*paths[node], succ)
                        layer.append(succ)
            frontier = layer
        del paths[start]
        reach[start] = paths
    return reach


def flatten(bipolar: Bipolar) -> tuple[Framework, dict[Pair, Via]]:
    """The Dung framework of ``bipolar``, with how each of its attacks arises."""
    cancelled = {support for _, support in bipolar.undercuts}
    supports = [s for s in bipolar.supports if s not in cancelled]
    via: dict[Pair, Via] = {(a, b): Via("direct", (a, b)) for a, b in bipolar.attacks}
    attack_sources = {a for a, _ in bipolar.attacks}
    attack_targets = {b for _, b in bipolar.attacks}
    # supported: a ⇒+ x → c. Walk supports backwards from attackers x.
    backwards = _closure(((b, a) for a, b in supports), attack_sources)
    for x, c in bipolar.attacks:
        for a, path in backwards.get(x, {}).items():
            via.setdefault((a, c), Via("supported", (*reversed(path), c)))
    # secondary: a → x ⇒+ c. Walk supports forwards from attacked x.
    forwards = _closure(supports, attack_targets)
    for a, x in bipolar.attacks:
        for c, path in forwards.get(x, {}).items():
            via.setdefault((a, c), Via("secondary", (a, *path)))
    return Framework(set(bipolar.arguments), set(via)), via
