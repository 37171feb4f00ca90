"""Errors that say which file, line and column is wrong and what was expected."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Problem:
    """One thing wrong with a file: where it is and what was expected instead."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None
    expected: str | None = None
    found: str | None = None
    #: the municipality (GMxxxx) whose rows hold the problem; None when it concerns a shared table
    region: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column is not None:
            where += f", column {self.column!r}"
        text = f"{where}: {self.message}"
        if self.found is not None:
            text += f" (found {self.found!r})"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        return text


class DataError(ValueError):
    """Raised when input data is not what the library can read or trust.

    Carries one or more :class:`Problem` records, each naming file, line and column.
    """

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = len(self.problems) - 50
        if more > 0:
            shown += f"\n  … and {more} more"
        super().__init__(f"{len(self.problems)} problem(s) in input data:\n{shown}")

    @classmethod
    def at(cls, file: str | Path, message: str, **where) -> "DataError":
        return cls(Problem(file=str(file), message=message, **where))


class FetchError(RuntimeError):
    """Raised when a download from CBS cannot be done (offline, unknown table, …)."""
