"""Seeded generator of larger policy-argument graphs shaped like the corpus, for the benchmarks.

    .venv/bin/python bench/generate.py --triples 1000000 [--seed 7] [--out bench/data] [--graph build/policykg.trig]

Writes ``policykg-{size}.nq`` (N-Quads) and ``policykg-{size}.trig`` beside it. How the data is made: the built
corpus is the template. Copy 0 is the corpus itself (so the named queries' default parameters exist). Every further
copy re-issues each corpus document, in turn, under new identifiers (``…/claim/{slug}-c{k}``, its own named graph
``graph/document/{slug}-c{k}``) with everything stated in it — proposals, claims, supports/attacks chains and undercuts,
stances, facts, costs, status assertions, quote anchors with their ``oa:`` selectors, memberships — and the
reasoner's conclusions about them in ``graph/inferred`` (pkg:Objection, pkg:ContestedProposal, pkg:Proposition,
pkg:acceptability …). Within a copy each actor is drawn (seeded) from a pool of variants (``…/actor/{slug}`` or
``…/actor/{slug}-v{j}``), so actors recur across documents as in real corpora; dates, and the years facts refer to,
move by a whole number of years and amounts are rescaled, per copy. Treaties, provisions, topics, regions, statuses
and the ontology are shared. The same seed and size give the same bytes.
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

from policykg import statistics

BASE = "https://w3id.org/policykg/"
ID = BASE + "id/"
DOC_GRAPH = BASE + "graph/document/"
INFERRED = BASE + "graph/inferred"
ONTOLOGY = BASE + "graph/ontology"
ONTOLOGY_GRAPH = ox.NamedNode(ONTOLOGY)
STATISTICS_GRAPH = ox.NamedNode(statistics.GRAPH)
CORPUS = BASE + "graph/corpus"
LOCAL_KINDS = frozenset(
    {"document", "annotation", "claim", "status", "support", "attack", "undercut", "proposal", "fact", "stance", "cost"}
)
"""Kinds of resource stated in one document: re-issued under new identifiers in each copy."""
XSD = "http://www.w3.org/2001/XMLSchema#"
DATE_TYPES = frozenset({XSD + "date", XSD + "gYear", XSD + "gYearMonth"})
DATE_PREDICATES = frozenset(
    {"http://purl.org/dc/terms/date", BASE + "ontology#statementDate", BASE + "ontology#heldAt"}
)
VALUE = "https://schema.org/value"
REFERENCE_YEAR = BASE + "ontology#referenceYear"  # a fact's year or span, as text: "2008", "2007/2008"
_YEAR = re.compile(r"^(\d{4})")
_YEARS = re.compile(r"\b\d{4}\b")


class Copy:
    """The identifier mapping and perturbations of one copy of the corpus."""

    def __init__(self, index: int, rng: random.Random, actor_variants: int) -> None:
        self.index = index
        self.suffix = f"-c{index}"
        self.years = rng.randint(-6, 6) if index else 0
        self.scale = Decimal(rng.choice(("0.5", "0.8", "1.25", "1.5", "2", "3"))) if index else Decimal(1)
        self._rng = rng
        self._variants = actor_variants
        self._actors: dict[str, str] = {}
        self._nodes: dict[str, ox.NamedNode] = {}

    def _actor(self, slug: str) -> str:
        mapped = self._actors.get(slug)
        if mapped is None:
            variant = self._rng.randrange(self._variants) if self.index else 0
            mapped = self._actors[slug] = slug if variant == 0 else f"{slug}-v{variant}"
        return mapped

    def iri(self, value: str) -> str:
        if self.index == 0:
            return value
        if value.startswith(ID):
            kind, _, rest = value[len(ID) :].partition("/")
            slug, sep, tail = rest.partition("/")
            if kind in LOCAL_KINDS:
                return f"{ID}{kind}/{slug}{self.suffix}{sep}{tail}"
            if kind == "actor":
                return f"{ID}actor/{self._actor(slug)}{sep}{tail}"
            return value
        if value.startswith(DOC_GRAPH):
            return value + self.suffix
        return value

    def node(self, term: ox.NamedNode) -> ox.NamedNode:
        found = self._nodes.get(term.value)
        if found is None:
            found = self._nodes[term.value] = ox.NamedNode(self.iri(term.value))
        return found

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, predicate: str) -> ox.Term:
        if isinstance(term, ox.NamedNode):
            return self.node(term)
        if isinstance(term, ox.BlankNode):
            return ox.BlankNode(f"{term.value}{self.suffix}")
        if self.index == 0:
            return term
        datatype = term.datatype.value
        if predicate in DATE_PREDICATES and (datatype in DATE_TYPES or _YEAR.match(term.value)):
            text = _shift_year(term.value, self.years)
            return ox.Literal(text, datatype=term.datatype) if term.language is None else term
        if predicate == REFERENCE_YEAR:  # a copy's facts refer to its own years, as its dates do
            return ox.Literal(_YEARS.sub(lambda m: f"{int(m.group()) + self.years:04d}", term.value))
        if predicate == VALUE and datatype in (XSD + "integer", XSD + "decimal"):
            amount = Decimal(term.value) * self.scale
            text = str(int(amount)) if datatype == XSD + "integer" else str(amount.normalize())
            return ox.Literal(text, datatype=term.datatype)
        return term


def _shift_year(text: str, years: int) -> str:
    match = _YEAR.match(text)
    if not match or not years:
        return text
    shifted = f"{int(match.group(1)) + years:04d}{text[4:]}"
    return shifted.replace("-02-29", "-02-28") if shifted[5:10] == "02-29" else shifted


def _document_of(quad: ox.Quad) -> str | None:
    graph = quad.graph_name
    if isinstance(graph, ox.NamedNode) and graph.value.startswith(DOC_GRAPH):
        return graph.value[len(DOC_GRAPH) :]
    return None


def generate(template: Path, triples: int, seed: int) -> Iterator[ox.Quad]:
    """Quads, about ``triples`` of them (whole documents only; copy 0 is always whole); no triple twice, even in two
    graphs."""
    quads = list(ox.parse(path=str(template), format=ox.RdfFormat.TRIG))
    by_doc: dict[str, list[ox.Quad]] = {}
    shared: list[ox.Quad] = []  # the ontology, the corpus graph, and inferences about shared things
    inferred_about: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if quad.graph_name == STATISTICS_GRAPH:
            continue  # counts of the template: the generated data gets its own (see write)
        doc = _document_of(quad)
        if doc is not None:
            by_doc.setdefault(doc, []).append(quad)
        elif isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value == INFERRED:
            inferred_about.setdefault(_subject_key(quad), []).append(quad)
        else:
            shared.append(quad)
    corpus_size = len(quads)
    copies = max(1, -(-triples // corpus_size) + 1)  # an estimate, to size the pool of actor variants
    rng = random.Random(seed)
    variants = max(1, copies // 3)
    seen: set[int] = set()
    emitted = 0

    def emit(quad: ox.Quad) -> Iterator[ox.Quad]:
        # A statement is written once, in the first graph that has it, as the build does (no triple of the corpus is
        # in two graphs): a shared actor that several copies describe is described once, not once per document.
        nonlocal emitted
        key = hash(quad.triple)
        if key not in seen:
            seen.add(key)
            emitted += 1
            yield quad

    for index in itertools.count():  # copies until the size is reached: shared statements are not repeated
        if emitted >= triples:
            return
        copy = Copy(index, rng, variants)
        docs = sorted(by_doc)
        if index:
            rng.shuffle(docs)
        for source in [*shared, *(q for qs in inferred_about.values() for q in qs if not _is_local(q))]:
            yield from emit(_rewrite(copy, source))
        yield from _inferred_local(copy, shared, inferred_about, emit)
        for doc in docs:
            if index and emitted + len(by_doc[doc]) > triples * 1.02:
                continue  # would overshoot: a smaller document may still fit
            for source in by_doc[doc]:
                yield from emit(_rewrite(copy, source))
            yield from _inferred_local(copy, by_doc[doc], inferred_about, emit)


def _inferred_local(
    copy: Copy,
    quads: list[ox.Quad],
    inferred_about: dict[str, list[ox.Quad]],
    emit: Callable[[ox.Quad], Iterator[ox.Quad]],
) -> Iterator[ox.Quad]:
    """The reasoner's conclusions about the document-local resources described in ``quads``."""
    for subject in sorted({_subject_key(q) for q in quads}):
        for source in inferred_about.get(subject, ()):
            if _is_local(source):
                yield from emit(_rewrite(copy, source))


def _subject_key(quad: ox.Quad) -> str:
    subject = quad.subject
    return subject.value if isinstance(subject, ox.NamedNode) else f"_:{subject.value}"


def _is_local(quad: ox.Quad) -> bool:
    subject = quad.subject
    if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(ID):
        return False
    return subject.value[len(ID) :].partition("/")[0] in LOCAL_KINDS


def _rewrite(copy: Copy, quad: ox.Quad) -> ox.Quad:
    if copy.index == 0 or quad.graph_name == ONTOLOGY_GRAPH:  # one ontology, blank nodes and all
        return quad
    predicate = quad.predicate.value
    subject = copy.term(quad.subject, predicate)
    graph = quad.graph_name
    return ox.Quad(
        subject,  # type: ignore[arg-type]
        quad.predicate,
        copy.term(quad.object, predicate),
        copy.node(graph) if isinstance(graph, ox.NamedNode) else graph,
    )


def label(triples: int) -> str:
    return f"{triples // 1_000_000}m" if triples % 1_000_000 == 0 else f"{triples // 1000}k"


def write(template: Path, triples: int, seed: int, out: Path) -> tuple[Path, Path, int]:
    """Write the N-Quads and TriG files; returns their paths and the number of quads."""
    out.mkdir(parents=True, exist_ok=True)
    nq = out / f"policykg-{label(triples)}.nq"
    trig = nq.with_suffix(".trig")
    ox.serialize(generate(template, triples, seed), str(nq), ox.RdfFormat.N_QUADS)
    store = ox.Store()
    store.load(path=str(nq), format=ox.RdfFormat.N_QUADS, lenient=True)
    statistics.add(store)  # the statistics graph, as the build and the stores compute it
    counts = sorted(store.quads_for_pattern(None, None, None, STATISTICS_GRAPH), key=str)
    with nq.open("ab") as out:
        ox.serialize(counts, out, ox.RdfFormat.N_QUADS)
    ox.serialize(ox.parse(path=str(nq), format=ox.RdfFormat.N_QUADS), str(trig), ox.RdfFormat.TRIG)
    return nq, trig, len(store)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, action="append", help="target size (repeatable; default 100k and 1M)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--graph", type=Path, default=Path("build/policykg.trig"), help="the built corpus (template)")
    parser.add_argument("--out", type=Path, default=Path("bench/data"))
    args = parser.parse_args(argv)
    if not args.graph.is_file():
        print(f"{args.graph} is missing: run `policykg build` first", file=sys.stderr)
        return 2
    for size in args.triples or [100_000, 1_000_000]:
        started = time.perf_counter()
        nq, trig, count = write(args.graph, size, args.seed, args.out)
        print(f"{nq} and {trig.name}: {count:,} quads in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
