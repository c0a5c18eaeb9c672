"""Import an AIF / AIFdb JSON argument map as a new document graph, so existing argument-web corpora can be analysed
beside the policy corpus.

Mapping (the inverse of :mod:`policykg.aif`): participants → actors (plain ``pkg:Actor``: AIF does not say whether a
speaker is a person, a state or an organisation) who assert the claims their locutions introduce, not authors of the
document (AIF records who said what, not who wrote the map); I-nodes → claims (proposals when the node carries
``"scheme": "Proposal"``, with ``pkg:addresseeUnstated``: AIF does not record who should act); RA-nodes → supports (one
per premise); CA-nodes → attacks, or undercuts when they target an RA-node; MA-nodes → ``pkg:rephrases``; L-nodes with
their YA "Asserting" edges → who asserts which I-node. AIF maps have no source text, so the document's text is made from
the locutions (or, lacking them, the I-node texts) in order, one per line, and every proposition is anchored in it like
any annotated document.

Malformed or inconsistent input (an edge to a missing node, a CA or RA without premise or conclusion, an unknown
node type, duplicate ids) is refused with the node id and the reason; nothing is produced.

Types and properties the build's reasoner would infer (``pkg:Actor``, ``pkg:Proposition``, ``pkg:assertedBy`` of a
proposer) are stated, because graphs loaded through an endpoint are not reasoned and the API and the AIF export query
them. Ids are single-hyphen slugs (``aif-{title}-{node}-{hash}``), the shape the REST API accepts.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD

from .periods import check_period
from .vocab import OA, PKG, SCHEMA, Minter

NODE_TYPES = {"I", "L", "RA", "CA", "MA", "YA", "TA", "PA"}
# AIF has no addressee: the import says so rather than guess one (the proposer is not who should act).
ADDRESSEE_UNSTATED = "The AIF argument map does not say who should act."
UNATTRIBUTED = "The map records no locution, and so no speaker, for these propositions."


class AifError(ValueError):
    """The AIF document is malformed or inconsistent; ``problems`` lists (node id, reason)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"node {node}: {reason}" if node else reason for node, reason in problems))


@dataclass
class Imported:
    graph: Graph
    graph_iri: URIRef
    document: URIRef
    counts: dict[str, int]


def slugify(text: str) -> str:
    """Lowercase a-z0-9 words joined by single hyphens (cut before stripping, so no trailing hyphen is left)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:60].strip("-") or "untitled"


def document_date(date: str) -> Literal:
    """The date typed by its precision (xsd:gYear, gYearMonth, date); one the calendar lacks (2024-13, 2024-02-30)
    is refused rather than stored as an invalid literal."""
    try:
        check_period(date)
    except ValueError as error:
        raise AifError([("", f"date must be a real YYYY, YYYY-MM or YYYY-MM-DD, not {date!r}")]) from error
    return Literal(date, datatype={4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(date)])


def local_id(slug: str, nid: str, part: int = 0) -> str:
    """A unique, deterministic id for a node of the map: readable words and a hash of (document, node, part)."""
    digest = hashlib.sha1(f"{slug}\n{nid}\n{part}".encode()).hexdigest()[:8]
    return f"{slug}-{slugify(nid)}-{digest}"


def _check(aif: Any) -> tuple[dict[str, dict], list[dict], dict[str, list[str]], dict[str, list[str]]]:
    problems: list[tuple[str, str]] = []
    if not isinstance(aif, dict) or not isinstance(aif.get("nodes"), list) or not isinstance(aif.get("edges"), list):
        raise AifError([("", "an AIF document is a JSON object with 'nodes' and 'edges' lists")])
    nodes: dict[str, dict] = {}
    for node in aif["nodes"]:
        if not isinstance(node, dict) or "nodeID" not in node or "type" not in node:
            raise AifError([("", f"a node needs 'nodeID' and 'type': {str(node)[:80]}")])
        nid = str(node["nodeID"])
        if nid in nodes:
            problems.append((nid, "duplicate nodeID"))
        if node["type"] not in NODE_TYPES:
            problems.append((nid, f"unknown node type {node['type']!r}"))
        if node["type"] in ("I", "L") and not str(node.get("text", "")).strip():
            problems.append((nid, f"{node['type']}-node without text"))
        nodes[nid] = node
    incoming: dict[str, list[str]] = defaultdict(list)
    outgoing: dict[str, list[str]] = defaultdict(list)
    for edge in aif["edges"]:
        source, target = str(edge.get("fromID")), str(edge.get("toID"))
        for end in (source, target):
            if end not in nodes:
                problems.append((end, f"edge {edge.get('edgeID')} refers to a node that does not exist"))
        outgoing[source].append(target)
        incoming[target].append(source)
    for nid, node in nodes.items():
        kind = node["type"]
        if kind in ("RA", "CA", "MA"):
            premises = [p for p in incoming[nid] if p in nodes and nodes[p]["type"] == "I"]
            if not premises:
                problems.append((nid, f"{kind}-node with no premise (no edge from an I-node)"))
            for other in incoming[nid]:
                if other in nodes and nodes[other]["type"] not in ("I", "CA"):
                    problems.append((nid, f"{kind}-node has an edge from {other}, a {nodes[other]['type']}-node"))
            if len(outgoing[nid]) != 1:
                what = "target" if kind == "CA" else "conclusion"
                problems.append((nid, f"{kind}-node needs exactly one {what}, has {len(outgoing[nid])}"))
            allowed = {"I", "RA"} if kind == "CA" else {"I"}
            for target in outgoing[nid]:
                if target in nodes and nodes[target]["type"] not in allowed:
                    problems.append((nid, f"{kind}-node points to {target}, a {nodes[target]['type']}-node"))
    if problems:
        raise AifError(sorted(set(problems)))
    return nodes, aif["edges"], incoming, outgoing


def from_aif(aif: Any, title: str, date: str, minter: Minter | None = None, ontology: Graph | None = None) -> Imported:
    """Map an AIF JSON document to RDF: one named graph for the new document. With ``ontology``, the graph also
    states what the build's reasoner would infer about it (OWL 2 RL: ``pkg:attackedBy``, ``pkg:ContestedProposal``,
    ``pkg:Objection`` …), since a graph loaded through an endpoint is not reasoned."""
    nodes, _edges, incoming, outgoing = _check(aif)
    if not title.strip():
        raise AifError([("", "a title is required")])
    dated = document_date(date)
    mint = minter or Minter()
    slug = f"aif-{slugify(title)}"
    doc = mint.item("document", slug)
    graph_iri = mint.document_graph(slug)
    g = Graph()

    def iri(kind: str, nid: str, part: int = 0) -> URIRef:
        return mint.item(kind, local_id(slug, nid, part))

    # who asserts what: L -> YA -> I
    speakers: dict[str, list[str]] = defaultdict(list)
    for loc in aif.get("locutions") or []:
        speakers[str(loc.get("nodeID"))].append(str(loc.get("personID")))
    asserted: dict[str, set[str]] = defaultdict(set)
    lnode_of: dict[str, str] = {}
    for nid, node in nodes.items():
        if node["type"] == "YA":
            for lnode in incoming[nid]:
                for inode in outgoing[nid]:
                    if nodes[lnode]["type"] == "L" and nodes[inode]["type"] == "I":
                        asserted[inode].update(speakers.get(lnode, []))
                        lnode_of.setdefault(inode, lnode)

    # the synthetic text: one line per I-node, the locution text where there is one
    text_lines, spans = [], {}
    offset = 0
    for nid, node in nodes.items():
        if node["type"] != "I":
            continue
        line = str(nodes[lnode_of[nid]]["text"]) if nid in lnode_of else str(node["text"])
        spans[nid] = (offset, offset + len(line))
        text_lines.append(line)
        offset += len(line) + 1
    text = "\n".join(text_lines)

    g.add((doc, RDF.type, PKG.Document))
    g.add((doc, RDFS.label, Literal(title, lang="en")))
    g.add((doc, DCTERMS.title, Literal(title, lang="en")))
    g.add((doc, DCTERMS.date, dated))
    g.add((doc, DCTERMS.identifier, Literal(slug)))
    g.add((doc, SCHEMA.text, Literal(text)))
    g.add((doc, PKG.textSha256, Literal(hashlib.sha256(text.encode("utf-8")).hexdigest())))
    g.add((doc, PKG.venueNote, Literal("Imported from an AIF argument map; the text is made from its locutions.")))
    g.add((graph_iri, RDFS.label, Literal(f"Imported AIF map: {title}", lang="en")))

    participants = {str(p.get("participantID")): p for p in aif.get("participants") or []}
    actor_iris: dict[str, URIRef] = {}
    for pid in sorted({p for people in asserted.values() for p in people} | set(participants)):
        person = participants.get(pid, {})
        name = (
            " ".join(str(person.get(k, "")).strip() for k in ("firstname", "surname")).strip() or f"Participant {pid}"
        )
        actor = iri("actor", pid)
        actor_iris[pid] = actor
        g.add((actor, RDF.type, PKG.Actor))
        g.add((actor, RDFS.label, Literal(name, lang="en")))
        g.add((actor, FOAF.name, Literal(name)))

    arguer: list[URIRef] = []  # the map's unnamed arguer, made when a proposition has no speaker

    def unattributed() -> URIRef:
        if not arguer:
            actor = iri("actor", "#unattributed")  # "#": not a participant id of the map
            arguer.append(actor)
            name = f"Unattributed in the AIF map “{title.strip()}”"
            g.add((actor, RDF.type, PKG.Actor))
            g.add((actor, RDFS.label, Literal(name, lang="en")))
            g.add((actor, RDFS.comment, Literal(UNATTRIBUTED, lang="en")))
        return arguer[0]

    counts = defaultdict(int)
    for nid, node in nodes.items():
        if node["type"] != "I":
            continue
        prop = iri("proposal" if node.get("scheme") == "Proposal" else "claim", nid)
        is_proposal = node.get("scheme") == "Proposal"
        g.add((prop, RDF.type, PKG.Proposal if is_proposal else PKG.Claim))
        g.add((prop, RDF.type, PKG.Proposition))
        g.add((prop, RDFS.label, Literal(str(node["text"]), lang="en")))
        people = [actor_iris[p] for p in sorted(asserted.get(nid, ())) if p in actor_iris]
        if not people:  # no locution says who: the map's unnamed arguer, not a guessed participant
            people = [unattributed()]
        for actor in people:
            g.add((prop, PKG.assertedBy, actor))
            if is_proposal:
                g.add((prop, PKG.proposedBy, actor))
        if is_proposal:
            g.add((prop, PKG.action, Literal(str(node["text"]), lang="en")))
            g.add((prop, PKG.addresseeUnstated, Literal(ADDRESSEE_UNSTATED)))
        start, end = spans[nid]
        _anchor(g, prop, doc, text, start, end)
        counts["proposals" if is_proposal else "claims"] += 1

    node_iri: dict[str, URIRef] = {}
    for nid, node in nodes.items():
        if node["type"] == "I":
            node_iri[nid] = iri("proposal" if node.get("scheme") == "Proposal" else "claim", nid)
    relations = [(nid, n) for nid, n in nodes.items() if n["type"] in ("RA", "CA", "MA")]
    for nid, node in sorted(relations, key=lambda r: r[1]["type"] != "RA"):  # supports first: undercuts need them
        (target,) = outgoing[nid]
        if node["type"] == "MA":
            for premise in incoming[nid]:
                g.add((node_iri[premise], PKG.rephrases, node_iri[target]))
            continue
        cls = PKG.Support if node["type"] == "RA" else PKG.Attack
        premises = sorted(p for p in incoming[nid] if nodes[p]["type"] == "I")
        for i, premise in enumerate(premises):
            rel = iri("support" if cls == PKG.Support else "attack", nid, i)
            node_iri.setdefault(nid, rel)
            g.add((rel, RDF.type, cls))
            if nodes[target]["type"] == "RA":
                g.add((rel, RDF.type, PKG.Undercut))
            g.add((rel, RDFS.label, Literal(f"{node['type']} {nid}", lang="en")))
            g.add((rel, PKG.relationSource, node_iri[premise]))
            target_iri = node_iri[target]
            g.add((rel, PKG.relationTarget, target_iri))
            if nodes[target]["type"] == "I":
                g.add((node_iri[premise], PKG.supports if cls == PKG.Support else PKG.attacks, target_iri))
            counts["supports" if cls == PKG.Support else "attacks"] += 1
    counts["actors"] = len(actor_iris) + len(arguer)
    if ontology is not None:
        from .build.reason import infer

        inferred, _ = infer(ontology, g, [doc], use_hermit=False)
        g += inferred
    return Imported(g, graph_iri, doc, dict(counts))


def _anchor(g: Graph, body: URIRef, doc: URIRef, text: str, start: int, end: int) -> None:
    ann = URIRef(f"{body}/anchor")
    target, quote, pos = URIRef(f"{ann}/target"), URIRef(f"{ann}/quote"), URIRef(f"{ann}/position")
    g.add((body, PKG.anchor, ann))
    g.add((body, PKG.statedIn, doc))
    g.add((ann, RDF.type, OA.Annotation))
    g.add((ann, RDFS.label, Literal(f"Anchor at {start}-{end}", lang="en")))
    g.add((ann, OA.hasBody, body))
    g.add((ann, OA.hasTarget, target))
    g.add((target, RDF.type, OA.SpecificResource))
    g.add((target, OA.hasSource, doc))
    g.add((target, OA.hasSelector, quote))
    g.add((target, OA.hasSelector, pos))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(text[start:end])))
    g.add((quote, OA.prefix, Literal(text[max(0, start - 32) : start])))
    g.add((quote, OA.suffix, Literal(text[end : end + 32])))
    g.add((pos, RDF.type, OA.TextPositionSelector))
    g.add((pos, OA.start, Literal(start)))
    g.add((pos, OA.end, Literal(end)))
