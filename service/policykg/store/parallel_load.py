"""Bulk-load a large RDF file into an on-disk pyoxigraph store on every core.

Oxigraph's bulk loader sorts and writes each batch of a million quads in one thread, so a 1M-quad file loads on one
core (17 s on the 2-core benchmark machine). Cut into N-Quads chunks of 16 MB, loaded by two threads per core at
once (``bulk_load`` releases the GIL when it reads a file, and RocksDB ingests the chunks' sorted files
concurrently), the same file loads in about half the time: 8.2–9.3 s from N-Quads, 9.4–9.9 s from TriG.
"""

from __future__ import annotations

import itertools
import os
import queue
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

MAX_CHUNK_BYTES = 16 * 1024 * 1024  # N-Quads text per chunk at most (about 60k quads): bounds each loader's memory
NQUADS_BYTES_PER_QUAD = 256  # about this project's, to cut a TriG file's N-Quads re-serialisation into such chunks
_DONE = object()


def default_threads() -> int:
    """Two loaders per core: a loader waits on RocksDB's writes part of the time, and on the 2-core benchmark machine
    four threads loaded 1M quads in 8.2–9.3 s against 8.7–10.6 s for two."""
    return max(2, min(8, 2 * (os.cpu_count() or 1)))


def chunk_sizes(path: Path, threads: int) -> tuple[int, int]:
    """(bytes per N-Quads chunk, quads per TriG chunk): enough chunks to keep every thread busy, each small enough
    that the loaders' sort buffers stay bounded (1M quads, 4 threads: 16 MB chunks, 8.2–9.3 s and 340–360 MB peak;
    32 MB chunks were slower, 8 MB ones slower still, from more files for RocksDB to merge)."""
    per_thread = min(MAX_CHUNK_BYTES, path.stat().st_size // threads + 1)
    return per_thread, max(1, per_thread // NQUADS_BYTES_PER_QUAD)


def nquads_chunks(path: Path, size: int) -> Iterator[bytes]:
    """Whole lines of an N-Quads file, about ``size`` bytes at a time; the lines with blank nodes come last, together.

    Each load gives a file's blank nodes fresh identities, so a blank node must not be split across chunks: every
    line that mentions one (or merely contains ``_:`` in a literal, which is harmless) goes into one final chunk.
    """
    with_blank: list[bytes] = []
    with path.open("rb") as handle:
        while block := handle.read(size):
            if not block.endswith(b"\n"):
                block += handle.readline()
            yield _take_blank_lines(block, with_blank)
    if with_blank:
        yield b"".join(with_blank)


def _take_blank_lines(block: bytes, into: list[bytes]) -> bytes:
    """``block`` without the lines that contain ``_:``, which are appended to ``into``. Found by searching, not by
    splitting every line: blank nodes are rare in a build."""
    kept: list[bytes] = []
    start = 0  # the first byte not yet kept or taken
    while (hit := block.find(b"_:", start)) >= 0:
        begin = block.rfind(b"\n", start, hit) + 1 or start
        end = block.find(b"\n", hit) + 1 or len(block)
        kept.append(block[start:begin])
        line = block[begin:end]
        into.append(line if line.endswith(b"\n") else line + b"\n")  # the file's last line may lack one
        start = end
    if not kept:
        return block
    kept.append(block[start:])
    return b"".join(kept)


def trig_chunks(path: Path, quads: int) -> Iterator[bytes]:
    """A TriG file re-serialised as N-Quads, ``quads`` statements at a time; the lines with blank nodes last, together.

    pyoxigraph parses and serialises; Python only slices the stream (one parser, so a blank node keeps its label
    across chunks, and looking at every quad in Python took longer than loading it).
    """
    with_blank: list[bytes] = []
    reader = ox.parse(path=str(path), format=ox.RdfFormat.TRIG, lenient=True)
    while block := ox.serialize(itertools.islice(reader, quads), format=ox.RdfFormat.N_QUADS):
        yield _take_blank_lines(block, with_blank)
    if with_blank:
        yield b"".join(with_blank)


def chunks(path: Path, fmt: ox.RdfFormat, size: int, quads: int) -> Iterator[bytes]:
    if fmt == ox.RdfFormat.N_QUADS:
        return nquads_chunks(path, size)
    if fmt == ox.RdfFormat.TRIG:
        return trig_chunks(path, quads)
    raise ValueError(f"parallel load reads N-Quads or TriG, not {fmt}")


def parallel_bulk_load(
    store: ox.Store,
    path: Path,
    fmt: ox.RdfFormat,
    scratch: Path,
    threads: int | None = None,
    chunk_bytes: int | None = None,
    chunk_quads: int | None = None,
) -> None:
    """Load ``path`` into ``store`` with ``threads`` loaders fed by one reader; the first error stops all and is raised.

    Chunks go through files in ``scratch`` because pyoxigraph releases the GIL only when it reads from a path. The
    file is the project's own validated build, hence ``lenient``. A failure part way leaves ``store`` partly loaded:
    callers load into a fresh store and switch to it only on success.
    """
    threads = threads or default_threads()
    auto_bytes, auto_quads = chunk_sizes(path, threads)
    chunk_bytes, chunk_quads = chunk_bytes or auto_bytes, chunk_quads or auto_quads
    with tempfile.TemporaryDirectory(prefix="chunks-", dir=scratch) as tmp:
        _run(store, chunks(path, fmt, chunk_bytes, chunk_quads), Path(tmp), threads)


def _run(store: ox.Store, pieces: Iterator[bytes], tmp: Path, threads: int) -> None:
    work: queue.Queue[object] = queue.Queue(maxsize=threads)
    errors: list[BaseException] = []
    failed = threading.Event()

    def load() -> None:
        while (chunk := work.get()) is not _DONE:
            assert isinstance(chunk, Path)
            try:
                if not failed.is_set():
                    store.bulk_load(path=str(chunk), format=ox.RdfFormat.N_QUADS, lenient=True)
            except BaseException as error:  # handed to the calling thread, which raises it
                errors.append(error)
                failed.set()
            finally:
                chunk.unlink(missing_ok=True)

    loaders = [threading.Thread(target=load, name=f"bulk-load-{i}", daemon=True) for i in range(threads)]
    for loader in loaders:
        loader.start()
    try:
        for number, piece in enumerate(pieces):
            if failed.is_set():
                break
            chunk = tmp / f"{number}.nq"
            chunk.write_bytes(piece)
            work.put(chunk)
    except BaseException as error:  # a parse error in the reader: raised after the loaders stop
        errors.append(error)
    finally:
        for _ in loaders:
            work.put(_DONE)
        for loader in loaders:
            loader.join()
    if errors:
        raise errors[0]
