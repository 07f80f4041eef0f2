"""Domain errors. Each one renders as a single readable line that names where and how to fix it."""

from __future__ import annotations

from pathlib import Path


class OpenbaarError(Exception):
    """Base of every error a user may see; ``str()`` is the one line to show."""


def one_line(text: str) -> str:
    """User text (a cell, a template) quoted into a message must not break it over lines."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class MappingError(OpenbaarError):
    """A mapping file is invalid: names the file and the key path inside it."""

    def __init__(self, path: Path | str, where: str, problem: str, fix: str = "") -> None:
        self.path, self.where, self.problem, self.fix = Path(path), where, problem, fix
        location = f"{self.path.name}" + (f" at {where}" if where else "")
        super().__init__(one_line(f"{location}: {problem}" + (f" ({fix})" if fix else "")))


class MappingProblems(OpenbaarError):
    """Several independent problems found in one mapping file, reported together in one run."""

    def __init__(self, errors: list[MappingError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


class SourceError(OpenbaarError):
    """A table cannot be read at all (missing file, missing column, undecodable)."""

    def __init__(self, path: Path | str, problem: str, fix: str = "") -> None:
        self.path, self.problem, self.fix = Path(path), problem, fix
        super().__init__(one_line(f"{self.path.name}: {problem}" + (f" ({fix})" if fix else "")))


class BuildError(OpenbaarError):
    """The build stopped; the live release is untouched. ``problems`` lists each cause on its own line."""

    def __init__(self, message: str, problems: list[str] | None = None, warnings: list[str] | None = None) -> None:
        self.problems = problems or []
        self.warnings = warnings or []
        super().__init__(message)


class ReleaseError(OpenbaarError):
    """A release operation (switch, rollback) cannot be done. ``problems`` lists each failed check."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        super().__init__(message)


class EngineUnavailable(OpenbaarError):
    """The remote SPARQL engine cannot be reached or gave no usable answer: 503, retry in a few seconds."""

    status = 503


class EngineDeadline(EngineUnavailable):
    """The remote SPARQL engine did not answer within the query deadline: 504."""

    status = 504
