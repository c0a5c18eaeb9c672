"""Index every item of the corpus by id, check every reference, and anchor every quote.

The result, a :class:`Resolved` corpus, is what the RDF writer consumes: it never has to look anything up that
might fail.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..anchors import Anchor, FoldedText, QuoteError
from .errors import BuildError, Problem
from .loader import Corpus, Source
from .model import AnnotationFile, Claim, Proposal

# id kinds, as they appear in IRIs (corpus/README.md)
ACTOR, PROPOSAL, CLAIM, STANCE, FACT = "actor", "proposal", "claim", "stance", "fact"
TREATY, PROVISION, TOPIC, REGION, DOCUMENT, LINK = "treaty", "provision", "topic", "region", "document", "link"
PROPOSITIONS = (PROPOSAL, CLAIM)


@dataclass
class Entry:
    kind: str
    item: Any
    source: Source
    loc: tuple[str | int, ...]
    doc: DocumentText | None = None  # the document an item is annotated in (None for shared entities)

    @property
    def line(self) -> int | None:
        return self.source.line_of(*self.loc)


@dataclass
class DocumentText:
    slug: str
    path: Path
    text: str
    folded: FoldedText
    article_end: int | None
    source: Source

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Resolved:
    entries: dict[str, Entry] = field(default_factory=dict)
    documents: list[DocumentText] = field(default_factory=list)
    anchors: dict[tuple[str, str], Anchor] = field(default_factory=dict)  # (item key, doc slug) → anchor
    skipped: list[str] = field(default_factory=list)  # unreviewed candidates, by file and id

    def of_kind(self, *kinds: str) -> Iterator[tuple[str, Entry]]:
        for slug, entry in self.entries.items():
            if entry.kind in kinds:
                yield slug, entry


class Resolver:
    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.result = Resolved()
        self.problems: list[Problem] = []

    def problem(self, source: Source, loc: tuple[str | int, ...], reason: str) -> None:
        where = ".".join(map(str, loc))
        self.problems.append(Problem(source.path, source.line_of(*loc), where, reason))

    def fail_if_problems(self, stage: str) -> None:
        if self.problems:
            raise BuildError(stage, self.problems)

    # -- indexing -------------------------------------------------------------------------------------------

    def register(self, slug: str, kind: str, item: Any, source: Source, loc: tuple, doc: DocumentText | None) -> None:
        if getattr(item, "review", "accepted") != "accepted":
            self.result.skipped.append(f"{source.path.name}: {kind} {slug} ({item.review}, not reviewed)")
            return
        if slug in self.result.entries:
            first = self.result.entries[slug]
            self.problem(source, loc, f"id '{slug}' already defined at {first.source.path.name}:{first.line}")
            return
        self.result.entries[slug] = Entry(kind, item, source, loc, doc)

    def index_entities(self, source: Source, doc: DocumentText | None) -> None:
        model = source.model
        for i, actor in enumerate(model.actors):
            self.register(actor.id, ACTOR, actor, source, ("actors", i), doc)
        for i, treaty in enumerate(model.treaties):
            self.register(treaty.id, TREATY, treaty, source, ("treaties", i), doc)
            for j, article in enumerate(treaty.articles):
                self.register(article.id, PROVISION, (treaty.id, article), source, ("treaties", i, "articles", j), doc)
        for i, topic in enumerate(model.topics):
            self.register(topic.id, TOPIC, topic, source, ("topics", i), doc)
        for i, region in enumerate(model.regions):
            self.register(region.id, REGION, region, source, ("regions", i), doc)

    def index_document(self, source: Source) -> DocumentText | None:
        model: AnnotationFile = source.model
        meta = model.document
        path = self.corpus.root / "documents" / meta.file
        if not path.is_file():
            self.problem(source, ("document", "file"), f"no such document text: documents/{meta.file}")
            return None
        expected = Path(meta.file).stem + ".yaml"
        if source.path.name != expected:
            self.problem(source, ("document", "file"), f"annotation file must be named {expected} after its text")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as err:
            self.problem(source, ("document", "file"), f"document text is not UTF-8: {err}")
            return None
        doc = DocumentText(meta.id, path, text, FoldedText(text), None, source)
        if meta.article_end:
            try:
                doc.article_end = doc.folded.anchor(meta.article_end).end
            except QuoteError as err:
                self.problem(source, ("document", "article_end"), str(err))
        self.register(meta.id, DOCUMENT, meta, source, ("document",), doc)
        self.result.documents.append(doc)
        self.index_entities(source, doc)
        for section, kind in (("proposals", PROPOSAL), ("claims", CLAIM), ("stances", STANCE), ("facts", FACT)):
            for i, item in enumerate(getattr(model, section)):
                self.register(item.id, kind, item, source, (section, i), doc)
        return doc

    # -- references -----------------------------------------------------------------------------------------

    def expect(self, slug: str | None, kinds: Iterable[str], source: Source, loc: tuple) -> None:
        if slug is None:
            return
        kinds = tuple(kinds)
        entry = self.result.entries.get(slug)
        if entry is None:
            self.problem(source, loc, f"unknown {' or '.join(kinds)} '{slug}'")
        elif entry.kind not in kinds:
            self.problem(source, loc, f"'{slug}' is a {entry.kind}, expected {' or '.join(kinds)}")

    def check_references(self) -> None:
        for entry in list(self.result.entries.values()):
            check = getattr(self, f"_refs_{entry.kind}", None)
            if check:
                check(entry)
        for source in self.corpus.documents:
            model: AnnotationFile = source.model
            for i, mention in enumerate(model.mentions):
                self.expect(mention.of, PROPOSITIONS, source, ("mentions", i, "of"))
            for i, status in enumerate(model.statuses):
                self.expect(status.proposal, (PROPOSAL,), source, ("statuses", i, "proposal"))
            for i, aff in enumerate(model.affiliations):
                self.expect(aff.actor, (ACTOR,), source, ("affiliations", i, "actor"))
                self.expect(aff.organisation, (ACTOR,), source, ("affiliations", i, "organisation"))
        if self.corpus.links:
            source = self.corpus.links
            for i, link in enumerate(source.model.links):
                self.expect(link.source, PROPOSITIONS, source, ("links", i, "from"))
                targets = [t for t in (link.attacks, link.supports) if t]
                if len(targets) != 1:
                    self.problem(source, ("links", i), "a link needs exactly one of 'attacks' or 'supports'")
                for key in ("attacks", "supports"):
                    self.expect(getattr(link, key), PROPOSITIONS, source, ("links", i, key))
                self.register(link.id, LINK, link, source, ("links", i), None)

    def annotated_supports(self) -> set[tuple[str, str]]:
        if not hasattr(self, "_supports"):
            self._supports = {
                (slug, target)
                for slug, entry in self.result.entries.items()
                if entry.kind in PROPOSITIONS
                for target in entry.item.supports
            }
            if self.corpus.links:
                self._supports |= {
                    (link.source, link.supports) for link in self.corpus.links.model.links if link.supports
                }
        return self._supports

    def _refs_actor(self, e: Entry) -> None:
        self.expect(e.item.nationality, (ACTOR,), e.source, (*e.loc, "nationality"))
        for j, aff in enumerate(e.item.affiliations):
            self.expect(aff.organisation, (ACTOR,), e.source, (*e.loc, "affiliations", j, "organisation"))

    def _refs_treaty(self, e: Entry) -> None:
        for j, party in enumerate(e.item.parties):
            self.expect(party, (ACTOR,), e.source, (*e.loc, "parties", j))

    def _refs_document(self, e: Entry) -> None:
        meta = e.item
        for j, author in enumerate(meta.authors):
            self.expect(author, (ACTOR,), e.source, (*e.loc, "authors", j))
        self.expect(meta.publisher, (ACTOR,), e.source, (*e.loc, "publisher"))
        self._concepts(meta, e.source, e.loc)

    def _concepts(self, item: Any, source: Source, loc: tuple) -> None:
        for j, topic in enumerate(item.topics):
            self.expect(topic, (TOPIC,), source, (*loc, "topics", j))
        for j, region in enumerate(item.regions):
            self.expect(region, (REGION,), source, (*loc, "regions", j))

    def _refs_proposition(self, e: Entry) -> None:
        item = e.item
        for key in ("supports", "attacks"):
            for j, target in enumerate(getattr(item, key)):
                self.expect(target, PROPOSITIONS, e.source, (*e.loc, key, j))
                if target == item.id:
                    self.problem(e.source, (*e.loc, key, j), f"'{item.id}' {key} itself")
        for j, undercut in enumerate(item.undercuts):
            loc = (*e.loc, "undercuts", j)
            self.expect(undercut.source, PROPOSITIONS, e.source, (*loc, "from"))
            self.expect(undercut.target, PROPOSITIONS, e.source, (*loc, "to"))
            if (undercut.source, undercut.target) not in self.annotated_supports():
                self.problem(
                    e.source, loc, f"undercuts a support that is not annotated: {undercut.source} → {undercut.target}"
                )
        for j, cited in enumerate(item.cites):
            self.expect(cited, (TREATY, PROVISION), e.source, (*e.loc, "cites", j))
        for j, actor in enumerate(item.reported_by):
            self.expect(actor, (ACTOR,), e.source, (*e.loc, "reported_by", j))
        self._concepts(item, e.source, e.loc)

    def _refs_proposal(self, e: Entry) -> None:
        self._refs_proposition(e)
        item: Proposal = e.item
        for key in ("proposed_by", "addressee"):
            for j, actor in enumerate(getattr(item, key)):
                self.expect(actor, (ACTOR,), e.source, (*e.loc, key, j))
        self.expect(item.part_of, (PROPOSAL,), e.source, (*e.loc, "part_of"))

    def _refs_claim(self, e: Entry) -> None:
        self._refs_proposition(e)
        item: Claim = e.item
        for j, actor in enumerate(item.asserted_by):
            self.expect(actor, (ACTOR,), e.source, (*e.loc, "asserted_by", j))

    def _refs_stance(self, e: Entry) -> None:
        self.expect(e.item.actor, (ACTOR,), e.source, (*e.loc, "actor"))
        self.expect(e.item.proposal, (PROPOSAL,), e.source, (*e.loc, "proposal"))
        for j, actor in enumerate(e.item.reported_by):
            self.expect(actor, (ACTOR,), e.source, (*e.loc, "reported_by", j))

    def _refs_fact(self, e: Entry) -> None:
        for j, about in enumerate(e.item.about):
            if about not in self.result.entries:
                self.problem(e.source, (*e.loc, "about", j), f"unknown item '{about}'")

    # -- anchors --------------------------------------------------------------------------------------------

    def anchor(self, key: str, quoted: Any, doc: DocumentText, source: Source, loc: tuple) -> None:
        if quoted.quote is None:
            return
        try:
            found = doc.folded.anchor(quoted.quote, quoted.occurrence)
        except QuoteError as err:
            self.problem(source, (*loc, "quote"), str(err))
            return
        if doc.article_end is not None and found.start >= doc.article_end:
            self.problem(source, (*loc, "quote"), "quote lies after the article's end (article_end): site furniture")
            return
        self.result.anchors[(key, doc.slug)] = found

    def anchor_all(self) -> None:
        docs = {d.source.path: d for d in self.result.documents}
        for slug, e in self.result.entries.items():
            if e.doc is None:
                continue
            if e.kind in (PROPOSAL, CLAIM, STANCE, FACT):
                self.anchor(slug, e.item, e.doc, e.source, e.loc)
            if e.kind == PROPOSAL:
                if e.item.cost:
                    self.anchor(f"{slug}#cost", e.item.cost, e.doc, e.source, (*e.loc, "cost"))
                for j, status in enumerate(e.item.status):
                    self.anchor(f"{slug}#status-{j}", status, e.doc, e.source, (*e.loc, "status", j))
            if e.kind == ACTOR:
                if e.item.quote:
                    self.anchor(slug, e.item, e.doc, e.source, e.loc)
                for j, aff in enumerate(e.item.affiliations):
                    if aff.quote:
                        self.anchor(f"{slug}#affiliation-{j}", aff, e.doc, e.source, (*e.loc, "affiliations", j))
        for source in self.corpus.documents:
            doc = docs.get(source.path)
            if doc is None:
                continue
            for i, mention in enumerate(source.model.mentions):
                self.anchor(f"{mention.of}#mention-{doc.slug}-{i}", mention, doc, source, ("mentions", i))
            for i, status in enumerate(source.model.statuses):
                self.anchor(f"{status.proposal}#status-{doc.slug}-{i}", status, doc, source, ("statuses", i))
            for i, aff in enumerate(source.model.affiliations):
                if aff.quote:
                    self.anchor(f"{aff.actor}#affiliation-{doc.slug}-{i}", aff, doc, source, ("affiliations", i))

    def run(self) -> Resolved:
        self.index_entities(self.corpus.entities, None)
        for source in self.corpus.documents:
            self.index_document(source)
        self.fail_if_problems("index ids")
        self.check_references()
        self.fail_if_problems("resolve references")
        self.anchor_all()
        self.fail_if_problems("verify quotes")
        return self.result


def resolve(corpus: Corpus) -> Resolved:
    return Resolver(corpus).run()
