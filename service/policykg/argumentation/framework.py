"""Abstract argumentation frameworks (Dung 1995): grounded and preferred semantics as labellings.

A labelling gives every argument IN, OUT or UNDEC (Caminada's labelling approach): IN when all its attackers are OUT,
OUT when some attacker is IN. The grounded labelling is the least such fixpoint, computed in O(|A| + |R|) by
propagation from unattacked arguments. Preferred extensions are the maximal admissible sets, enumerated by backtracking
over the part of the framework that the grounded labelling leaves UNDEC (every preferred extension contains the
grounded extension).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

Arg = Hashable


class Label(StrEnum):
    IN = "IN"
    OUT = "OUT"
    UNDEC = "UNDEC"


@dataclass
class Framework:
    arguments: set[Arg] = field(default_factory=set)
    attacks: set[tuple[Arg, Arg]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.arguments |= {a for pair in self.attacks for a in pair}
        self.attackers: dict[Arg, set[Arg]] = {a: set() for a in self.arguments}
        self.targets: dict[Arg, set[Arg]] = {a: set() for a in self.arguments}
        for source, target in self.attacks:
            self.attackers[target].add(source)
            self.targets[source].add(target)

    @classmethod
    def of(cls, arguments: Iterable[Arg], attacks: Iterable[tuple[Arg, Arg]]) -> Framework:
        return cls(set(arguments), set(attacks))


def grounded(af: Framework) -> dict[Arg, Label]:
    """The grounded labelling, in time linear in the size of the framework."""
    label: dict[Arg, Label] = {}
    undefeated_attackers = {a: len(af.attackers[a]) for a in af.arguments}  # attackers not yet OUT
    queue = deque(a for a, n in undefeated_attackers.items() if n == 0)
    while queue:
        arg = queue.popleft()
        if arg in label:
            continue
        label[arg] = Label.IN
        for target in af.targets[arg]:
            if target in label:
                continue
            label[target] = Label.OUT
            for victim in af.targets[target]:
                undefeated_attackers[victim] -= 1
                if undefeated_attackers[victim] == 0 and victim not in label:
                    queue.append(victim)
    return {a: label.get(a, Label.UNDEC) for a in af.arguments}


class TooLarge(ValueError):
    """Preferred semantics asked on a framework whose undecided part is too large to enumerate."""


def preferred_extensions(af: Framework, max_undecided: int = 24) -> list[frozenset[Arg]]:
    """All preferred extensions (maximal admissible sets).

    Every preferred extension contains the grounded extension and excludes what it attacks, so only the arguments
    the grounded labelling leaves UNDEC are searched: include-or-exclude backtracking, pruned on conflict, with the
    admissibility test at the leaves (exponential only in the size of that undecided part, hence ``max_undecided``).
    """
    base = grounded(af)
    ins = frozenset(a for a, lab in base.items() if lab == Label.IN)
    candidates = sorted((a for a, lab in base.items() if lab == Label.UNDEC and a not in af.targets[a]), key=repr)
    if len(candidates) > max_undecided:
        raise TooLarge(f"{len(candidates)} undecided arguments; preferred semantics enumerates at most {max_undecided}")
    found: list[frozenset[Arg]] = []

    def conflicts(a: Arg, chosen: set[Arg]) -> bool:
        return bool(af.targets[a] & chosen or af.attackers[a] & chosen)

    def search(i: int, chosen: set[Arg]) -> None:
        if i == len(candidates):
            extension = ins | chosen
            if is_admissible(af, extension):
                found.append(frozenset(extension))
            return
        arg = candidates[i]
        if not conflicts(arg, chosen):
            chosen.add(arg)
            search(i + 1, chosen)
            chosen.remove(arg)
        search(i + 1, chosen)

    search(0, set())
    maximal = {e for e in found if not any(e < other for other in found)}
    return sorted(maximal, key=lambda e: sorted(map(repr, e)))


def is_admissible(af: Framework, extension: frozenset[Arg]) -> bool:
    if any(b in extension for a in extension for b in af.attackers[a]):
        return False
    attacked = {t for a in extension for t in af.targets[a]}
    return all(af.attackers[a] <= attacked for a in extension)


def labelling_of(af: Framework, extension: frozenset[Arg]) -> dict[Arg, Label]:
    attacked = {t for a in extension for t in af.targets[a]}
    return {a: Label.IN if a in extension else Label.OUT if a in attacked else Label.UNDEC for a in af.arguments}


def preferred(af: Framework) -> dict[Arg, Label]:
    """One label per argument across all preferred extensions: IN if IN in every one (sceptically accepted), OUT
    if OUT in every one, UNDEC otherwise."""
    labellings = [labelling_of(af, e) for e in preferred_extensions(af)]
    result = {}
    for a in af.arguments:
        seen = {lab[a] for lab in labellings}
        result[a] = seen.pop() if len(seen) == 1 else Label.UNDEC
    return result
