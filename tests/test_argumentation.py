"""The argumentation solver: textbook cases, agreement with an established implementation, bipolar folding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from py_arg.abstract_argumentation_classes.abstract_argumentation_framework import AbstractArgumentationFramework
from py_arg.abstract_argumentation_classes.argument import Argument
from py_arg.abstract_argumentation_classes.defeat import Defeat
from py_arg.algorithms.semantics.get_grounded_extension import get_grounded_extension
from py_arg.algorithms.semantics.get_preferred_extensions import get_preferred_extensions

from policykg.argumentation import Framework, Label, TooLarge, grounded, preferred, preferred_extensions
from policykg.argumentation.bipolar import Bipolar, flatten

IN, OUT, UNDEC = Label.IN, Label.OUT, Label.UNDEC


def af(*attacks: str, args: str = "") -> Framework:
    """af("ab", "bc") — a attacks b, b attacks c."""
    return Framework.of(set(args) | {x for a in attacks for x in a}, [(a[0], a[1]) for a in attacks])


@pytest.mark.parametrize(
    ("framework", "expected"),
    [
        (af(args="a"), {"a": IN}),  # unattacked
        (af("ba", "cb"), {"a": IN, "b": OUT, "c": IN}),  # reinstatement
        (af("ab", "ba"), {"a": UNDEC, "b": UNDEC}),  # even cycle
        (af("ab", "bc", "ca"), {"a": UNDEC, "b": UNDEC, "c": UNDEC}),  # odd cycle
        (af("aa", "ab"), {"a": UNDEC, "b": UNDEC}),  # self-attack
        (af("aa", "ba"), {"a": OUT, "b": IN}),  # a self-attacker defeated by an unattacked one
        (af("ab", "ba", "bc", "cd"), {"a": UNDEC, "b": UNDEC, "c": UNDEC, "d": UNDEC}),  # cycle feeds a chain
    ],
)
def test_grounded_textbook_cases(framework: Framework, expected: dict[str, Label]) -> None:
    assert grounded(framework) == expected


def test_preferred_textbook_cases() -> None:
    assert preferred_extensions(af("ab", "ba")) == [frozenset("a"), frozenset("b")]  # even cycle: two
    assert preferred_extensions(af("ab", "bc", "ca")) == [frozenset()]  # odd cycle: only the empty set
    assert preferred_extensions(af("ab", "ba", "bc", "cd")) == [frozenset("ac"), frozenset("bd")]
    assert preferred_extensions(af("aa", "ab")) == [frozenset()]
    # sceptical labels across extensions
    assert preferred(af("ab", "ba", "ac", "bc")) == {"a": UNDEC, "b": UNDEC, "c": OUT}


def test_preferred_refuses_what_it_cannot_enumerate() -> None:
    # 30 independent even cycles: 2**30 preferred extensions
    pairs = [(f"a{i}", f"b{i}") for i in range(30)]
    with pytest.raises(TooLarge):
        preferred_extensions(Framework.of([], [*pairs, *[(b, a) for a, b in pairs]]))


def reference(framework: Framework) -> AbstractArgumentationFramework:
    args = {a: Argument(str(a)) for a in framework.arguments}
    defeats = [Defeat(args[a], args[b]) for a, b in framework.attacks]
    return AbstractArgumentationFramework("af", list(args.values()), defeats)


frameworks = st.integers(min_value=1, max_value=9).flatmap(
    lambda n: st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=n * 3).map(
        lambda attacks: Framework.of(range(n), attacks)
    )
)


@settings(max_examples=400, deadline=None)
@given(frameworks)
def test_grounded_agrees_with_python_argumentation(framework: Framework) -> None:
    ours = {str(a) for a, label in grounded(framework).items() if label == IN}
    theirs = {arg.name for arg in get_grounded_extension(reference(framework))}
    assert ours == theirs


@settings(max_examples=400, deadline=None)
@given(frameworks)
def test_preferred_agrees_with_python_argumentation(framework: Framework) -> None:
    ours = {frozenset(map(str, e)) for e in preferred_extensions(framework)}
    theirs = {frozenset(arg.name for arg in e) for e in get_preferred_extensions(reference(framework))}
    assert ours == theirs


def test_supported_and_secondary_attacks() -> None:
    # r supports objection o; o attacks proposal p; x attacks reason q of p; q supports p.
    bipolar = Bipolar({"r", "o", "p", "q", "x"}, attacks={("o", "p"), ("x", "q")}, supports={("r", "o"), ("q", "p")})
    framework, via = flatten(bipolar)
    assert ("r", "p") in framework.attacks and via[("r", "p")].kind == "supported"
    assert via[("r", "p")].path == ("r", "o", "p")
    assert ("x", "p") in framework.attacks and via[("x", "p")].kind == "secondary"
    assert via[("x", "p")].path == ("x", "q", "p")
    assert via[("o", "p")].kind == "direct"


def test_undercut_cancels_the_support_it_attacks() -> None:
    bipolar = Bipolar({"x", "q", "p", "u"}, attacks={("x", "q")}, supports={("q", "p")}, undercuts={("u", ("q", "p"))})
    framework, _ = flatten(bipolar)
    assert ("x", "p") not in framework.attacks
