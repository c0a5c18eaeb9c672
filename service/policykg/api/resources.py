"""The analyst's resources (proposals, actors, claims, documents) assembled from SPARQL answers.

Everything goes through a ``select(query, bindings)`` coroutine, so the same code serves the embedded store and a
remote one. Each query binds the resource's IRI by substitution (``?this``), never by splicing text. Answers are plain
JSON-ready dicts; the JSON-LD ``@context`` (``CONTEXT``) makes each of them Linked Data too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pyoxigraph as ox

Row = dict[str, str]
Select = Callable[[str, dict[str, ox.NamedNode | ox.Literal]], Awaitable[list[Row]]]

BASE = "https://w3id.org/policykg/"
ID = BASE + "id/"
PKG = BASE + "ontology#"

PREFIXES = f"""PREFIX pkg: <{PKG}>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

_DC = "http://purl.org/dc/terms/"


def _link(iri: str) -> dict[str, str]:
    return {"@id": iri, "@type": "@id"}


CONTEXT: dict[str, Any] = {
    # ``type`` values (Proposal, Claim, Actor, Document) are the ontology's classes; every other key is mapped to the
    # term the RDF uses, or to null where the JSON shape does not match a term (a display string where the ontology
    # has a concept, a summary, a paging field): a JSON-LD reader then skips it instead of minting an undefined term.
    "@vocab": PKG,
    "iri": "@id",
    "type": "@type",
    "items": "@graph",
    "label": "http://www.w3.org/2000/01/rdf-schema#label",
    "title": _DC + "title",
    "date": _DC + "date",
    "text": "https://schema.org/text",
    "wikidata": _link("http://www.w3.org/2002/07/owl#sameAs"),
    "aliases": PKG + "alias",
    "proposers": _link(PKG + "proposedBy"),
    "addressees": _link(PKG + "addressee"),
    "asserted_by": _link(PKG + "assertedBy"),
    "raised_by": _link(PKG + "assertedBy"),
    "reported_by": _link(PKG + "reportedBy"),
    "documents": _link(PKG + "statedIn"),
    "supports": _link(PKG + "supports"),
    "attacks": _link(PKG + "attacks"),
    "supported_by": _link(PKG + "supportedBy"),
    "supporting": _link(PKG + "supportedBy"),
    "attacked_by": _link(PKG + "attackedBy"),
    "objections": _link(PKG + "attackedBy"),
    "rebuttals": _link(PKG + "attackedBy"),
    "cites": _link(PKG + "cites"),
    "part_of": _link(PKG + "partOf"),
    "parts": {"@reverse": PKG + "partOf"},
    "acceptability": {"@id": PKG + "acceptability", "@type": "@vocab"},  # "IN" is the concept pkg:IN
    "action": PKG + "action",
    "condition": PKG + "condition",
    "addressee_unstated": PKG + "addresseeUnstated",
    "affiliations": _link(PKG + "affiliation"),
    "members": {"@reverse": PKG + "affiliation"},
    "nationality": _link(PKG + "nationality"),
    "proposals_made": {"@reverse": PKG + "proposedBy"},
    "proposals_addressed": {"@reverse": PKG + "addressee"},
    "claims_asserted": {"@reverse": PKG + "assertedBy"},
    "documents_authored": {"@reverse": _DC + "creator"},
    "authors": _link(_DC + "creator"),
    "publisher": _link(_DC + "publisher"),
    "date_inferred": PKG + "dateInferred",
    "title_inferred": PKG + "titleInferred",
    "article_end": {"@id": PKG + "articleEnd", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
    "exact": "http://www.w3.org/ns/oa#exact",
    "start": "http://www.w3.org/ns/oa#start",
    "end": "http://www.w3.org/ns/oa#end",
    **dict.fromkeys(
        [
            "id",
            "total",
            "limit",
            "offset",
            "statement",
            "contested",
            "cost",
            "status",
            "stances",
            "quotes",
            "kind",
            "kinds",
            "classes",
            "types",
            "polarity",
            "proposal",
            "document",
            "annotations",
            "related",
            "role",
            "organisation",
            "anticipated",
            "description",
            "held_at",
            "former",
            "actor",
            "amount",
            "currency",
            "qualifier",
            "period",
            "t",
            "d",
            "this",
            "score",
            "query",
            "snippet",
            "treaty",
            "article",
        ]
    ),
}


def iri_of(kind: str, slug: str) -> str:
    return f"{ID}{kind}/{slug}"


def slug_of(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def ref(iri: str, label: str | None = None, **extra: Any) -> dict[str, Any]:
    """A link to another resource: its id, IRI and label (what a client needs to show and follow it)."""
    return {"id": slug_of(iri), "iri": iri, "label": label, **{k: v for k, v in extra.items() if v is not None}}


def unique(items: list[dict[str, Any]], key: str = "iri") -> list[dict[str, Any]]:
    seen, out = set(), []
    for item in items:
        if item[key] not in seen:
            seen.add(item[key])
            out.append(item)
    return out


def number(value: str | None) -> int | float | None:
    if value is None:
        return None
    as_float = float(value)
    return int(as_float) if as_float.is_integer() and "." not in value and "E" not in value.upper() else as_float


class NotFound(LookupError):
    """No resource of that kind with that id."""


async def exists(select: Select, iri: str, cls: str) -> None:
    rows = await select(PREFIXES + f"SELECT ?this WHERE {{ ?this a pkg:{cls} }}", {"this": ox.NamedNode(iri)})
    if not rows:
        raise NotFound(iri)


# -- shared pieces -----------------------------------------------------------------------------------------------

QUOTES = (
    PREFIXES
    + """SELECT ?this ?doc ?title ?date ?exact ?start ?end WHERE {
  ?this pkg:anchor ?ann . ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
  ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
  ?doc dcterms:title ?title ; dcterms:date ?date .
} ORDER BY ?date ?start"""
)


async def quotes(select: Select, iri: str) -> list[dict[str, Any]]:
    rows = await select(QUOTES, {"this": ox.NamedNode(iri)})
    return [
        {
            "document": ref(r["doc"], r["title"], date=r["date"]),
            "exact": r["exact"],
            "start": int(r["start"]),
            "end": int(r["end"]),
        }
        for r in rows
    ]


async def labelled(select: Select, iri: str, prop: str, inverse: bool = False) -> list[dict[str, Any]]:
    """Resources linked to ``iri`` by ``prop`` (or pointing to it, when ``inverse``), with their labels."""
    pattern = f"?x {prop} ?this" if inverse else f"?this {prop} ?x"
    rows = await select(
        PREFIXES + f"SELECT ?this ?x ?label WHERE {{ {pattern} . OPTIONAL {{ ?x rdfs:label ?label }} }} ORDER BY ?x",
        {"this": ox.NamedNode(iri)},
    )
    return unique([ref(r["x"], r.get("label")) for r in rows])


# -- proposals ---------------------------------------------------------------------------------------------------

PROPOSAL_LIST = (
    PREFIXES
    + """SELECT ?p ?label ?contested ?acceptability ?actor ?actorLabel ?role ?doc ?docTitle ?docDate WHERE {
  ?p a pkg:Proposal ; rdfs:label ?label .
  BIND(EXISTS { ?p a pkg:ContestedProposal } AS ?contested)
  OPTIONAL { ?p pkg:acceptability/skos:prefLabel ?acceptability }
  OPTIONAL {
    { ?p pkg:proposedBy ?actor . BIND("proposer" AS ?role) }
    UNION { ?p pkg:addressee ?actor . BIND("addressee" AS ?role) }
    ?actor rdfs:label ?actorLabel }
  OPTIONAL { ?p pkg:statedIn ?doc . ?doc dcterms:title ?docTitle ; dcterms:date ?docDate }
}"""
)


async def list_proposals(
    select: Select,
    actor: str | None = None,
    document: str | None = None,
    topic: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> dict[str, Any]:
    """A page of the proposals, filtered by actor (proposer or addressee), document, topic and document dates."""
    rows = await select(PROPOSAL_LIST, {})
    topics: set[str] | None = None
    if topic:
        topic_rows = await select(
            PREFIXES
            + "SELECT ?t ?p WHERE { ?p a pkg:Proposal . { ?p pkg:topic ?t } UNION { ?p pkg:statedIn/pkg:topic ?t } }",
            {"t": ox.NamedNode(iri_of("topic", topic))},
        )
        topics = {r["p"] for r in topic_rows}
    items: dict[str, dict[str, Any]] = {}
    for r in rows:
        item = items.setdefault(
            r["p"],
            {
                "id": slug_of(r["p"]),
                "iri": r["p"],
                "label": r["label"],
                "contested": r["contested"] in ("true", "1"),
                "acceptability": r.get("acceptability"),
                "proposers": [],
                "addressees": [],
                "documents": [],
            },
        )
        if r.get("actor"):
            key = "proposers" if r["role"] == "proposer" else "addressees"
            item[key].append(ref(r["actor"], r["actorLabel"]))
        if r.get("doc"):
            item["documents"].append(ref(r["doc"], r["docTitle"], date=r["docDate"]))
    result = []
    for item in items.values():
        for key in ("proposers", "addressees", "documents"):
            item[key] = unique(item[key])
        if actor and actor not in {a["id"] for a in item["proposers"] + item["addressees"]}:
            continue
        if document and document not in {d["id"] for d in item["documents"]}:
            continue
        if topics is not None and item["iri"] not in topics:
            continue
        dates = [d["date"] for d in item["documents"]]
        if date_from and not any(d[: len(date_from)] >= date_from[: len(d)] for d in dates):
            continue
        if date_to and not any(d[: len(date_to)] <= date_to[: len(d)] for d in dates):
            continue
        result.append(item)
    result.sort(key=lambda i: (min((d["date"] for d in i["documents"]), default=""), i["label"]))
    return {"total": len(result), "limit": limit, "offset": offset, "items": result[offset : offset + limit]}


PROPOSAL_CORE = (
    PREFIXES
    + """SELECT ?this ?label ?action ?condition ?addresseeUnstated ?contested ?acceptability ?parent ?parentLabel
WHERE {
  ?this a pkg:Proposal ; rdfs:label ?label .
  OPTIONAL { ?this pkg:action ?action }
  OPTIONAL { ?this pkg:condition ?condition }
  OPTIONAL { ?this pkg:addresseeUnstated ?addresseeUnstated }
  BIND(EXISTS { ?this a pkg:ContestedProposal } AS ?contested)
  OPTIONAL { ?this pkg:acceptability/skos:prefLabel ?acceptability }
  OPTIONAL { ?this pkg:partOf ?parent . ?parent rdfs:label ?parentLabel .
             FILTER NOT EXISTS { ?this pkg:partOf ?mid . ?mid pkg:partOf ?parent . FILTER(?mid != ?parent) } }
}"""
)
COST = (
    PREFIXES
    + """SELECT ?this ?amount ?currency ?period ?qualifier WHERE {
  ?this pkg:hasCost ?c . ?c schema:value ?amount ; schema:currency ?currency .
  OPTIONAL { ?c pkg:period ?period } OPTIONAL { ?c pkg:qualifier/skos:prefLabel ?qualifier }
}"""
)
STATUS = (
    PREFIXES
    + """SELECT ?this ?s ?status ?date ?inferred ?doc ?title WHERE {
  ?this pkg:hasStatus ?s . ?s pkg:status/skos:prefLabel ?status ; pkg:statedIn ?doc . ?doc dcterms:title ?title .
  OPTIONAL { ?s dcterms:date ?date }
  OPTIONAL { ?s pkg:dateInferred ?inferred }
} ORDER BY ?date"""
)
OBJECTIONS = (
    PREFIXES
    + """SELECT ?this ?o ?label ?anticipated ?acceptability ?who ?whoLabel ?stmtDate WHERE {
  ?o pkg:attacks ?this ; rdfs:label ?label .
  BIND(EXISTS { ?o a pkg:AnticipatedObjection } AS ?anticipated)
  OPTIONAL { ?o pkg:acceptability/skos:prefLabel ?acceptability }
  OPTIONAL { ?o pkg:assertedBy ?who . ?who rdfs:label ?whoLabel }
  OPTIONAL { ?o pkg:statementDate ?stmtDate }
}"""
)
CITES = (
    PREFIXES
    + """SELECT ?this ?x ?label ?treaty ?treatyLabel ?number WHERE {
  ?this pkg:cites ?x . ?x rdfs:label ?label .
  OPTIONAL { ?x pkg:provisionOf ?treaty . ?treaty rdfs:label ?treatyLabel }
  OPTIONAL { ?x pkg:articleNumber ?number }
}"""
)
STANCES_ON = (
    PREFIXES
    + """SELECT ?this ?s ?actor ?actorLabel ?polarity ?date ?inferred ?doc ?title ?reporter ?reporterLabel WHERE {
  ?s pkg:onProposal ?this ; pkg:holder ?actor ; pkg:polarity/skos:prefLabel ?polarity ; dcterms:date ?date ;
     pkg:statedIn ?doc .
  ?actor rdfs:label ?actorLabel . ?doc dcterms:title ?title .
  OPTIONAL { ?s pkg:dateInferred ?inferred }
  OPTIONAL { ?s pkg:reportedBy ?reporter . ?reporter rdfs:label ?reporterLabel }
} ORDER BY ?date ?actorLabel"""
)


async def proposition_refs(select: Select, iri: str) -> dict[str, Any]:
    """Claims that attack/support this proposition, and what it attacks/supports, each with its holders."""
    rows = await select(
        PREFIXES
        + """SELECT ?this ?dir ?x ?label ?kind ?who ?whoLabel WHERE {
  { ?x pkg:supports ?this . BIND("supported_by" AS ?dir) } UNION { ?x pkg:attacks ?this . BIND("attacked_by" AS ?dir) }
  UNION { ?this pkg:supports ?x . BIND("supports" AS ?dir) } UNION { ?this pkg:attacks ?x . BIND("attacks" AS ?dir) }
  ?x rdfs:label ?label .
  BIND(IF(EXISTS { ?x a pkg:Proposal }, "proposal", "claim") AS ?kind)
  OPTIONAL { ?x pkg:assertedBy ?who . ?who rdfs:label ?whoLabel }
} ORDER BY ?x""",
        {"this": ox.NamedNode(iri)},
    )
    out: dict[str, dict[str, dict[str, Any]]] = {"supports": {}, "attacks": {}, "supported_by": {}, "attacked_by": {}}
    for r in rows:
        item = out[r["dir"]].setdefault(r["x"], ref(r["x"], r["label"], kind=r["kind"], asserted_by=[]))
        if r.get("who"):
            item["asserted_by"] = unique([*item["asserted_by"], ref(r["who"], r["whoLabel"])])
    return {k: list(v.values()) for k, v in out.items()}


async def get_proposal(select: Select, slug: str) -> dict[str, Any]:
    iri = iri_of("proposal", slug)
    this = {"this": ox.NamedNode(iri)}
    core = await select(PROPOSAL_CORE, this)
    if not core:
        raise NotFound(iri)
    c = core[0]
    costs = await select(COST, this)
    statuses = await select(STATUS, this)
    refs = await proposition_refs(select, iri)
    objection_rows = await select(OBJECTIONS, this)
    objections = []
    for o_iri in dict.fromkeys(r["o"] for r in objection_rows):
        rows = [r for r in objection_rows if r["o"] == o_iri]
        answer_refs = await proposition_refs(select, o_iri)
        o_quotes = await quotes(select, o_iri)
        cited = await select(CITES, {"this": ox.NamedNode(o_iri)})
        objections.append(
            {
                **ref(o_iri, rows[0]["label"]),
                "text": rows[0]["label"],
                "anticipated": rows[0]["anticipated"] in ("true", "1"),
                "acceptability": rows[0].get("acceptability"),
                "raised_by": unique([ref(r["who"], r["whoLabel"]) for r in rows if r.get("who")]),
                "date": rows[0].get("stmtDate") or (o_quotes[0]["document"]["date"] if o_quotes else None),
                "documents": unique([q["document"] for q in o_quotes]),
                "quotes": o_quotes,
                "cites": [
                    ref(
                        r["x"],
                        r["label"],
                        treaty=ref(r["treaty"], r["treatyLabel"]) if r.get("treaty") else None,
                        article=r.get("number"),
                    )
                    for r in cited
                ],
                "rebuttals": answer_refs["attacked_by"],
                "supported_by": answer_refs["supported_by"],
            }
        )
    stances = [
        {
            "iri": r["s"],
            "actor": ref(r["actor"], r["actorLabel"]),
            "polarity": r["polarity"],
            "date": r["date"],
            "date_inferred": r.get("inferred"),
            "document": ref(r["doc"], r["title"]),
            "reported_by": ref(r["reporter"], r["reporterLabel"]) if r.get("reporter") else None,
            "quotes": await quotes(select, r["s"]),
        }
        for r in await select(STANCES_ON, this)
    ]
    children = await labelled(select, iri, "pkg:partOf", inverse=True)
    own_quotes = await quotes(select, iri)
    return {
        "id": slug,
        "iri": iri,
        "type": "Proposal",
        "label": c["label"],
        "statement": own_quotes[0]["exact"] if own_quotes else c["label"],
        "action": c.get("action"),
        "condition": c.get("condition"),
        "contested": c["contested"] in ("true", "1"),
        "acceptability": c.get("acceptability"),
        "proposers": await labelled(select, iri, "pkg:proposedBy"),
        "addressees": await labelled(select, iri, "pkg:addressee"),
        "addressee_unstated": c.get("addresseeUnstated"),  # why the source does not say who should act
        "cost": (
            {
                "amount": number(costs[0]["amount"]),
                "currency": costs[0]["currency"],
                "period": costs[0].get("period"),
                "qualifier": costs[0].get("qualifier"),
            }
            if costs
            else None
        ),
        "status": [
            {
                "status": r["status"],
                "date": r.get("date"),
                "date_inferred": r.get("inferred"),
                "document": ref(r["doc"], r["title"]),
            }
            for r in statuses
        ],
        "supporting": refs["supported_by"],
        "objections": objections,
        "stances": stances,
        "related": {
            "part_of": ref(c["parent"], c["parentLabel"]) if c.get("parent") else None,
            "parts": children,
            "supports": refs["supports"],
            "attacks": refs["attacks"],
        },
        "quotes": own_quotes,
        "documents": unique([q["document"] for q in own_quotes]),
    }


# -- actors ------------------------------------------------------------------------------------------------------

ACTOR_KINDS = [
    "AnonymousSource",
    "Person",
    "State",
    "Alliance",
    "IntergovernmentalOrganisation",
    "GovernmentBody",
    "ThinkTank",
    "Company",
    "NewsAgency",
    "NewsPublisher",
    "Group",
    "Organisation",
]
ACTOR_LIST = (
    PREFIXES
    + """SELECT ?a ?label ?type ?wikidata WHERE {
  ?a a pkg:Actor ; rdfs:label ?label ; a ?type . FILTER(STRSTARTS(STR(?type), STR(pkg:)))
  OPTIONAL { ?a owl:sameAs ?wikidata . FILTER(STRSTARTS(STR(?wikidata), "http://www.wikidata.org/entity/")) }
} ORDER BY ?label"""
)


def most_specific_kind(types: set[str]) -> str:
    for kind in ACTOR_KINDS:
        if PKG + kind in types:
            return kind
    return "Actor"


async def list_actors(select: Select, kind: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    rows = await select(ACTOR_LIST, {})
    actors: dict[str, dict[str, Any]] = {}
    types: dict[str, set[str]] = {}
    for r in rows:
        actor = actors.setdefault(r["a"], {"id": slug_of(r["a"]), "iri": r["a"], "label": r["label"], "wikidata": []})
        if r.get("wikidata") and r["wikidata"] not in actor["wikidata"]:  # a list, as in the actor's own answer
            actor["wikidata"] = sorted([*actor["wikidata"], r["wikidata"]])
        types.setdefault(r["a"], set()).add(r["type"])
    items = []
    for iri, actor in actors.items():
        actor["kind"] = most_specific_kind(types[iri])
        if kind is None or actor["kind"] == kind:
            items.append(actor)
    return {"total": len(items), "limit": limit, "offset": offset, "items": items[offset : offset + limit]}


async def get_actor(select: Select, slug: str) -> dict[str, Any]:
    iri = iri_of("actor", slug)
    this = {"this": ox.NamedNode(iri)}
    rows = await select(
        PREFIXES
        + """SELECT ?this ?label ?type ?comment ?alias ?same ?nationality ?nationalityLabel WHERE {
  ?this a pkg:Actor ; rdfs:label ?label ; a ?type .
  OPTIONAL { ?this rdfs:comment ?comment } OPTIONAL { ?this pkg:alias ?alias }
  OPTIONAL { ?this owl:sameAs ?same }
  OPTIONAL { ?this pkg:nationality ?nationality . ?nationality rdfs:label ?nationalityLabel }
}""",
        this,
    )
    if not rows:
        raise NotFound(iri)
    memberships = await select(
        PREFIXES
        + """SELECT ?this ?m ?org ?orgLabel ?role ?held ?former ?member ?memberLabel WHERE {
  { ?m org:member ?this ; org:organization ?org . ?org rdfs:label ?orgLabel .
    BIND(?this AS ?member) BIND(?orgLabel AS ?memberLabel) }
  UNION { ?m org:organization ?this ; org:member ?member . ?member rdfs:label ?memberLabel . BIND(?this AS ?org) }
  OPTIONAL { ?m org:role/rdfs:label ?role } OPTIONAL { ?m pkg:heldAt ?held } OPTIONAL { ?m pkg:former ?former }
}""",
        this,
    )
    stances = await select(
        PREFIXES
        + """SELECT ?this ?s ?p ?pLabel ?polarity ?date ?doc ?title WHERE {
  ?s pkg:holder ?this ; pkg:onProposal ?p ; pkg:polarity/skos:prefLabel ?polarity ; dcterms:date ?date ;
     pkg:statedIn ?doc . ?p rdfs:label ?pLabel . ?doc dcterms:title ?title .
} ORDER BY ?date""",
        this,
    )
    first = rows[0]
    return {
        "id": slug,
        "iri": iri,
        "type": "Actor",
        "label": first["label"],
        "kind": most_specific_kind({r["type"] for r in rows}),
        "description": first.get("comment"),
        "aliases": sorted({r["alias"] for r in rows if r.get("alias")}),
        "wikidata": sorted({r["same"] for r in rows if r.get("same")}),
        "nationality": ref(first["nationality"], first["nationalityLabel"]) if first.get("nationality") else None,
        "affiliations": [
            {
                "organisation": ref(r["org"], r["orgLabel"]),
                "role": r.get("role"),
                "held_at": r.get("held"),
                "former": r.get("former") in ("true", "1"),
            }
            for r in memberships
            if r["member"] == iri
        ],
        "members": unique(
            [ref(r["member"], r["memberLabel"], role=r.get("role")) for r in memberships if r["member"] != iri]
        ),
        "proposals_made": await labelled(select, iri, "pkg:proposedBy", inverse=True),
        "proposals_addressed": await labelled(select, iri, "pkg:addressee", inverse=True),
        "claims_asserted": [
            c for c in await labelled(select, iri, "pkg:assertedBy", inverse=True) if "/claim/" in c["iri"]
        ],
        "stances": [
            {
                "iri": r["s"],
                "proposal": ref(r["p"], r["pLabel"]),
                "polarity": r["polarity"],
                "date": r["date"],
                "document": ref(r["doc"], r["title"]),
            }
            for r in stances
        ],
        "documents_authored": await labelled(select, iri, "dcterms:creator", inverse=True),
    }


# -- claims ------------------------------------------------------------------------------------------------------


async def get_claim(select: Select, slug: str) -> dict[str, Any]:
    iri = iri_of("claim", slug)
    this = {"this": ox.NamedNode(iri)}
    rows = await select(
        PREFIXES
        + """SELECT ?this ?label ?type ?acceptability ?stmtDate WHERE {
  ?this a pkg:Claim ; rdfs:label ?label ; a ?type . FILTER(STRSTARTS(STR(?type), STR(pkg:)))
  OPTIONAL { ?this pkg:acceptability/skos:prefLabel ?acceptability }
  OPTIONAL { ?this pkg:statementDate ?stmtDate }
}""",
        this,
    )
    if not rows:
        raise NotFound(iri)
    types = {r["type"].removeprefix(PKG) for r in rows}
    own_quotes = await quotes(select, iri)
    refs = await proposition_refs(select, iri)
    return {
        "id": slug,
        "iri": iri,
        "type": "Claim",
        "label": rows[0]["label"],
        "text": own_quotes[0]["exact"] if own_quotes else rows[0]["label"],
        "classes": sorted(types & {"Objection", "Rebuttal", "AnticipatedObjection"}),
        "acceptability": rows[0].get("acceptability"),
        "date": rows[0].get("stmtDate"),
        "asserted_by": await labelled(select, iri, "pkg:assertedBy"),
        "reported_by": await labelled(select, iri, "pkg:reportedBy"),
        "cites": await labelled(select, iri, "pkg:cites"),
        **refs,
        "quotes": own_quotes,
        "documents": unique([q["document"] for q in own_quotes]),
    }


# -- documents ---------------------------------------------------------------------------------------------------

DOCUMENT_LIST = (
    PREFIXES
    + """SELECT ?d ?title ?date ?type ?dateInferred ?titleInferred ?author ?authorLabel ?publisher ?publisherLabel
WHERE {
  ?d a pkg:Document ; dcterms:title ?title ; dcterms:date ?date ; a ?type . FILTER(STRSTARTS(STR(?type), STR(pkg:)))
  OPTIONAL { ?d pkg:dateInferred ?dateInferred } OPTIONAL { ?d pkg:titleInferred ?titleInferred }
  OPTIONAL { ?d dcterms:creator ?author . ?author rdfs:label ?authorLabel }
  OPTIONAL { ?d dcterms:publisher ?publisher . ?publisher rdfs:label ?publisherLabel }
} ORDER BY ?date"""
)


def _documents(rows: list[Row]) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    for r in rows:
        doc = docs.setdefault(
            r["d"],
            {
                "id": slug_of(r["d"]),
                "iri": r["d"],
                "title": r["title"],
                "date": r["date"],
                "date_inferred": r.get("dateInferred"),
                "title_inferred": r.get("titleInferred"),
                "kinds": set(),
                "authors": [],
                "publisher": ref(r["publisher"], r["publisherLabel"]) if r.get("publisher") else None,
            },
        )
        doc["kinds"].add(r["type"].removeprefix(PKG))
        if r.get("author"):
            doc["authors"] = unique([*doc["authors"], ref(r["author"], r["authorLabel"])])
    for doc in docs.values():
        kinds = doc.pop("kinds") - {"Document"}
        doc["kind"] = sorted(kinds)[0] if kinds else "Document"
    return docs


async def list_documents(select: Select, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    docs = list(_documents(await select(DOCUMENT_LIST, {})).values())
    return {"total": len(docs), "limit": limit, "offset": offset, "items": docs[offset : offset + limit]}


async def get_document(select: Select, slug: str) -> dict[str, Any]:
    iri = iri_of("document", slug)
    this = {"d": ox.NamedNode(iri)}
    docs = _documents(await select(DOCUMENT_LIST, this))
    if iri not in docs:
        raise NotFound(iri)
    text_rows = await select(
        PREFIXES + "SELECT ?d ?text ?end WHERE { ?d schema:text ?text . OPTIONAL { ?d pkg:articleEnd ?end } }", this
    )
    annotations = await select(
        PREFIXES
        + """SELECT ?d ?x ?label ?type ?exact ?start ?end WHERE {
  ?ann oa:hasTarget ?t ; oa:hasBody ?x . ?t oa:hasSource ?d ; oa:hasSelector ?q , ?p .
  ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
  ?x rdfs:label ?label ; a ?type . FILTER(STRSTARTS(STR(?type), STR(pkg:)) || ?type = org:Membership)
} ORDER BY ?start ?end""",
        this,
    )
    order = [
        "Proposal",
        "AnticipatedObjection",
        "Rebuttal",
        "Objection",
        "Claim",
        "Stance",
        "QuantitativeFact",
        "StatusAssertion",
        "Actor",
    ]
    grouped: dict[str, dict[str, Any]] = {}
    for r in annotations:
        key = f"{r['x']}@{r['start']}"
        item = grouped.setdefault(
            key,
            {
                "iri": r["x"],
                "id": slug_of(r["x"]),
                "label": r["label"],
                "types": set(),
                "exact": r["exact"],
                "start": int(r["start"]),
                "end": int(r["end"]),
            },
        )
        item["types"].add(r["type"].rsplit("#", 1)[-1])
    items = []
    for item in grouped.values():
        types = item.pop("types")
        item["kind"] = next((k for k in order if k in types), sorted(types)[0])
        items.append(item)
    doc = docs[iri]
    text = text_rows[0] if text_rows else {}
    return {
        **doc,
        "type": "Document",
        "text": text.get("text"),
        "article_end": int(text["end"]) if text.get("end") else None,
        "annotations": items,
    }
