"""The build of the real corpus: anchors, SHACL, reasoning, determinism."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from policykg.build import BuildResult, run_build
from policykg.build.validate import validate
from policykg.config import Paths, nquads_twin

from .conftest import select

ID = "https://w3id.org/policykg/id/"
PKG = "https://w3id.org/policykg/ontology#"
needs_java = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")


def test_summary_counts_every_kind(built: BuildResult) -> None:
    counts = built.counts
    assert counts["documents"] == 5
    for kind in ("actors", "proposals", "claims", "objections", "stances", "facts", "triples"):
        assert counts[kind] > 0, kind
    assert "documents" in built.summary() and "reasoner" in built.summary()


@needs_java
def test_reasoner_of_record_is_hermit(built: BuildResult) -> None:
    assert built.reasoner.startswith("HermiT")


def test_every_quote_is_verbatim_at_its_offsets(store: ox.Store, paths: Paths) -> None:
    rows = select(
        store,
        """PREFIX oa: <http://www.w3.org/ns/oa#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?doc ?src ?exact ?start ?end WHERE {
          ?ann oa:hasTarget ?t . ?t oa:hasSource ?doc ; oa:hasSelector ?q , ?p .
          ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end . ?doc dcterms:source ?src }""",
    )
    assert len(rows) > 500
    texts = {src: (paths.root / src).read_text(encoding="utf-8") for src in {r["src"] for r in rows}}
    for row in rows:
        text = texts[row["src"]]
        assert text[int(row["start"]) : int(row["end"])] == row["exact"], row


def test_documents_are_copied_verbatim_from_the_seeds(paths: Paths) -> None:
    seeds = paths.root.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside the clone")
    for seed in seeds.glob("*.txt"):
        assert (paths.documents / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_shacl_conforms(built: BuildResult, paths: Paths) -> None:
    data = Graph()
    for g in built.dataset.graphs():
        for triple in g:
            data.add(triple)
    validate(data, paths.shapes, lambda _iri: (None, None))  # raises on any violation


def types_of(store: ox.Store, slug_iri: str) -> set[str]:
    rows = select(store, "SELECT ?x ?t WHERE { ?x a ?t }", x=ox.NamedNode(ID + slug_iri))
    return {r["t"] for r in rows}


@pytest.mark.parametrize(
    ("resource", "cls"),
    [
        ("claim/french-official-north-atlantic-scope", "Objection"),
        ("proposal/nato-tokyo-liaison-office", "ContestedProposal"),
        ("proposal/nato-tokyo-liaison-office", "SupportedProposal"),
        ("attack/french-scope-objection-attacks-tokyo-office", "CrossDocumentAttack"),
        ("claim/french-official-north-atlantic-scope", "aif#I-node"),
        ("attack/french-scope-objection-attacks-tokyo-office", "aif#CA-node"),
    ],
)
def test_reasoner_classifies_known_cases(store: ox.Store, resource: str, cls: str) -> None:
    expected = cls if "#" in cls else PKG + cls
    assert any(t.endswith(expected) for t in types_of(store, resource)), (resource, cls)


def test_rebuttals_answer_anticipated_objections(store: ox.Store) -> None:
    rows = select(
        store,
        f"""PREFIX pkg: <{PKG}>
        SELECT ?r ?o WHERE {{ ?r a pkg:Rebuttal ; pkg:attacks ?o . ?o a pkg:AnticipatedObjection }}""",
    )
    assert rows, "the corpus has anticipated objections answered by their authors"
    rebuttals = select(store, f"PREFIX pkg: <{PKG}> SELECT ?r WHERE {{ ?r a pkg:Rebuttal }}")
    assert {r["r"] for r in rebuttals} == {r["r"] for r in rows}


def test_attacks_within_one_document_are_not_cross_document(store: ox.Store) -> None:
    rows = select(
        store,
        f"""PREFIX pkg: <{PKG}> SELECT ?a ?cross WHERE {{
          ?a a pkg:Attack ; pkg:relationSource/pkg:statedIn ?d1 ; pkg:relationTarget/pkg:statedIn ?d2 .
          BIND(EXISTS {{ ?a a pkg:CrossDocumentAttack }} AS ?cross) }}""",
    )
    same_doc_only = select(
        store,
        f"""PREFIX pkg: <{PKG}> SELECT ?a WHERE {{
          ?a a pkg:CrossDocumentAttack ; pkg:relationSource ?x ; pkg:relationTarget ?y .
          FILTER NOT EXISTS {{ ?x pkg:statedIn ?d1 . ?y pkg:statedIn ?d2 . FILTER(?d1 != ?d2) }} }}""",
    )
    assert rows and not same_doc_only
    assert any(r["cross"] == "false" for r in rows) and any(r["cross"] == "true" for r in rows)


def test_stances_and_relations_are_labelled_with_names_not_ids(store: ox.Store) -> None:
    """A stance's label, shown in search results and pages, says who and what in words."""
    rows = select(
        store,
        f"""PREFIX pkg: <{PKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label ?who ?what WHERE {{ ?s a pkg:Stance ; rdfs:label ?label ; pkg:holder ?h ; pkg:onProposal ?p .
             ?h rdfs:label ?who . ?p rdfs:label ?what }}""",
    )
    assert rows
    for row in rows:
        assert row["label"].startswith(row["who"] + " ") and row["label"].endswith(f"“{row['what']}”"), row
    relations = select(
        store,
        f"PREFIX pkg: <{PKG}> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label WHERE { ?r a pkg:Support ; rdfs:label ?label }",
    )
    assert relations and all(" supports “" in r["label"] for r in relations)


def test_same_input_gives_byte_identical_output(built: BuildResult, paths: Paths, tmp_path: Path) -> None:
    assert built.out is not None
    again = run_build(paths, tmp_path / "again.trig")
    assert again.out is not None
    assert again.out.read_bytes() == built.out.read_bytes()
    assert nquads_twin(again.out).read_bytes() == nquads_twin(built.out).read_bytes()


def test_the_nquads_twin_holds_the_quads_of_the_trig(built: BuildResult, store: ox.Store) -> None:
    """The stores load the twin, the TriG is what people read: they must be the same dataset."""
    assert built.out is not None
    twin = ox.Store()
    twin.bulk_load(path=str(nquads_twin(built.out)), format=ox.RdfFormat.N_QUADS)
    assert len(twin) == len(store) > 0
    ground = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(!isBlank(?s) && !isBlank(?o)) }"
    assert {tuple(map(str, r)) for r in twin.query(ground)} == {tuple(map(str, r)) for r in store.query(ground)}


@needs_java
def test_without_java_the_build_warns_and_gives_the_same_classifications(
    built: BuildResult, paths: Paths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on PATH
    with pytest.warns(RuntimeWarning, match="OWL 2 RL"):
        result = run_build(paths, tmp_path / "rl.trig")
    assert result.reasoner.startswith("owlrl")
    # Same inferred graph (every classification) and same everything else, byte for byte.
    assert built.out is not None and result.out is not None
    assert result.out.read_bytes() == built.out.read_bytes()
    inferred = select(result_store(result), f"PREFIX pkg: <{PKG}> SELECT ?x WHERE {{ ?x a pkg:CrossDocumentAttack }}")
    assert inferred, "the fallback runs the cross-document rule"


def result_store(result: BuildResult) -> ox.Store:
    store = ox.Store()
    assert result.out is not None
    store.bulk_load(path=str(result.out), format=ox.RdfFormat.TRIG)
    return store
