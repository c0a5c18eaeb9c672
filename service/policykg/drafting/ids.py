"""Slugs for new items: readable, stable, and unique across the corpus and the graph (corpus/README.md)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from .similarity import STOPWORDS

_ID_LINE = re.compile(r"^\s*(?:-\s+)?id:\s*[\"']?([a-z0-9]+(?:-[a-z0-9]+)*)[\"']?\s*(?:#.*)?$", re.MULTILINE)


def slugify(text: str, max_words: int = 7, keep_stopwords: bool = False) -> str:
    """``"NATO’s Pacific Moment"`` → ``nato-pacific-moment``: ASCII, lower case, the first content words."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['’]s\b", "", ascii_text.replace("’", "'"))
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    if keep_stopwords:  # names: "center-for-a-new-american-security", without a leading "the"
        content = words[1:] if words[:1] == ["the"] and len(words) > 1 else words
    else:
        content = [w for w in words if w not in STOPWORDS] or words
    return "-".join(content[:max_words]) or "item"


class IdMinter:
    """Hands out ids not used anywhere yet (``-2``, ``-3`` … on a clash)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken = set(taken)

    def mint(self, text: str, max_words: int = 7, name: bool = False) -> str:
        """A fresh slug for ``text``; ``name`` keeps small words (actors are named, propositions summarised)."""
        base = slugify(text, max_words, keep_stopwords=name)
        slug, n = base, 1
        while slug in self.taken:
            n += 1
            slug = f"{base}-{n}"
        self.taken.add(slug)
        return slug

    def reserve(self, slug: str) -> None:
        self.taken.add(slug)


def corpus_ids(corpus_dir: Path) -> set[str]:
    """Every ``id:`` written in the corpus YAML, read with a regex rather than the full loader: cheap insurance
    against a graph built before the latest annotations."""
    found: set[str] = set()
    for path in [
        corpus_dir / "entities.yaml",
        corpus_dir / "links.yaml",
        *sorted((corpus_dir / "annotations").glob("*.yaml")),
    ]:
        if path.is_file():
            found.update(_ID_LINE.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found
