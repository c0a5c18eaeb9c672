"""Reasoning: check consistency and classify the corpus's individuals into the ontology's classes.

HermiT (OWL 2 DL, through owlready2, needs Java) is the reasoner of record. Without Java the build falls back to OWL 2
RL (owlrl) plus the SPARQL form of the ontology's one SWRL rule, and warns; a test checks that both give the same
classifications on the corpus.

Both paths produce the same kind of inferred graph: every entailed named type of every data resource that is not
asserted, and the property values the ontology's property axioms entail (inverses such as ``pkg:attackedBy``,
super-properties such as ``pkg:assertedBy`` of ``pkg:proposedBy``, transitive ``pkg:partOf``).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ..vocab import PKG
from .errors import BuildError, Problem

log = logging.getLogger(__name__)

# The SWRL rule of pkg:CrossDocumentAttack, as a SPARQL rule for reasoners without SWRL (OWL 2 RL).
CROSS_DOCUMENT_RULE = f"""
PREFIX pkg: <{PKG}>
CONSTRUCT {{ ?a a pkg:CrossDocumentAttack }} WHERE {{
  ?a a pkg:Attack ; pkg:relationSource ?x ; pkg:relationTarget ?y .
  ?x pkg:statedIn ?d1 . ?y pkg:statedIn ?d2 .
  FILTER (?d1 != ?d2)
}}"""

IGNORED_TYPES = {OWL.Thing, OWL.NamedIndividual, RDFS.Resource}


class JavaMissing(RuntimeError):
    """No Java runtime: HermiT cannot run."""


def java_available() -> bool:
    return shutil.which("java") is not None


def property_entailments(ontology: Graph, data: Graph) -> Graph:
    """Materialise the ontology's property axioms: owl:inverseOf, rdfs:subPropertyOf (transitively) and
    owl:TransitiveProperty. The same in every reasoning path, so done once, here, rather than by the reasoner."""
    inferred = Graph()
    known = set(data)

    def add(triple: tuple) -> None:
        if triple not in known:
            known.add(triple)
            inferred.add(triple)

    supers: dict[URIRef, set[URIRef]] = {}
    for sub, sup in ontology.subject_objects(RDFS.subPropertyOf):
        supers.setdefault(sub, set()).add(sup)
    for prop in list(supers):  # transitive closure of the property hierarchy
        frontier, seen = list(supers[prop]), set()
        while frontier:
            nxt = frontier.pop()
            if nxt not in seen:
                seen.add(nxt)
                frontier.extend(supers.get(nxt, ()))
        supers[prop] = seen
    for s, p, o in list(known):
        for sup in supers.get(p, ()):  # type: ignore[call-overload]
            add((s, sup, o))
    for prop in ontology.subjects(RDF.type, OWL.TransitiveProperty):
        edges: dict[object, set[object]] = {}
        for s, o in [(s, o) for s, p, o in known if p == prop]:
            edges.setdefault(s, set()).add(o)
        for start in list(edges):
            frontier, seen = list(edges[start]), set()
            while frontier:
                nxt = frontier.pop()
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.extend(edges.get(nxt, ()))
            for o in seen:
                add((start, prop, o))
    for p, q in ontology.subject_objects(OWL.inverseOf):
        for prop, inverse in ((p, q), (q, p)):
            for s, o in [(s, o) for s, pp, o in known if pp == prop]:
                add((o, inverse, s))
    return inferred


def reasoning_input(ontology: Graph, data: Graph) -> Graph:
    """Ontology plus the data's object graph.

    Classification depends on types and object properties only; literal values (dates typed xsd:gYear and the like,
    outside the OWL 2 datatype map that HermiT accepts) are left to SHACL. Dropping them also makes OWL 2 RL fast.
    """
    combined = Graph()
    for triple in ontology:
        combined.add(triple)
    for triple in data:
        if not isinstance(triple[2], Literal):
            combined.add(triple)
    return combined


def data_individuals(data: Graph) -> set[URIRef]:
    return {s for s in data.subjects(RDF.type, None) if isinstance(s, URIRef)}


def hermit_types(ontology: Graph, data: Graph, documents: Iterable[URIRef]) -> dict[URIRef, set[URIRef]]:
    """Entailed named types of every data individual, by HermiT. Raises BuildError when inconsistent."""
    if not java_available():
        raise JavaMissing("java not found on PATH")
    import owlready2

    combined = reasoning_input(ontology, data)
    # Distinct document IRIs denote distinct documents (needed by the cross-document rule's differentFrom).
    docs = sorted(documents)
    if len(docs) > 1:
        from rdflib import BNode
        from rdflib.collection import Collection

        axiom, members = BNode(), BNode()
        combined.add((axiom, RDF.type, OWL.AllDifferent))
        combined.add((axiom, OWL.members, members))
        Collection(combined, members, list(docs))

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.nt"
        combined.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as err:
            problem = Problem(None, None, "HermiT", f"the ontology and corpus are inconsistent: {err}")
            raise BuildError("reason", [problem]) from err
        except (owlready2.OwlReadyJavaError, OSError) as err:
            raise JavaMissing(str(err)) from err
        types: dict[URIRef, set[URIRef]] = {}
        for iri in data_individuals(data):
            entity = world[str(iri)]
            if entity is None:
                continue
            classes = {URIRef(c.iri) for c in entity.INDIRECT_is_a if hasattr(c, "iri")}
            types[iri] = classes - IGNORED_TYPES
        return types


def rl_types(ontology: Graph, data: Graph) -> dict[URIRef, set[URIRef]]:
    """Entailed named types by OWL 2 RL (owlrl) plus the cross-document rule."""
    import owlrl

    closure = reasoning_input(ontology, data)
    # The rule's premises (pkg:Attack, relationSource/Target, statedIn) are asserted, never inferred, so it can run
    # first and let the one (slow, pure-Python) RL closure propagate its conclusions to superclasses.
    for triple in closure.query(CROSS_DOCUMENT_RULE):
        closure.add(triple)  # type: ignore[arg-type]
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False).expand(closure)
    named = {c for c in closure.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef)}
    individuals = data_individuals(data)
    return {
        iri: {t for t in closure.objects(iri, RDF.type) if t in named and isinstance(t, URIRef)} - IGNORED_TYPES
        for iri in individuals
    }


def infer(ontology: Graph, data: Graph, documents: Iterable[URIRef], use_hermit: bool = True) -> tuple[Graph, str]:
    """The inferred graph, and the name of the reasoner that made it."""
    reasoner = "HermiT (OWL 2 DL)"
    if use_hermit:
        try:
            types = hermit_types(ontology, data, documents)
        except JavaMissing as err:
            warnings.warn(
                f"Java is not available ({err}): falling back to OWL 2 RL (owlrl) for reasoning; "
                "install Java 17 for HermiT's OWL 2 DL consistency check.",
                RuntimeWarning,
                stacklevel=2,
            )
            use_hermit = False
    if not use_hermit:
        reasoner = "owlrl (OWL 2 RL) + SPARQL rule"
        types = rl_types(ontology, data)
    inferred = property_entailments(ontology, data)
    for iri, classes in types.items():
        for cls in classes:
            if (iri, RDF.type, cls) not in data:
                inferred.add((iri, RDF.type, cls))
    return inferred, reasoner
