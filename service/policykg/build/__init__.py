"""The build: corpus YAML + ontology → verified, validated, reasoned RDF dataset (TriG).

Stages, each of which stops the build with file, line and reason on bad input (nothing is written then):
read → resolve ids and references → anchor quotes → RDF → reason (consistency, classification) → SHACL → write.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from ..config import Paths
from ..vocab import PKG, Minter
from .assessment import acceptability
from .errors import BuildError, Problem
from .loader import load_corpus
from .output import add_statistics, write_trig
from .rdf import write_dataset
from .reason import infer
from .resolve import Resolved, resolve
from .validate import validate

__all__ = ["BuildError", "BuildResult", "Problem", "build", "run_build"]

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    dataset: Dataset
    resolved: Resolved
    minter: Minter
    reasoner: str
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    out: Path | None = None

    def summary(self) -> str:
        width = max(map(len, self.counts))
        lines = [f"{k:<{width}}  {v:>7}" for k, v in self.counts.items()]
        lines.append(f"{'reasoner':<{width}}  {self.reasoner}")
        lines.append(f"{'time':<{width}}  {self.seconds:6.2f}s")
        if self.resolved.skipped:
            count = len(self.resolved.skipped)
            lines.append(f"skipped {count} unreviewed candidate(s); review them with `policykg review`:")
            lines.extend(f"  {item}" for item in self.resolved.skipped)
        return "\n".join(lines)


def count(result: BuildResult) -> dict[str, int]:
    ds, mint = result.dataset, result.minter
    union = Graph()
    for g in ds.graphs():
        if g.identifier != mint.ontology_graph:
            for t in g:
                union.add(t)

    def n(cls: URIRef) -> int:
        return len(set(union.subjects(RDF.type, cls)))

    return {
        "documents": n(PKG.Document) or len(result.resolved.documents),
        "actors": len({s for s, e in result.resolved.entries.items() if e.kind == "actor"}),
        "proposals": n(PKG.Proposal),
        "claims": n(PKG.Claim),
        "objections": n(PKG.Objection),
        "rebuttals": n(PKG.Rebuttal),
        "contested proposals": n(PKG.ContestedProposal),
        "cross-document attacks": n(PKG.CrossDocumentAttack),
        "stances": n(PKG.Stance),
        "facts": n(PKG.QuantitativeFact),
        "treaties and provisions": n(PKG.LegalInstrument),
        "triples": sum(len(g) for g in ds.graphs()),
    }


def build(paths: Paths | None = None, use_hermit: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build the dataset in memory (nothing is written)."""
    paths = paths or Paths()
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    minter = Minter()

    say("reading corpus")
    corpus = load_corpus(paths.corpus)
    say("resolving ids and anchoring quotes")
    resolved = resolve(corpus)
    ontology = Graph().parse(paths.ontology, format="turtle")
    say("writing RDF")
    ds = write_dataset(resolved, minter, ontology)

    data = Graph()
    for g in ds.graphs():
        if g.identifier != minter.ontology_graph:
            for triple in g:
                data.add(triple)
    documents = [minter.item("document", d.slug) for d in resolved.documents]
    say("reasoning")
    inferred, reasoner = infer(ontology, data, documents, use_hermit=use_hermit)
    inferred_graph = ds.graph(minter.inferred_graph)
    for triple in inferred:
        inferred_graph.add(triple)
    say("assessing arguments")
    for triple in acceptability(ds):
        inferred_graph.add(triple)
        inferred.add(triple)

    say("validating (SHACL)")
    for triple in (*inferred, *ontology):  # the ontology holds the controlled values (polarities, …)
        data.add(triple)
    validate(data, paths.shapes, _locator(resolved, minter))
    say("counting (statistics graph)")
    add_statistics(ds)

    result = BuildResult(ds, resolved, minter, reasoner)
    result.counts = count(result)
    result.seconds = time.perf_counter() - started
    return result


def _locator(resolved: Resolved, minter: Minter) -> Callable[[URIRef], tuple[Path | None, int | None]]:
    """Map an IRI back to the annotation file and line that defined it (for SHACL messages)."""
    by_iri = {}
    for slug, entry in resolved.entries.items():
        by_iri[str(minter.item(entry.kind, slug))] = entry

    def locate(iri: URIRef) -> tuple[Path | None, int | None]:
        text = str(iri)
        for candidate in (text, text.split("/membership/")[0], text.rsplit("/cost", 1)[0]):
            entry = by_iri.get(candidate)
            if entry:
                return entry.source.path, entry.line
        return None, None

    return locate


def run_build(
    paths: Paths | None = None, out: Path | None = None, use_hermit: bool = True, progress: Progress | None = None
) -> BuildResult:
    """Build and write TriG to ``out`` (default build/policykg.trig). Nothing is written if any stage fails."""
    paths = paths or Paths()
    result = build(paths, use_hermit=use_hermit, progress=progress)
    out = out or paths.build_dir / "policykg.trig"
    if progress:
        progress(f"writing {out}")
    write_trig(result.dataset, out, result.minter.prefixes())
    result.out = out
    return result
