"""Benchmark: argument assessment on generated frameworks of 10k and 100k arguments.

Frameworks are shaped like the corpus: proposals with chains of supporting claims, objections attacking proposals
and reasons, rebuttals attacking objections, a few attack cycles. Prints a table: flattening (bipolar → Dung),
grounded labelling, and preferred labelling where the undecided part is small enough to enumerate.

    .venv/bin/python bench/assessment.py [--sizes 10000 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from policykg.argumentation import TooLarge, grounded, preferred
from policykg.argumentation.bipolar import Bipolar, flatten


def generate(n: int, seed: int) -> Bipolar:
    """About ``n`` arguments: 10% proposals, each with 3 reasons (chains of depth ≤ 2), objections and rebuttals."""
    rng = random.Random(seed)
    b = Bipolar()
    proposals = [f"p{i}" for i in range(n // 10)]
    b.arguments.update(proposals)
    count = len(proposals)
    claims: list[str] = []
    while count < n:
        target = rng.choice(proposals)
        reason = f"c{count}"
        b.arguments.add(reason)
        b.supports.add((reason, target))
        claims.append(reason)
        count += 1
        if rng.random() < 0.4 and count < n:  # a reason for the reason
            deeper = f"c{count}"
            b.arguments.add(deeper)
            b.supports.add((deeper, reason))
            count += 1
        if rng.random() < 0.3 and count < n:  # an objection, to the proposal or to the reason
            objection = f"o{count}"
            b.arguments.add(objection)
            b.attacks.add((objection, rng.choice([target, reason])))
            count += 1
            if rng.random() < 0.5 and count < n:  # its rebuttal
                rebuttal = f"r{count}"
                b.arguments.add(rebuttal)
                b.attacks.add((rebuttal, objection))
                count += 1
    for _ in range(n // 1000):  # a few even cycles between objections and claims
        a, c = rng.choice(claims), rng.choice(claims)
        b.attacks.update({(a, c), (c, a)})
    return b


def timed(fn, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    columns = ["arguments", "attacks (flat)", "flatten s", "grounded s", "µs/arg", "preferred s"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---:" for _ in columns) + "|")
    for n in args.sizes:
        bipolar = generate(n, args.seed)
        (framework, _via), t_flat = timed(flatten, bipolar)
        _labels, t_grounded = timed(grounded, framework)
        try:
            _, t_pref = timed(preferred, framework)
            pref = f"{t_pref:11.3f}"
        except TooLarge as err:
            pref = "too large".rjust(11) if err else ""
        per_arg = t_grounded / len(framework.arguments) * 1e6
        print(
            f"| {len(framework.arguments)} | {len(framework.attacks)} | {t_flat:.3f} | {t_grounded:.3f} |"
            f" {per_arg:.2f} | {pref.strip()} |"
        )


if __name__ == "__main__":
    main()
