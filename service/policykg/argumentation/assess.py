"""Assess the corpus: build the argument graph from the dataset (through SPARQL, so on any store), restrict it to a
view (documents as of a date; statements of chosen actors), label it, and explain a label."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from ..periods import period_start
from .bipolar import Bipolar, Via, flatten
from .framework import Framework, Label, grounded, preferred

Rows = list[dict[str, str]]
Select = Callable[[str], Rows]
PKG = "https://w3id.org/policykg/ontology#"
SEMANTICS = ("grounded", "preferred")

_PREFIXES = f"""PREFIX pkg: <{PKG}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
ARGUMENTS = (
    _PREFIXES
    + """SELECT ?p ?label ?proposal ?doc ?date ?asserter ?exact ?start ?end WHERE {
  ?p a pkg:Proposition ; rdfs:label ?label ; pkg:statedIn ?doc .
  ?doc dcterms:date ?date .
  BIND(EXISTS { ?p a pkg:Proposal } AS ?proposal)
  OPTIONAL { ?p pkg:assertedBy ?asserter }
  OPTIONAL { ?p pkg:anchor ?ann . ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?pos .
             ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end }
}"""
)
RELATIONS = (
    _PREFIXES
    + """SELECT ?kind ?source ?target ?supportSource ?supportTarget WHERE {
  ?r pkg:relationSource ?source ; pkg:relationTarget ?target .
  { ?r a pkg:Support . BIND("support" AS ?kind) }
  UNION { ?r a pkg:Attack . FILTER NOT EXISTS { ?r a pkg:Undercut } BIND("attack" AS ?kind) }
  UNION { ?r a pkg:Undercut . ?target pkg:relationSource ?supportSource ; pkg:relationTarget ?supportTarget .
          BIND("undercut" AS ?kind) }
}"""
)


@dataclass
class Quote:
    document: str
    exact: str
    start: int
    end: int


@dataclass
class Argument:
    iri: str
    label: str
    kind: str  # "proposal" | "claim"
    first_stated: date
    documents: set[str] = field(default_factory=set)
    asserters: set[str] = field(default_factory=set)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class ArgumentGraph:
    arguments: dict[str, Argument]
    bipolar: Bipolar

    @classmethod
    def from_dataset(cls, select: Select) -> ArgumentGraph:
        return cls.from_rows(select(ARGUMENTS), select(RELATIONS))

    @classmethod
    def from_rows(cls, argument_rows: Rows, relation_rows: Rows) -> ArgumentGraph:
        """From the rows of :data:`ARGUMENTS` and :data:`RELATIONS`."""
        arguments: dict[str, Argument] = {}
        for row in argument_rows:
            stated = period_start(row["date"])
            kind = "proposal" if row["proposal"] in ("true", "1") else "claim"
            arg = arguments.setdefault(row["p"], Argument(row["p"], row["label"], kind, stated))
            arg.first_stated = min(arg.first_stated, stated)
            arg.documents.add(row["doc"])
            if row.get("asserter"):
                arg.asserters.add(row["asserter"])
            if row.get("exact"):
                quote = Quote(row["doc"], row["exact"], int(row["start"]), int(row["end"]))
                if quote not in arg.quotes:
                    arg.quotes.append(quote)
        bipolar = Bipolar(set(arguments))
        for row in relation_rows:
            if row["kind"] == "support":
                bipolar.supports.add((row["source"], row["target"]))
            elif row["kind"] == "attack":
                bipolar.attacks.add((row["source"], row["target"]))
            else:
                bipolar.undercuts.add((row["source"], (row["supportSource"], row["supportTarget"])))
        for arg in arguments.values():
            arg.quotes.sort(key=lambda q: (q.document, q.start))
        return cls(arguments, bipolar)

    def view(
        self, as_of: date | None = None, by: Iterable[str] | None = None, keep: Iterable[str] = ()
    ) -> ArgumentGraph:
        """Only what was stated on or before ``as_of``, and only what ``by`` asserted (``keep`` always stays)."""
        actors = set(by) if by is not None else None
        kept = set(keep)

        def visible(arg: Argument) -> bool:
            if as_of is not None and arg.first_stated > as_of:
                return False
            return actors is None or arg.iri in kept or bool(arg.asserters & actors)

        args = {iri: a for iri, a in self.arguments.items() if visible(a)}
        b = self.bipolar

        def inside(pair: tuple) -> bool:
            return pair[0] in args and pair[1] in args

        bipolar = Bipolar(
            set(args),
            {p for p in b.attacks if inside(p)},
            {p for p in b.supports if inside(p)},
            {(u, s) for u, s in b.undercuts if u in args and inside(s)},
        )
        return ArgumentGraph(args, bipolar)


@dataclass
class Assessment:
    graph: ArgumentGraph
    framework: Framework
    via: dict[tuple, Via]
    labels: dict[str, Label]
    semantics: str

    def explain(self, iri: str) -> dict[str, object]:
        """Why ``iri`` has its label: for OUT the undefeated (IN) attackers; for IN, against each attacker, the IN
        arguments that attack it; for UNDEC the attackers that are themselves undecided."""
        label = self.labels[iri]
        attackers = sorted(self.framework.attackers.get(iri, ()))
        explanation: dict[str, object] = {"label": label.value}
        if label == Label.OUT:
            explanation["defeated_by"] = [self._attack(a, iri) for a in attackers if self.labels[a] == Label.IN]
        elif label == Label.IN:
            explanation["defended_against"] = [
                {
                    "attack": self._attack(a, iri),
                    "defenders": [
                        self._attack(d, a) for d in sorted(self.framework.attackers[a]) if self.labels[d] == Label.IN
                    ],
                }
                for a in attackers
            ]
        else:
            explanation["undecided_attackers"] = [
                self._attack(a, iri) for a in attackers if self.labels[a] == Label.UNDEC
            ]
        return explanation

    def _attack(self, source: str, target: str) -> dict[str, object]:
        arg = self.graph.arguments[source]
        via = self.via[(source, target)]
        return {
            "argument": source,
            "label": arg.label,
            "kind": arg.kind,
            "status": self.labels[source].value,
            "held_by": sorted(arg.asserters),
            "quotes": [q.__dict__ for q in arg.quotes],
            "attack": via.kind,
            "path": list(via.path),
        }


def assess(graph: ArgumentGraph, semantics: str = "grounded") -> Assessment:
    if semantics not in SEMANTICS:
        raise ValueError(f"unknown semantics {semantics!r}; use one of {', '.join(SEMANTICS)}")
    framework, via = flatten(graph.bipolar)
    labels = grounded(framework) if semantics == "grounded" else preferred(framework)
    return Assessment(graph, framework, via, {str(k): v for k, v in labels.items()}, semantics)
