"""Where the project's data lives and which IRIs it mints.

The data folders (``ontology/``, ``corpus/``, ``queries/``) sit beside the code at the top of a checkout. The root is
``$POLICYKG_ROOT`` if set, else the nearest folder above the working directory that holds ``ontology/policykg.ttl``,
else the checkout this package was installed from (editable installs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/policykg/"
ONTOLOGY_FILE = Path("ontology") / "policykg.ttl"


def find_root(start: Path | None = None) -> Path:
    env = os.environ.get("POLICYKG_ROOT")
    if env:
        return Path(env).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / ONTOLOGY_FILE).is_file():
            return folder
    return Path(__file__).resolve().parents[2]


def nquads_twin(trig: Path) -> Path:
    """Where a built TriG file's N-Quads twin (the same quads, the form the stores load) lives: beside it, ``.nq``."""
    return trig.with_suffix(".nq")


@dataclass(frozen=True)
class Paths:
    root: Path = field(default_factory=find_root)

    @property
    def ontology(self) -> Path:
        return self.root / ONTOLOGY_FILE

    @property
    def shapes(self) -> Path:
        return self.root / "ontology" / "shapes.ttl"

    @property
    def corpus(self) -> Path:
        return self.root / "corpus"

    @property
    def documents(self) -> Path:
        return self.corpus / "documents"

    @property
    def annotations(self) -> Path:
        return self.corpus / "annotations"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"
