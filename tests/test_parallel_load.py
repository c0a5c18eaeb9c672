"""The on-disk loader cuts a file into chunks loaded by several threads: the store must hold exactly the file."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset
from rdflib.compare import isomorphic

from policykg.store.parallel_load import _take_blank_lines, parallel_bulk_load


def _dataset(store: ox.Store) -> Dataset:
    data = ox.serialize(store, format=ox.RdfFormat.N_QUADS)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    return dataset


def _same(left: Dataset, right: Dataset) -> None:
    names = {g.identifier for g in left.graphs()} | {g.identifier for g in right.graphs()}
    for name in names:
        assert isomorphic(left.graph(name), right.graph(name)), name


@pytest.mark.parametrize("fmt", [ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS], ids=["trig", "nquads"])
def test_chunked_load_equals_the_file(built, tmp_path: Path, fmt: ox.RdfFormat) -> None:
    source = built.out
    if fmt == ox.RdfFormat.N_QUADS:
        source = tmp_path / "policykg.nq"
        ox.serialize(ox.parse(path=str(built.out), format=ox.RdfFormat.TRIG), output=str(source), format=fmt)
    expected = ox.Store()
    expected.load(path=str(source), format=fmt)

    store = ox.Store(str(tmp_path / "db"))
    # Tiny chunks: dozens of them, so the ontology's blank-node structures (lists, restrictions, SWRL atoms) would be
    # cut apart if the loader did not keep them together.
    parallel_bulk_load(store, source, fmt, tmp_path, threads=3, chunk_bytes=64 * 1024, chunk_quads=500)

    assert len(store) == len(expected)
    assert any(isinstance(q.subject, ox.BlankNode) for q in expected)
    _same(_dataset(store), _dataset(expected))
    assert not list((tmp_path).glob("chunks-*")), "chunk files are removed"


def test_a_bad_chunk_raises_and_stops(tmp_path: Path) -> None:
    good = "".join(f'<http://e/s{i}> <http://e/p> "{i}" <http://e/g> .\n' for i in range(2000))
    source = tmp_path / "bad.nq"
    source.write_text(good + '<http://e/s> <http://e/p> "unterminated <http://e/g> .\n' + good)
    store = ox.Store(str(tmp_path / "db"))
    with pytest.raises(SyntaxError):
        parallel_bulk_load(store, source, ox.RdfFormat.N_QUADS, tmp_path, threads=2, chunk_bytes=4096)
    assert not list(tmp_path.glob("chunks-*"))


@pytest.mark.parametrize(
    ("block", "kept", "taken"),
    [
        (b"<a> <p> <b> .\n", b"<a> <p> <b> .\n", []),
        (b"_:x <p> <b> .\n<a> <p> <b> .\n", b"<a> <p> <b> .\n", [b"_:x <p> <b> .\n"]),
        (
            b"<a> <p> _:x .\n_:x <p> <c> .\n<d> <p> <e> .\n",
            b"<d> <p> <e> .\n",
            [b"<a> <p> _:x .\n", b"_:x <p> <c> .\n"],
        ),
        (b"<a> <p> <b> .\n<c> <p> _:x .", b"<a> <p> <b> .\n", [b"<c> <p> _:x .\n"]),  # a last line without "\n"
    ],
)
def test_lines_with_blank_nodes_are_taken_whole(block: bytes, kept: bytes, taken: list[bytes]) -> None:
    into: list[bytes] = []
    assert _take_blank_lines(block, into) == kept
    assert into == taken
