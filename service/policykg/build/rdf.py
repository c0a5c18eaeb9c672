"""Turn a resolved corpus into an RDF dataset: one named graph per document, one for shared entities and editorial
links, one for the ontology. (The inferred graph is added by :mod:`.reason`.)"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..anchors import Anchor
from ..vocab import OA, PKG, SCHEMA, WD, Minter
from . import model as m
from .resolve import (
    ACTOR,
    CLAIM,
    DOCUMENT,
    FACT,
    LINK,
    PROPOSAL,
    PROVISION,
    REGION,
    STANCE,
    TOPIC,
    TREATY,
    DocumentText,
    Entry,
    Resolved,
)

ACTOR_CLASSES = {
    "person": PKG.Person,
    "anonymous-source": PKG.AnonymousSource,
    "state": PKG.State,
    "government-body": PKG.GovernmentBody,
    "alliance": PKG.Alliance,
    "intergovernmental-organisation": PKG.IntergovernmentalOrganisation,
    "think-tank": PKG.ThinkTank,
    "company": PKG.Company,
    "news-agency": PKG.NewsAgency,
    "news-publisher": PKG.NewsPublisher,
    "organisation": PKG.Organisation,
    "group": PKG.Group,
}
DOCUMENT_CLASSES = {
    "research-paper": PKG.ResearchPaper,
    "opinion-article": PKG.OpinionArticle,
    "news-report": PKG.NewsReport,
}
QUALIFIERS = {"exact": PKG.exactly, "approximate": PKG.approximately, "at-least": PKG.atLeast, "at-most": PKG.atMost}
POLARITIES = {"supports": PKG.supporting, "opposes": PKG.opposing, "considering": PKG.considering}
STATUSES = {
    "proposed": PKG.proposed,
    "under-consideration": PKG.underConsideration,
    "opposed": PKG.opposed,
    "adopted": PKG.adopted,
    "rejected": PKG.rejected,
    "implemented": PKG.implemented,
}
CURATORS_SLUG = "policykg-curators"


def date_literal(value: str) -> Literal:
    """ISO dates of three precisions, typed so that SPARQL can compare them."""
    datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(value)]
    return Literal(value, datatype=datatype)


def number_literal(value: float) -> Literal:
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return Literal(str(int(number)), datatype=XSD.integer)
    return Literal(str(number), datatype=XSD.decimal)


class Writer:
    def __init__(self, resolved: Resolved, minter: Minter, ontology: Graph) -> None:
        self.r = resolved
        self.mint = minter
        self.ds = Dataset()
        for prefix, ns in minter.prefixes().items():
            self.ds.bind(prefix, ns)
        self.ontology = ontology
        self.kind_of = {slug: e.kind for slug, e in resolved.entries.items()}

    # -- helpers --------------------------------------------------------------------------------------------

    def iri(self, slug: str) -> URIRef:
        kind = self.kind_of[slug]
        if kind == LINK:
            kind = "link"
        return self.mint.item(kind, slug)

    def graph_for(self, entry: Entry) -> Graph:
        if entry.doc is None:
            return self.ds.graph(self.mint.corpus_graph)
        return self.ds.graph(self.mint.document_graph(entry.doc.slug))

    def label(self, g: Graph, node: URIRef, text: str) -> None:
        g.add((node, RDFS.label, Literal(text, lang="en")))

    def name(self, slug: str) -> str:
        """What a label calls the entry ``slug``: its own label (an actor's name, a proposition's gist), else the
        slug (a relation, which has none)."""
        entry = self.r.entries.get(slug)
        return getattr(entry.item, "label", None) or slug if entry is not None else slug

    def annotate(self, g: Graph, body: URIRef, key: str, doc: DocumentText, fragment: str = "") -> URIRef | None:
        """Web Annotation anchoring ``body`` in ``doc`` (skolem IRIs, no blank nodes: output stays byte-stable)."""
        anchor: Anchor | None = self.r.anchors.get((key, doc.slug))
        if anchor is None:
            return None
        ann = URIRef(f"{self.mint.base}id/annotation/{key.replace('#', '-')}" + fragment)
        target, quote_sel, pos_sel = URIRef(f"{ann}/target"), URIRef(f"{ann}/quote"), URIRef(f"{ann}/position")
        doc_iri = self.mint.item("document", doc.slug)
        g.add((ann, RDF.type, OA.Annotation))
        self.label(g, ann, f"Anchor of {key.split('#')[0]} in {doc.slug} at {anchor.start}-{anchor.end}")
        g.add((ann, OA.motivatedBy, OA.identifying))
        g.add((ann, OA.hasBody, body))
        g.add((ann, OA.hasTarget, target))
        g.add((target, RDF.type, OA.SpecificResource))
        self.label(g, target, f"Span {anchor.start}-{anchor.end} of {doc.slug}")
        g.add((target, OA.hasSource, doc_iri))
        g.add((target, OA.hasSelector, quote_sel))
        g.add((target, OA.hasSelector, pos_sel))
        g.add((quote_sel, RDF.type, OA.TextQuoteSelector))
        self.label(g, quote_sel, f"Quote selector {anchor.start}-{anchor.end} of {doc.slug}")
        g.add((quote_sel, OA.exact, Literal(anchor.exact)))
        g.add((quote_sel, OA.prefix, Literal(anchor.prefix)))
        g.add((quote_sel, OA.suffix, Literal(anchor.suffix)))
        g.add((pos_sel, RDF.type, OA.TextPositionSelector))
        self.label(g, pos_sel, f"Position selector {anchor.start}-{anchor.end} of {doc.slug}")
        g.add((pos_sel, OA.start, Literal(anchor.start)))
        g.add((pos_sel, OA.end, Literal(anchor.end)))
        g.add((body, PKG.anchor, ann))
        g.add((body, PKG.statedIn, doc_iri))
        return ann

    def actors(self, g: Graph, node: URIRef, prop: URIRef, slugs: list[str]) -> None:
        for slug in slugs:
            g.add((node, prop, self.iri(slug)))

    def concepts(self, g: Graph, node: URIRef, item: Any) -> None:
        for topic in item.topics:
            g.add((node, PKG.topic, self.iri(topic)))
        for region in item.regions:
            g.add((node, PKG.region, self.iri(region)))

    # -- items ----------------------------------------------------------------------------------------------

    def write_document(self, slug: str, e: Entry) -> None:
        meta: m.DocumentMeta = e.item
        doc = e.doc
        assert doc is not None
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, DOCUMENT_CLASSES[meta.kind]))
        self.label(g, node, meta.title)
        g.add((node, DCTERMS.title, Literal(meta.title, lang="en")))
        g.add((node, DCTERMS.identifier, Literal(slug)))
        g.add((node, DCTERMS.date, date_literal(meta.date)))
        if meta.date_inferred:
            g.add((node, PKG.dateInferred, Literal(meta.date_inferred)))
        if meta.title_inferred:
            g.add((node, PKG.titleInferred, Literal(meta.title_inferred)))
        if meta.venue_note:
            g.add((node, PKG.venueNote, Literal(meta.venue_note)))
        self.actors(g, node, DCTERMS.creator, meta.authors)
        if meta.publisher:
            g.add((node, DCTERMS.publisher, self.iri(meta.publisher)))
        g.add((node, DCTERMS.source, Literal(f"corpus/documents/{meta.file}")))
        g.add((node, DCTERMS.language, Literal("en")))
        g.add((node, DCTERMS.format, Literal("text/plain")))
        g.add((node, SCHEMA.text, Literal(doc.text)))
        g.add((node, PKG.textSha256, Literal(doc.sha256)))
        if doc.article_end is not None:
            g.add((node, PKG.articleEnd, Literal(doc.article_end)))
        self.concepts(g, node, meta)
        graph_iri = self.mint.document_graph(slug)
        g.add((graph_iri, PROV.wasDerivedFrom, node))
        self.label(g, graph_iri, f"Annotations of {meta.title}")

    def write_actor(self, slug: str, e: Entry) -> None:
        actor: m.Actor = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, ACTOR_CLASSES[actor.kind]))
        self.label(g, node, actor.label)
        g.add((node, FOAF.name, Literal(actor.label)))
        for alias in actor.aliases:
            g.add((node, PKG.alias, Literal(alias)))
        if actor.wikidata:
            g.add((node, OWL.sameAs, WD[actor.wikidata]))
            g.add((node, SKOS.exactMatch, WD[actor.wikidata]))
        if actor.nationality:
            g.add((node, PKG.nationality, self.iri(actor.nationality)))
        if actor.description:
            g.add((node, RDFS.comment, Literal(actor.description, lang="en")))
        if e.doc is not None:
            self.annotate(g, node, slug, e.doc)
        for j, aff in enumerate(actor.affiliations):
            self.write_membership(g, slug, f"{j + 1}", f"{slug}#affiliation-{j}", aff, e.doc)

    def write_membership(
        self, g: Graph, slug: str, suffix: str, key: str, aff: m.Affiliation, doc: DocumentText | None
    ) -> None:
        node, org_iri = self.iri(slug), self.iri(aff.organisation)
        membership = URIRef(f"{node}/membership/{suffix}")
        g.add((membership, RDF.type, ORG.Membership))
        g.add((membership, ORG.member, node))
        g.add((membership, ORG.organization, org_iri))
        g.add((node, PKG.affiliation, org_iri))
        role_text = aff.role or "member"
        self.label(g, membership, f"{self.name(slug)}: {role_text} ({self.name(aff.organisation)})")
        if aff.role:
            role = URIRef(f"{membership}/role")
            g.add((role, RDF.type, ORG.Role))
            self.label(g, role, aff.role)
            g.add((membership, ORG.role, role))
        if aff.date:
            g.add((membership, PKG.heldAt, Literal(aff.date)))
        if aff.former:
            g.add((membership, PKG.former, Literal(True)))
        if doc is not None and aff.quote:
            self.annotate(g, membership, key, doc)

    def write_proposition(self, slug: str, e: Entry, cls: URIRef) -> tuple[Graph, URIRef]:
        item = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, cls))
        self.label(g, node, item.label)
        assert e.doc is not None
        self.annotate(g, node, slug, e.doc)
        self.actors(g, node, PKG.reportedBy, item.reported_by)
        for cited in item.cites:
            g.add((node, PKG.cites, self.iri(cited)))
        if item.date:
            g.add((node, PKG.statementDate, date_literal(item.date)))
        if item.date_inferred:
            g.add((node, PKG.dateInferred, Literal(item.date_inferred)))
        self.concepts(g, node, item)
        for target in item.supports:
            self.relation(g, PKG.Support, slug, target)
        for target in item.attacks:
            self.relation(g, PKG.Attack, slug, target)
        for undercut in item.undercuts:
            support = self.relation(g, PKG.Support, undercut.source, undercut.target, assert_only=True)
            self.relation(g, PKG.Undercut, slug, support)
        return g, node

    def relation(
        self,
        g: Graph,
        cls: URIRef,
        source: str,
        target: str | URIRef,
        assert_only: bool = False,
        editorial: str | None = None,
        link_slug: str | None = None,
    ) -> URIRef:
        """A reified support/attack (AIF RA/CA node) plus the direct shortcut between the two propositions."""
        src = self.iri(source)
        tgt = target if isinstance(target, URIRef) else self.iri(target)
        kind = {PKG.Support: "support", PKG.Attack: "attack", PKG.Undercut: "undercut"}[cls]
        name = link_slug or f"{src.rsplit('/', 1)[1]}--{tgt.rsplit('/', 1)[1]}"
        node = URIRef(f"{self.mint.base}id/{kind}/{name}")
        g.add((node, RDF.type, cls))
        if cls == PKG.Undercut:
            g.add((node, RDF.type, PKG.Attack))
        verb = {"support": "supports", "attack": "attacks", "undercut": "undercuts"}[kind]
        self.label(g, node, f"“{self.name(source)}” {verb} “{self.name(tgt.rsplit('/', 1)[1])}”")
        g.add((node, PKG.relationSource, src))
        g.add((node, PKG.relationTarget, tgt))
        if not assert_only:
            g.add((src, PKG.supports if cls == PKG.Support else PKG.attacks, tgt))
        if editorial:
            g.add((node, PKG.editorial, Literal(True)))
            g.add((node, PKG.curatorNote, Literal(editorial, lang="en")))
            g.add((node, PROV.wasAttributedTo, self.mint.item("agent", CURATORS_SLUG)))
        return node

    def write_proposal(self, slug: str, e: Entry) -> None:
        item: m.Proposal = e.item
        g, node = self.write_proposition(slug, e, PKG.Proposal)
        g.add((node, PKG.action, Literal(item.action, lang="en")))
        self.actors(g, node, PKG.proposedBy, item.proposed_by)
        self.actors(g, node, PKG.addressee, item.addressee)
        if item.addressee_unstated:
            g.add((node, PKG.addresseeUnstated, Literal(item.addressee_unstated)))
        if item.part_of:
            g.add((node, PKG.partOf, self.iri(item.part_of)))
        if item.condition:
            g.add((node, PKG.condition, Literal(item.condition, lang="en")))
        if item.cost:
            cost = URIRef(f"{node}/cost")
            g.add((node, PKG.hasCost, cost))
            g.add((cost, RDF.type, PKG.Cost))
            per = f" per {item.cost.period}" if item.cost.period else ""
            qualifier = "" if item.cost.qualifier == "exact" else f" ({item.cost.qualifier})"
            self.label(g, cost, f"{number_literal(item.cost.amount)} {item.cost.currency}{per}{qualifier}")
            g.add((cost, SCHEMA.value, number_literal(item.cost.amount)))
            g.add((cost, SCHEMA.currency, Literal(item.cost.currency)))
            if item.cost.period:
                g.add((cost, PKG.period, Literal(item.cost.period, datatype=XSD.duration)))
            g.add((cost, PKG.qualifier, QUALIFIERS[item.cost.qualifier]))
            assert e.doc is not None
            self.annotate(g, cost, f"{slug}#cost", e.doc)
        for j, status in enumerate(item.status):
            assert e.doc is not None
            self.write_status(g, slug, f"{slug}#status-{j}", status, e.doc)

    def write_status(self, g: Graph, proposal: str, key: str, status: m.StatusEntry, doc: DocumentText) -> None:
        node = URIRef(f"{self.mint.base}id/status/{key.replace('#', '-')}")
        g.add((self.iri(proposal), PKG.hasStatus, node))
        g.add((node, RDF.type, PKG.StatusAssertion))
        self.label(g, node, f"{self.name(proposal)}: {status.value}" + (f" ({status.date})" if status.date else ""))
        g.add((node, PKG.status, STATUSES[status.value]))
        if status.date:
            g.add((node, DCTERMS.date, date_literal(status.date)))
        if status.date_inferred:
            g.add((node, PKG.dateInferred, Literal(status.date_inferred)))
        self.annotate(g, node, key, doc)

    def write_claim(self, slug: str, e: Entry) -> None:
        item: m.Claim = e.item
        g, node = self.write_proposition(slug, e, PKG.AnticipatedObjection if item.anticipated else PKG.Claim)
        if item.anticipated:
            g.add((node, RDF.type, PKG.Claim))
        self.actors(g, node, PKG.assertedBy, item.asserted_by)

    def write_stance(self, slug: str, e: Entry) -> None:
        item: m.Stance = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, PKG.Stance))
        self.label(g, node, f"{self.name(item.actor)} {item.polarity} “{self.name(item.proposal)}”")
        g.add((node, PKG.holder, self.iri(item.actor)))
        g.add((node, PKG.onProposal, self.iri(item.proposal)))
        g.add((node, PKG.polarity, POLARITIES[item.polarity]))
        assert e.doc is not None
        doc_meta: m.DocumentMeta = self.r.entries[e.doc.slug].item
        g.add((node, DCTERMS.date, date_literal(item.date or doc_meta.date)))
        if item.date_inferred or not item.date:
            reason = item.date_inferred or "the document's date (the statement is not dated in the text)"
            g.add((node, PKG.dateInferred, Literal(reason)))
        self.actors(g, node, PKG.reportedBy, item.reported_by)
        self.annotate(g, node, slug, e.doc)

    def write_fact(self, slug: str, e: Entry) -> None:
        item: m.Fact = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, PKG.QuantitativeFact))
        self.label(g, node, item.measures + (f" ({item.year})" if item.year else ""))
        g.add((node, SCHEMA.value, number_literal(item.value)))
        g.add((node, PKG.unit, Literal(item.unit)))
        g.add((node, PKG.qualifier, QUALIFIERS[item.qualifier]))
        g.add((node, PKG.measures, Literal(item.measures, lang="en")))
        if item.period:
            g.add((node, PKG.period, Literal(item.period, datatype=XSD.duration)))
        if item.year:
            g.add((node, PKG.referenceYear, Literal(item.year)))
        if item.year_inferred:
            g.add((node, PKG.dateInferred, Literal(item.year_inferred)))
        for about in item.about:
            g.add((node, PKG.about, self.iri(about)))
        assert e.doc is not None
        self.annotate(g, node, slug, e.doc)

    def write_treaty(self, slug: str, e: Entry) -> None:
        item: m.Treaty = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, PKG.Treaty))
        self.label(g, node, item.label)
        if item.date:
            g.add((node, DCTERMS.date, date_literal(item.date)))
        if item.note:
            g.add((node, RDFS.comment, Literal(item.note, lang="en")))
        self.actors(g, node, PKG.party, item.parties)

    def write_provision(self, slug: str, e: Entry) -> None:
        treaty, article = e.item
        g, node = self.graph_for(e), self.iri(slug)
        g.add((node, RDF.type, PKG.LegalProvision))
        self.label(g, node, article.label)
        g.add((node, PKG.provisionOf, self.iri(treaty)))
        g.add((node, PKG.articleNumber, Literal(article.number)))
        if article.note:
            g.add((node, RDFS.comment, Literal(article.note, lang="en")))

    def write_concept(self, slug: str, e: Entry, scheme: str) -> None:
        item: m.Concept = e.item
        g, node = self.graph_for(e), self.iri(slug)
        scheme_iri = self.mint.item("scheme", scheme)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.prefLabel, Literal(item.label, lang="en")))
        self.label(g, node, item.label)
        g.add((node, SKOS.inScheme, scheme_iri))
        if item.broader:
            g.add((node, SKOS.broader, self.iri(item.broader)))
        if item.description:
            g.add((node, SKOS.definition, Literal(item.description, lang="en")))

    def write_topic(self, slug: str, e: Entry) -> None:
        self.write_concept(slug, e, "topics")

    def write_region(self, slug: str, e: Entry) -> None:
        self.write_concept(slug, e, "regions")

    def write_link(self, slug: str, e: Entry) -> None:
        link: m.Link = e.item
        g = self.ds.graph(self.mint.corpus_graph)
        cls, target = (PKG.Attack, link.attacks) if link.attacks else (PKG.Support, link.supports)
        assert target is not None
        self.relation(g, cls, link.source, target, editorial=link.reason, link_slug=slug)

    def write_mentions_and_statuses(self) -> None:
        for doc in self.r.documents:
            model: m.AnnotationFile = doc.source.model
            g = self.ds.graph(self.mint.document_graph(doc.slug))
            for i, mention in enumerate(model.mentions):
                self.annotate(g, self.iri(mention.of), f"{mention.of}#mention-{doc.slug}-{i}", doc)
            for i, status in enumerate(model.statuses):
                self.write_status(g, status.proposal, f"{status.proposal}#status-{doc.slug}-{i}", status, doc)
            for i, aff in enumerate(model.affiliations):
                key = f"{aff.actor}#affiliation-{doc.slug}-{i}"
                self.write_membership(g, aff.actor, f"{doc.slug}-{i + 1}", key, aff, doc)

    def write_shared(self) -> None:
        g = self.ds.graph(self.mint.corpus_graph)
        curators = self.mint.item("agent", CURATORS_SLUG)
        g.add((curators, RDF.type, PROV.Agent))
        self.label(g, curators, "The policykg curators")
        for scheme, label in (("topics", "Topics"), ("regions", "Regions")):
            node = self.mint.item("scheme", scheme)
            g.add((node, RDF.type, SKOS.ConceptScheme))
            self.label(g, node, f"policykg {label.lower()}")
        self.label(g, self.mint.corpus_graph, "Shared entities and the curators' cross-document links")

    def write(self) -> Dataset:
        writers = {
            DOCUMENT: self.write_document,
            ACTOR: self.write_actor,
            PROPOSAL: self.write_proposal,
            CLAIM: self.write_claim,
            STANCE: self.write_stance,
            FACT: self.write_fact,
            TREATY: self.write_treaty,
            PROVISION: self.write_provision,
            TOPIC: self.write_topic,
            REGION: self.write_region,
            LINK: self.write_link,
        }
        self.write_shared()
        for slug, entry in sorted(self.r.entries.items()):
            writers[entry.kind](slug, entry)
        self.write_mentions_and_statuses()
        onto = self.ds.graph(self.mint.ontology_graph)
        for triple in self.ontology:
            onto.add(triple)
        return self.ds


def write_dataset(resolved: Resolved, minter: Minter, ontology: Graph) -> Dataset:
    return Writer(resolved, minter, ontology).write()
