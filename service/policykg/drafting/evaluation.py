"""How good is the drafter? Recall of the curated proposals and objections, and the share of candidates an analyst
would reject, measured on the corpus with each document's curated annotation hidden.

How it counts (docs/drafting.md):

- Each document is drafted against the built graph *minus that document's own named graph*: its curated actors,
  proposals and claims are unknown to the drafter, as they would be for a new text. The drafter gets only what
  ``add-document`` gets: the text, title, author and venue names, date and kind.
- A curated proposal is *found* when a candidate proposal's quote covers at least half of the curated quote's span
  (character offsets in the text). A candidate is a sentence or a clause, never longer, so "found" means the analyst
  sees the proposal as a candidate, though they may still have to trim it or split it in two. The stricter
  *tight* count asks for an overlap of at least half of the union of the two spans (IoU ≥ 0.5).
- A curated *objection* is a claim that attacks something: ``attacks`` or ``undercuts`` in its file, or the ``from``
  of an ``attacks`` link in links.yaml. It is found by a candidate claim that attacks something, counted the same way.
- A kept proposal, objection or claim candidate may still be *of another kind* than the curated item it overlaps
  (an objection candidate on a sentence the curators annotated as a plain claim): the analyst keeps it but edits it.
- A candidate is *kept* when it overlaps a curated item of its section (proposals and claims: any curated proposal,
  claim, mention, stance or status; facts: curated facts and costs; actors: a curated actor of the document with the
  same name, or a name containing the other) by at least half of either span; otherwise an analyst would reject it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..anchors import FoldedText, QuoteError
from ..build.loader import parse
from ..build.model import AnnotationFile, EntitySet, LinksFile
from .drafter import Candidate, Drafter, Metadata
from .graph import KnowledgeGraph
from .similarity import SimilarityIndex

Span = tuple[int, int]


def overlap(a: Span, b: Span) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def covers(candidate: Span, curated: Span) -> bool:
    """The candidate holds at least half of the curated span."""
    return overlap(candidate, curated) * 2 >= curated[1] - curated[0]


def tight(candidate: Span, curated: Span) -> bool:
    union = max(candidate[1], curated[1]) - min(candidate[0], curated[0])
    return overlap(candidate, curated) * 2 >= union


def matches_either(candidate: Span, curated: Span) -> bool:
    inter = overlap(candidate, curated)
    return inter > 0 and (inter * 2 >= curated[1] - curated[0] or inter * 2 >= candidate[1] - candidate[0])


@dataclass
class DocumentScore:
    file: str
    proposals: int = 0
    proposals_found: int = 0
    proposals_tight: int = 0
    objections: int = 0
    objections_found: int = 0
    objections_tight: int = 0
    candidates: dict[str, int] = field(default_factory=dict)  # kind → candidates
    rejected: dict[str, int] = field(default_factory=dict)  # kind → candidates matching no curated item
    retyped: dict[str, int] = field(default_factory=dict)  # kind → kept, but the curated item is of another kind
    missed: list[str] = field(default_factory=list)  # curated quotes not found (for tuning)

    @property
    def total_candidates(self) -> int:
        return sum(self.candidates.values())

    @property
    def total_rejected(self) -> int:
        return sum(self.rejected.values())


def _spans(folded: FoldedText, items: Iterable[object]) -> list[tuple[object, Span]]:
    found = []
    for item in items:
        quote = getattr(item, "quote", None)
        if not quote:
            continue
        try:
            anchor = folded.anchor(quote, getattr(item, "occurrence", None))
        except QuoteError:
            continue
        found.append((item, (anchor.start, anchor.end)))
    return found


def _metadata(model: AnnotationFile, labels: dict[str, str]) -> Metadata:
    meta = model.document
    return Metadata(
        title=meta.title,
        date=meta.date,
        authors=[labels.get(a, a) for a in meta.authors],
        venue=labels.get(meta.publisher) if meta.publisher else None,
        kind=meta.kind,
        file=meta.file,
    )


def score_document(
    corpus_dir: Path, annotation: Path, graph: KnowledgeGraph, attackers: set[str], labels: dict[str, str]
) -> DocumentScore:
    model: AnnotationFile = parse(annotation, AnnotationFile).model
    text = (corpus_dir / "documents" / model.document.file).read_text(encoding="utf-8")
    folded = FoldedText(text)
    hidden = graph.without_graphs([f"https://w3id.org/policykg/graph/document/{model.document.id}"])
    drafter = Drafter(hidden, SimilarityIndex.from_graph(hidden, "lexical"))
    draft = drafter.draft(text, _metadata(model, labels))

    def spans_of(cands: list[Candidate]) -> list[Span]:
        return [(c.start, c.end) for c in cands]

    proposals = spans_of(draft.of_kind("proposal"))
    objections = spans_of([c for c in draft.of_kind("objection", "claim") if c.fields.get("attacks")])
    score = DocumentScore(annotation.name)
    for item, span in _spans(folded, model.proposals):
        score.proposals += 1
        if any(covers(c, span) for c in proposals):
            score.proposals_found += 1
        else:
            score.missed.append(f"P {item.quote}")  # type: ignore[attr-defined]
        score.proposals_tight += any(tight(c, span) for c in proposals)
    curated_objections = [c for c in model.claims if c.attacks or c.undercuts or c.id in attackers]
    for item, span in _spans(folded, curated_objections):
        score.objections += 1
        if any(covers(c, span) for c in objections):
            score.objections_found += 1
        else:
            score.missed.append(f"O {item.quote}")  # type: ignore[attr-defined]
        score.objections_tight += any(tight(c, span) for c in objections)

    propositions = [
        s
        for items in (model.proposals, model.claims, model.mentions, model.stances, model.statuses)
        for _, s in _spans(folded, items)
    ]
    same_kind = {
        "proposal": [s for _, s in _spans(folded, model.proposals)],
        "objection": [s for _, s in _spans(folded, curated_objections)],
        "claim": [s for _, s in _spans(folded, model.claims)],
    }
    numbers = [s for _, s in _spans(folded, [*model.facts, *(p.cost for p in model.proposals if p.cost)])]
    names = {n.casefold() for a in model.actors for n in (a.label, *a.aliases)}
    for cand in draft.candidates:
        span = (cand.start, cand.end)
        if cand.section == "actors":
            label = str(cand.fields["label"]).casefold()
            kept = any(label == n or (min(len(label), len(n)) >= 5 and (label in n or n in label)) for n in names)
        else:
            pool = numbers if cand.section == "facts" else propositions
            kept = any(matches_either(span, s) for s in pool)
        score.candidates[cand.kind] = score.candidates.get(cand.kind, 0) + 1
        if not kept:
            score.rejected[cand.kind] = score.rejected.get(cand.kind, 0) + 1
        elif cand.kind in same_kind and not any(matches_either(span, s) for s in same_kind[cand.kind]):
            score.retyped[cand.kind] = score.retyped.get(cand.kind, 0) + 1
    return score


def evaluate(corpus_dir: Path, graph: KnowledgeGraph) -> list[DocumentScore]:
    """Score the drafter on every annotated document of the corpus."""
    links_path = corpus_dir / "links.yaml"
    links: LinksFile = parse(links_path, LinksFile).model if links_path.exists() else LinksFile()
    attackers = {link.source for link in links.links if link.attacks}
    entities: EntitySet = parse(corpus_dir / "entities.yaml", EntitySet).model
    paths = sorted((corpus_dir / "annotations").glob("*.yaml"))
    labels = {a.id: a.label for a in entities.actors}
    for path in paths:
        labels.update({a.id: a.label for a in parse(path, AnnotationFile).model.actors})
    return [score_document(corpus_dir, path, graph, attackers, labels) for path in paths]


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f} %" if d else "    –  "


def table(scores: list[DocumentScore]) -> str:
    """A Markdown table: one row per document and a total row."""
    head = (
        "| document | proposals found | (tight) | objections found | (tight) | candidates | would reject |\n"
        "|---|---:|---:|---:|---:|---:|---:|"
    )
    rows = [head]
    total = DocumentScore("**all**")
    for s in scores:
        rows.append(_row(s))
        for name in ("proposals", "proposals_found", "proposals_tight", "objections", "objections_found",
                     "objections_tight"):  # fmt: skip
            setattr(total, name, getattr(total, name) + getattr(s, name))
        for kind, n in s.candidates.items():
            total.candidates[kind] = total.candidates.get(kind, 0) + n
        for kind, n in s.rejected.items():
            total.rejected[kind] = total.rejected.get(kind, 0) + n
        for kind, n in s.retyped.items():
            total.retyped[kind] = total.retyped.get(kind, 0) + n
    rows.append(_row(total))
    return "\n".join(rows)


def _row(s: DocumentScore) -> str:
    return (
        f"| {s.file} | {s.proposals_found}/{s.proposals} = {_pct(s.proposals_found, s.proposals)} "
        f"| {_pct(s.proposals_tight, s.proposals)} "
        f"| {s.objections_found}/{s.objections} = {_pct(s.objections_found, s.objections)} "
        f"| {_pct(s.objections_tight, s.objections)} "
        f"| {s.total_candidates} | {s.total_rejected} = {_pct(s.total_rejected, s.total_candidates)} |"
    )


def kind_table(scores: list[DocumentScore]) -> str:
    """Would-reject share by kind of candidate, over all documents."""
    kinds = ["proposal", "objection", "claim", "actor", "fact"]
    rows = [
        "| candidate kind | candidates | would reject | kept but of another kind |",
        "|---|---:|---:|---:|",
    ]
    for kind in kinds:
        n = sum(s.candidates.get(kind, 0) for s in scores)
        r = sum(s.rejected.get(kind, 0) for s in scores)
        t = sum(s.retyped.get(kind, 0) for s in scores)
        retyped = f"{t} = {_pct(t, n)}" if kind in ("proposal", "objection", "claim") else "–"
        rows.append(f"| {kind} | {n} | {r} = {_pct(r, n)} | {retyped} |")
    return "\n".join(rows)
