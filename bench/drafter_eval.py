"""Measure the drafter on the corpus: recall of curated proposals and objections, and the share of candidates an
analyst would reject, with each document's curated annotation hidden. How it counts: policykg.drafting.evaluation.

    .venv/bin/python bench/drafter_eval.py [--graph build/policykg.trig] [--missed]

Reads the built graph (runs the build first when the TriG file is missing). Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from policykg.build import run_build
from policykg.config import Paths
from policykg.drafting.evaluation import evaluate, kind_table, table
from policykg.drafting.graph import KnowledgeGraph


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=None, help="project folder (default: found from here)")
    parser.add_argument("--graph", type=Path, default=None, help="built TriG (default: build/policykg.trig)")
    parser.add_argument("--missed", action="store_true", help="also list the curated items not found")
    args = parser.parse_args()
    paths = Paths(args.root.resolve()) if args.root else Paths()
    trig = args.graph or paths.build_dir / "policykg.trig"
    if not trig.exists():
        print(f"no graph at {trig}: building it", file=sys.stderr)
        run_build(paths, trig)
    started = time.perf_counter()
    scores = evaluate(paths.corpus, KnowledgeGraph.from_trig(trig))
    print(table(scores))
    print()
    print(kind_table(scores))
    print(f"\n({time.perf_counter() - started:.1f} s)")
    if args.missed:
        for s in scores:
            for line in s.missed:
                print(f"{s.file}: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
