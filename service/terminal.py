"""What the commands print: one problem, one line, whatever the terminal's width (piped output never wraps)."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from .errors import OpenbaarError

console = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 1000)


def line(label: str, text: str) -> None:
    """One problem, one line: the label styled, the text as it is (brackets in it are not markup)."""
    console.print(label, end="")
    console.print(text, markup=False, highlight=False)


def fail(exc: OpenbaarError) -> NoReturn:
    """Every warning and problem of a failure, one line each, then exit 1."""
    for warning in getattr(exc, "warnings", []):
        line("[yellow]warning:[/] ", warning)
    line("[bold red]error:[/] ", str(exc))
    for problem in getattr(exc, "problems", []):
        if problem != str(exc):
            line("  - ", problem)
    sys.exit(1)
