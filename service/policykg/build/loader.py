"""Read the corpus's YAML files into models, keeping the line of every item for error messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from .errors import BuildError, Problem
from .model import AnnotationFile, EntitySet, LinksFile

M = TypeVar("M", bound=BaseModel)


@dataclass
class Source:
    """One parsed file: its model, and (parsed again only when an error needs it) the YAML tree with line numbers."""

    path: Path
    model: Any
    _tree: Any = None

    @property
    def tree(self) -> Any:
        if self._tree is None:
            self._tree = read_yaml(self.path, typ="rt") or {}
        return self._tree

    def line_of(self, *loc: str | int) -> int | None:
        """1-based line of the node at ``loc`` (a pydantic-style path), or of its nearest parent."""
        node, line = self.tree, 1
        for key in loc:
            try:
                line = (node.lc.item(key) if isinstance(key, int) else node.lc.key(key))[0] + 1
                node = node[key]
            except (AttributeError, KeyError, IndexError, TypeError):
                break
        return line


@dataclass
class Corpus:
    """Everything the build reads, before resolution."""

    root: Path
    entities: Source
    documents: list[Source] = field(default_factory=list)
    links: Source | None = None


def read_yaml(path: Path, typ: str = "safe") -> Any:
    """Parse YAML; "safe" is the fast C loader, "rt" the round-trip one that remembers lines."""
    try:
        return YAML(typ=typ).load(path.read_text(encoding="utf-8"))
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise BuildError("parse", [Problem(path, line, "", f"not valid YAML: {getattr(err, 'problem', err)}")]) from err
    except UnicodeDecodeError as err:
        raise BuildError("parse", [Problem(path, None, "", f"not UTF-8: {err}")]) from err


def parse(path: Path, model: type[M]) -> Source:
    data = read_yaml(path)
    source = Source(path, None)
    try:
        source.model = model.model_validate(data if data is not None else {})
    except ValidationError as err:
        problems = [
            Problem(path, source.line_of(*e["loc"]), ".".join(map(str, e["loc"])), _message(e)) for e in err.errors()
        ]
        raise BuildError("validate annotation format", problems) from err
    return source


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (see corpus/README.md for the format)"
    return str(error["msg"])


def load_corpus(corpus_dir: Path) -> Corpus:
    """Parse entities.yaml, every annotations/*.yaml and links.yaml; report every bad file at once."""
    problems: list[Problem] = []
    sources: list[Source] = []

    def attempt(path: Path, model: type[BaseModel]) -> Source | None:
        try:
            return parse(path, model)
        except BuildError as err:
            problems.extend(err.problems)
            return None

    entities = attempt(corpus_dir / "entities.yaml", EntitySet)
    for path in sorted((corpus_dir / "annotations").glob("*.yaml")):
        source = attempt(path, AnnotationFile)
        if source:
            sources.append(source)
    links_path = corpus_dir / "links.yaml"
    links = attempt(links_path, LinksFile) if links_path.exists() else None
    if problems:
        raise BuildError("read corpus", problems)
    assert entities is not None
    return Corpus(root=corpus_dir, entities=entities, documents=sources, links=links)
