"""The corpus as an AIF argument map (AIFdb JSON), so argument-web tools (OVA, AIFdb, …) can open it.

Mapping (AIF / Inference Anchoring Theory):

* each proposal and claim → an I-node (its label; ``pkg:Proposal`` I-nodes carry ``"scheme": "Proposal"``);
* each quote anchor of a proposition → an L-node ("Speaker: quote") with a locution naming the participant, and a
  YA-node ("Asserting") from the L-node to the I-node;
* each support → an RA-node (premise I → RA → conclusion I), each attack → a CA-node (attacker I → CA → attacked I),
  an undercut → a CA-node whose target is the RA-node of the support it attacks;
* asserting actors → participants.

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
    + """SELECT ?p ?ann ?exact ?start ?end ?doc ?date ?speaker ?name WHERE {
  ?p a pkg:Proposition ; pkg:anchor ?ann .
  ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
  ?q a oa:TextQuoteSelector ; oa:exact ?exact . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?doc dcterms:date ?date }
  OPTIONAL { ?p pkg:assertedBy ?speaker . ?speaker rdfs:label ?name }
} ORDER BY ?ann ?speaker"""
)


def node_id(iri: str) -> str:
    """``https://w3id.org/policykg/id/claim/x`` → ``claim/x``."""
    return iri.split("/id/", 1)[-1]


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return (first, last) if first else (name, "")


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
        speakers = [(r["speaker"], r["name"]) for r in rows if r.get("speaker")]
        names = ", ".join(name for _, name in speakers) or "Author"
        lid = f"{node_id(ann)}#locution"
        nodes.append(
            {"nodeID": lid, "text": f"{names}: {first['exact']}", "type": "L", "timestamp": first.get("date", "")}
        )
        yid = f"{node_id(ann)}#asserting"
        nodes.append({"nodeID": yid, "text": "Asserting", "type": "YA", "timestamp": ""})
        edge(lid, yid)
        edge(yid, node_id(first["p"]))
        for speaker, name in speakers or [("", "Author")]:
            pid = node_id(speaker) if speaker else "author"
            firstname, surname = split_name(name)
            participants.setdefault(pid, {"participantID": pid, "firstname": firstname, "surname": surname})
            locutions.append(
                {
                    "nodeID": lid,
                    "personID": pid,
                    "timestamp": first.get("date", ""),
                    "start": int(first["start"]),
                    "end": int(first["end"]),
                    "source": first["doc"],
                }
            )
    return {"nodes": nodes, "edges": edges, "locutions": locutions, "participants": list(participants.values())}
