"""Build reuse: rebuild the graph only when its inputs changed, and load a store only when its contents are stale.

The inputs are the ontology folder, the corpus folder and the package version; their SHA-256 is recorded beside
the TriG (``policykg.trig.inputs-sha256``) after a successful build, and with a persistent store's contents.
Stores load the build's N-Quads twin (``policykg.nq``), which the on-disk loader splits across cores unparsed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import __version__
from ..config import Paths, nquads_twin
from .embedded import EmbeddedStore

log = logging.getLogger("policykg.store")


def _files(folder: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        found.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
    return sorted(found)


def inputs_hash(paths: Paths) -> str:
    """SHA-256 over the package version and every file (relative path and bytes) of ontology/ and corpus/."""
    digest = hashlib.sha256(f"policykg {__version__}\n".encode())
    for folder in (paths.ontology.parent, paths.corpus):
        for path in _files(folder):
            data = path.read_bytes()
            digest.update(f"{path.relative_to(paths.root).as_posix()}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def marker_for(trig: Path) -> Path:
    return trig.with_name(trig.name + ".inputs-sha256")


@dataclass(frozen=True)
class Built:
    trig: Path
    inputs: str
    rebuilt: bool

    @property
    def nquads(self) -> Path:
        """The same quads as :attr:`trig`, as N-Quads: what the stores load."""
        return nquads_twin(self.trig)


def ensure_build(
    paths: Paths, out: Path | None = None, *, force: bool = False, progress: Callable[[str], None] | None = None
) -> Built:
    """The TriG (and its N-Quads twin) for the current inputs: the last build if its recorded inputs hash matches,
    else a new build."""
    trig = out or paths.build_dir / "policykg.trig"
    digest = inputs_hash(paths)
    marker = marker_for(trig)
    if not force and trig.is_file() and marker.is_file() and marker.read_text().strip() == digest:
        if not nquads_twin(trig).is_file():  # a build from before the twin existed, or the twin deleted
            write_twin(trig)
        return Built(trig, digest, False)
    from ..build import run_build  # the build pulls in reasoners and SHACL: only when needed

    run_build(paths, trig, progress=progress)
    record_build(trig, digest)
    return Built(trig, digest, True)


def record_build(trig: Path, digest: str) -> None:
    """Say that ``trig`` was built from the inputs whose hash is ``digest`` (taken before the build began)."""
    marker = marker_for(trig)
    tmp = marker.with_name(marker.name + ".tmp")
    tmp.write_text(digest + "\n")
    tmp.replace(marker)


def write_twin(trig: Path) -> None:
    """Write a built TriG file's N-Quads twin from the TriG itself (the same quads, blank node labels kept):
    seconds for the corpus, where rebuilding would take the reasoner's time again."""
    twin = nquads_twin(trig)
    tmp = twin.with_name(twin.name + ".tmp")
    ox.serialize(ox.parse(path=str(trig), format=ox.RdfFormat.TRIG), str(tmp), ox.RdfFormat.N_QUADS)
    tmp.replace(twin)


def load_corpus(store: EmbeddedStore, built: Built) -> bool:
    """Bulk-load the build into the store unless a persistent store already holds exactly this build."""
    if store.persistent and store.recorded_build() == built.inputs:
        log.info("store already holds build %s", built.inputs[:12])
        return False
    store.bulk_load(built.nquads, built.inputs)
    return True
