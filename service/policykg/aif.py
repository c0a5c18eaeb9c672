"""The corpus as an AIF argument map (AIFdb JSON), so argument-web tools (OVA, AIFdb, …) can open it.

Mapping (AIF / Inference Anchoring Theory):

* each proposal and claim → an I-node (its label; ``pkg:Proposal`` I-nodes carry ``"scheme": "Proposal"``);
* each quote anchor of a proposition → per speaker, an L-node ("Speaker: quote") with a locution naming the
  participant, and a YA-node ("Asserting") from the L-node to the I-node (AIFdb gives a locution one participant, so
  joint speakers get one L-node each, ids ``annotation/…#locution:actor/…``);
* each support → an RA-node (premise I → RA → conclusion I), each attack → a CA-node (attacker I → CA → attacked I),
  an undercut → a CA-node whose target is the RA-node of the support it attacks;
* asserting actors → participants. AIFdb's participant has only ``firstname`` and ``surname``: a person's name is
  split at its last space; any other actor (a state, an organisation, a group, an anonymous source, whose "name" is a
  description) keeps its whole name in ``firstname`` with ``surname`` empty, so the two joined give the name back.

Node ids are the resources' slugs (``claim/…``, ``support/…``), stable across exports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rows = list[dict[str, str]]
Select = Callable[[str], Rows]

PKG = "https://w3id.org/policykg/ontology#"
PREFIXES = f"""PREFIX pkg: <{PKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""

PROPOSITIONS = (
    PREFIXES
    + """SELECT ?p ?label ?proposal WHERE {
  ?p a pkg:Proposition ; rdfs:label ?label .
  BIND(EXISTS { ?p a pkg:Proposal } AS ?proposal)
} ORDER BY ?p"""
)
RELATIONS = (
    PREFIXES
    + """SELECT ?r ?kind ?source ?target WHERE {
  ?r pkg:relationSource ?source ; pkg:relationTarget ?target .
  { ?r a pkg:Support . BIND("RA" AS ?kind) } UNION { ?r a pkg:Attack . BIND("CA" AS ?kind) }
} ORDER BY ?r"""
)
LOCUTIONS = (
    PREFIXES
    + """SELECT ?p ?ann ?exact ?start ?end ?doc ?date ?speaker ?name ?person WHERE {
  ?p a pkg:Proposition ; pkg:anchor ?ann .
  ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL {
    ?p pkg:assertedBy ?speaker . ?speaker rdfs:label ?name .
    BIND(EXISTS { ?speaker a pkg:Person } && NOT EXISTS { ?speaker a pkg:AnonymousSource } AS ?person)
  }
} ORDER BY ?ann ?speaker"""
)


def node_id(iri: str) -> str:
    """``https://w3id.org/policykg/id/claim/x`` → ``claim/x``."""
    return iri.split("/id/", 1)[-1]


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


def participant(pid: str, name: str, person: bool) -> dict[str, str]:
    """Only a named person's name has a first name and a surname; splitting "United States of America" would not."""
    firstname, surname = split_name(name) if person else (name, "")
    return {"participantID": pid, "firstname": firstname, "surname": surname}


def speakers_of(rows: Rows) -> Rows:
    """One row per speaker (a second label or proposition must not repeat an L-node id); "Author" when none is named."""
    unique: dict[str, dict[str, str]] = {}
    for row in rows:
        if row.get("speaker"):
            unique.setdefault(row["speaker"], row)
    return list(unique.values()) or [{"speaker": "", "name": "Author", "person": "false"}]


def to_aif(select: Select) -> dict[str, Any]:
    """Build the AIFdb JSON document from a SPARQL SELECT function over the dataset."""
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    locutions: list[dict[str, Any]] = []
    participants: dict[str, dict[str, Any]] = {}

    def edge(source: str, target: str) -> None:
        edges.append({"edgeID": f"e{len(edges) + 1}", "fromID": source, "toID": target, "formEdgeID": None})

    for row in select(PROPOSITIONS):
        node = {"nodeID": node_id(row["p"]), "text": row["label"], "type": "I", "timestamp": ""}
        if row["proposal"] == "true":
            node["scheme"] = "Proposal"
        nodes.append(node)

    for row in select(RELATIONS):
        rid = node_id(row["r"])
        text = "Default Inference" if row["kind"] == "RA" else "Default Conflict"
        nodes.append({"nodeID": rid, "text": text, "type": row["kind"], "timestamp": ""})
        edge(node_id(row["source"]), rid)
        edge(rid, node_id(row["target"]))

    by_anchor: dict[str, list[dict[str, str]]] = {}
    for row in select(LOCUTIONS):
        by_anchor.setdefault(row["ann"], []).append(row)
    for ann, rows in by_anchor.items():
        first = rows[0]
        for speaker in speakers_of(rows):
            pid = node_id(speaker["speaker"]) if speaker["speaker"] else "author"
            participants.setdefault(pid, participant(pid, speaker["name"], speaker.get("person") == "true"))
            lid, yid = f"{node_id(ann)}#locution:{pid}", f"{node_id(ann)}#asserting:{pid}"
            date = first.get("date", "")
            nodes.append(
                {"nodeID": lid, "text": f"{speaker['name']}: {first['exact']}", "type": "L", "timestamp": date}
            )
            nodes.append({"nodeID": yid, "text": "Asserting", "type": "YA", "timestamp": ""})
            edge(lid, yid)
            edge(yid, node_id(first["p"]))
            locutions.append(
                {
                    "nodeID": lid,
                    "personID": pid,
                    "timestamp": date,
                    "start": int(first["start"]),
                    "end": int(first["end"]),
                    "source": first["doc"],
                }
            )
    return {"nodes": nodes, "edges": edges, "locutions": locutions, "participants": list(participants.values())}
