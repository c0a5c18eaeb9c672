"""Build errors that name the file, the line and the reason."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: Path | None
    line: int | None
    where: str
    reason: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.file and self.line else str(self.file or "")
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.reason}".lstrip(": ")


class BuildError(Exception):
    """Raised with every problem found in one stage; the build then writes nothing."""

    def __init__(self, stage: str, problems: list[Problem]) -> None:
        self.stage = stage
        self.problems = problems
        super().__init__(f"{stage}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems))
