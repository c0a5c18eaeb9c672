"""Full-text search over labels, claims, quotes and document text, with a tantivy index (BM25, English stemming).

The index is built in memory from the dataset (through SPARQL, so it works on any store) and rebuilt whenever the
dataset version changes. One index entry per resource: its label, and a body with everything said about it in words
(action, quotes, measures, full text for documents).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import tantivy

Rows = list[dict[str, str]]
Select = Callable[[str], Rows]

PKG = "https://w3id.org/policykg/ontology#"

# kind → the class whose instances are indexed under it (most specific first where classes nest)
KINDS = {
    "proposal": PKG + "Proposal",
    "claim": PKG + "Claim",
    "actor": PKG + "Actor",
    "document": PKG + "Document",
    "stance": PKG + "Stance",
    "fact": PKG + "QuantitativeFact",
    "treaty": PKG + "LegalInstrument",
    "topic": "http://www.w3.org/2004/02/skos/core#Concept",
}

SOURCE_QUERY = """PREFIX pkg: <https://w3id.org/policykg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
SELECT ?x ?class ?label ?text ?end WHERE {
  VALUES ?class { %s }
  ?x a ?class ; rdfs:label ?label .
  OPTIONAL {
    { ?x pkg:anchor/oa:hasTarget/oa:hasSelector/oa:exact ?text }
    UNION { ?x pkg:action ?text } UNION { ?x pkg:measures ?text }
    UNION { ?x schema:text ?text OPTIONAL { ?x pkg:articleEnd ?end } }
    UNION { ?x pkg:alias ?text } UNION { ?x rdfs:comment ?text }
  }
}"""


def source_query() -> str:
    """What the index is built from: every resource of an indexed kind, its label and its texts."""
    return SOURCE_QUERY % " ".join(f"<{c}>" for c in KINDS.values())


@dataclass(frozen=True)
class Hit:
    kind: str
    iri: str
    label: str
    snippet: str  # HTML: the matched words in <b>…</b>, everything else escaped
    score: float


@dataclass(frozen=True)
class Page:
    query: str
    total: int
    hits: list[Hit]
    plain: bool = False
    """The query was not valid syntax and its words alone were searched."""


_SYNTAX = re.compile(r"[:\"'()\[\]{}^~*+\-!<>\\/]")
"""The characters tantivy's query syntax gives a meaning to."""


class QueryError(ValueError):
    """A search query that tantivy cannot parse."""


class SearchIndex:
    def __init__(self, entries: Iterable[tuple[str, str, str, str]]) -> None:
        """``entries``: (kind, iri, label, body) tuples."""
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("iri", stored=True, tokenizer_name="raw")
        builder.add_text_field("kind", stored=True, tokenizer_name="raw")
        builder.add_text_field("label", stored=True, tokenizer_name="en_stem")
        builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
        self.schema = builder.build()
        self.index = tantivy.Index(self.schema)
        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        for kind, iri, label, body in entries:
            writer.add_document(tantivy.Document(iri=iri, kind=kind, label=label, body=body))
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()

    @classmethod
    def from_dataset(cls, select: Select) -> SearchIndex:
        return cls.from_rows(select(source_query()))

    @classmethod
    def from_rows(cls, rows: Rows) -> SearchIndex:
        """Index the rows of :func:`source_query` (one per resource and text)."""
        order = list(KINDS.values())
        rank = {c: i for i, c in enumerate(order)}
        docs: dict[str, dict[str, object]] = {}
        for row in rows:
            entry = docs.setdefault(row["x"], {"class": row["class"], "label": row["label"], "texts": set()})
            if rank[row["class"]] < rank[str(entry["class"])]:  # index a claim as a claim, not as a proposition
                entry["class"] = row["class"]
            if row.get("text"):
                # a document's text up to where its article ends: what follows is site furniture (link lists …)
                text = row["text"][: int(row["end"])] if row.get("end") else row["text"]
                entry["texts"].add(text)  # type: ignore[union-attr]
        kind_of = {c: k for k, c in KINDS.items()}
        return cls(
            (kind_of[str(e["class"])], iri, str(e["label"]), "\n".join(sorted(e["texts"])))  # type: ignore[arg-type]
            for iri, e in sorted(docs.items())
        )

    def search(
        self, text: str, limit: int = 20, offset: int = 0, kind: str | None = None, plain_fallback: bool = False
    ) -> Page:
        """Ranked hits for ``text`` (tantivy query syntax: words, "phrases", AND/OR, -exclusions). Text that is not
        valid syntax raises :class:`QueryError`, or, with ``plain_fallback`` (a search box's typing: "Article 5:"),
        is searched for its words alone and the page says so (``plain``)."""
        plain = False
        try:
            query = self._parse(text)
        except QueryError:
            if not plain_fallback:
                raise
            plain, words = True, _SYNTAX.sub(" ", text).strip().lower()  # lower case: not AND, OR, NOT, IN
            if not words:
                return Page(text, 0, [], plain)
            query = self._parse(words)
        if kind:
            kind_query = tantivy.Query.term_query(self.schema, "kind", kind)
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, kind_query)])
        searcher = self.index.searcher()
        result = searcher.search(query, limit, count=True, offset=offset)
        body_snippets = tantivy.SnippetGenerator.create(searcher, query, self.schema, "body")
        label_snippets = tantivy.SnippetGenerator.create(searcher, query, self.schema, "label")
        hits = []
        for score, address in result.hits:
            doc = searcher.doc(address)
            snippet = body_snippets.snippet_from_doc(doc).to_html() or label_snippets.snippet_from_doc(doc).to_html()
            hits.append(Hit(doc["kind"][0], doc["iri"][0], doc["label"][0], snippet, score))
        return Page(text, result.count or 0, hits, plain)

    def _parse(self, text: str) -> tantivy.Query:
        try:
            return self.index.parse_query(text, ["label", "body"], field_boosts={"label": 2.0})
        except ValueError as err:
            raise QueryError(str(err)) from err
