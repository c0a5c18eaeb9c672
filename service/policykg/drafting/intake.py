"""``policykg add-document``: check a new text and its metadata, copy it into the corpus, write its draft.

Safe by construction: every check runs before anything is written; then the two files (the text and the draft
annotation) are each written to a temporary file and renamed into place, and if the second rename fails the first
file is removed again, so the corpus never holds a text without its annotation file or half a file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..config import Paths
from ..periods import check_period
from .draft_yaml import draft_yaml
from .drafter import Draft, Drafter, Metadata
from .graph import KnowledgeGraph
from .ids import corpus_ids
from .similarity import SimilarityIndex

KINDS = ("research-paper", "opinion-article", "news-report")
_NAME = re.compile(r"^(\d{3})_[0-9a-f]{16}\.txt$")


class IntakeError(ValueError):
    """Bad input for add-document; the message names the problem. Nothing has been written."""


@dataclass
class Added:
    text_path: Path
    annotation_path: Path
    draft: Draft


def read_text(path: Path) -> tuple[str, bytes]:
    """The file's text, refusing what cannot be a document: empty, binary, not UTF-8."""
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise IntakeError(f"cannot read {path}: {err.strerror or err}") from err
    if not raw.strip():
        raise IntakeError(f"{path} is empty: nothing to annotate")
    if b"\x00" in raw:
        raise IntakeError(f"{path} looks binary (it contains NUL bytes): give a plain UTF-8 text file")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise IntakeError(
            f"{path} is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}): convert it to UTF-8 first"
        ) from err
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 200):
        raise IntakeError(f"{path} looks binary ({controls} control characters): give a plain UTF-8 text file")
    return text, raw


def check_metadata(title: str | None, date: str | None, kind: str, authors: list[str], venue: str | None) -> None:
    if not title or not title.strip():
        raise IntakeError("missing title: give --title (the document's title as the text or its source states it)")
    if not date or not date.strip():
        raise IntakeError("missing date: give --date (YYYY, YYYY-MM or YYYY-MM-DD, as precise as the evidence allows)")
    try:
        check_period(date.strip())
    except ValueError as err:
        raise IntakeError(
            f"bad date {date!r}: {err}; use YYYY, YYYY-MM or YYYY-MM-DD, as precise as the evidence allows"
        ) from None
    parts = [int(p) for p in date.strip().split("-")]
    if not 1500 <= parts[0] <= dt.date.today().year + 1:
        raise IntakeError(f"bad date {date!r}: the year is out of range")
    if kind not in KINDS:
        raise IntakeError(f"bad kind {kind!r}: one of {', '.join(KINDS)}")
    if not any(a.strip() for a in authors) and not (venue and venue.strip()):
        raise IntakeError("give at least one --author or a --venue: every proposition needs someone who asserts it")


def check_duplicate(sha: str, documents: Path, graph: KnowledgeGraph | None) -> None:
    for existing in sorted(documents.glob("*.txt")):
        if hashlib.sha256(existing.read_bytes()).hexdigest() == sha:
            raise IntakeError(
                f"duplicate document: the same text (SHA-256 {sha[:16]}…) is already documents/{existing.name}"
            )
    if graph and sha in graph.text_hashes:
        raise IntakeError(
            f"duplicate document: the same text (SHA-256 {sha[:16]}…) is already {graph.text_hashes[sha]}"
        )


def next_stem(documents: Path, sha: str) -> str:
    numbers = [int(m.group(1)) for p in documents.glob("*.txt") if (m := _NAME.match(p.name))]
    numbers += [int(p.name[:3]) for p in documents.glob("*") if p.name[:3].isdigit()]
    return f"{max(numbers, default=-1) + 1:03d}_{sha[:16]}"


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename over the target (never a half-written file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pair(first: tuple[Path, bytes], second: tuple[Path, bytes], write: Callable[[Path, bytes], None]) -> None:
    """Both files or neither: if the second write fails, the first file is removed again."""
    for path, _ in (first, second):
        if path.exists():
            raise IntakeError(f"{path} already exists: not overwriting it")
    write(*first)
    try:
        write(*second)
    except BaseException:
        first[0].unlink(missing_ok=True)
        raise


def add_document(
    source: Path,
    meta: Metadata,
    paths: Paths,
    graph: KnowledgeGraph,
    similarity: SimilarityIndex | None = None,
    write: Callable[[Path, bytes], None] = write_atomic,
) -> Added:
    """Check, draft, then write documents/NNN_<sha>.txt and annotations/NNN_<sha>.yaml."""
    check_metadata(meta.title, meta.date, meta.kind, meta.authors, meta.venue)
    text, raw = read_text(source)
    sha = hashlib.sha256(raw).hexdigest()
    documents, annotations = paths.documents, paths.annotations
    if not documents.is_dir() or not annotations.is_dir():
        raise IntakeError(f"no corpus at {paths.corpus} (expected documents/ and annotations/): check --root")
    check_duplicate(sha, documents, graph)
    stem = next_stem(documents, sha)
    meta = Metadata(meta.title.strip(), meta.date.strip(), [a.strip() for a in meta.authors if a.strip()],
                    meta.venue.strip() if meta.venue else None, meta.kind, f"{stem}.txt")  # fmt: skip
    drafter = Drafter(graph, similarity, taken_ids=corpus_ids(paths.corpus))
    draft = drafter.draft(text, meta)
    text_path, annotation_path = documents / f"{stem}.txt", annotations / f"{stem}.yaml"
    write_pair((text_path, raw), (annotation_path, draft_yaml(draft, source.name).encode("utf-8")), write)
    return Added(text_path, annotation_path, draft)
