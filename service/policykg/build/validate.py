"""SHACL validation of the built data (ontology/shapes.ttl), with violations mapped back to annotation files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .errors import BuildError, Problem

Locator = Callable[[URIRef], tuple[Path | None, int | None]]


def validate(data: Graph, shapes_path: Path, locate: Locator) -> None:
    """Raise BuildError listing every violation (focus node, path, message, and the file/line that made it)."""
    import pyshacl

    shapes = Graph().parse(shapes_path, format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    if conforms:
        return
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage) or "violates a shape"
        file, line = locate(focus) if isinstance(focus, URIRef) else (None, None)
        where = f"SHACL focus {focus}" + (
            f" path {path.n3(data.namespace_manager)}" if isinstance(path, URIRef) else ""
        )
        problems.append(Problem(file, line, where, str(message)))
    raise BuildError("validate (SHACL)", sorted(problems, key=str))
