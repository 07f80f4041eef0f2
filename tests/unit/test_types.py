"""mypy over service/ (configured in pyproject.toml): no new type error, and no ``type: ignore`` left unused.

The errors the code had when the check was introduced are listed in ``mypy-baseline.txt`` (path, code,
message; no line numbers, so edits elsewhere do not disturb it). An error not listed fails this test;
fixing a listed one means deleting its line, so the list only shrinks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASELINE = Path(__file__).with_name("mypy-baseline.txt")
_ERROR = re.compile(r"^(?P<path>[^:]+):\d+: error: (?P<message>.*?)\s+\[(?P<code>[a-z-]+)\]$")

pytestmark = pytest.mark.slow  # mypy takes tens of seconds on a cold cache


def errors(output: str) -> Counter[str]:
    """Each error as ``path [code] message``, counted."""
    found: Counter[str] = Counter()
    for line in output.splitlines():
        match = _ERROR.match(line)
        if match:
            found[f"{match['path']} [{match['code']}] {match['message']}"] += 1
    return found


def test_no_type_error_beyond_the_baseline() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600)
    assert "error:" in run.stdout or run.returncode == 0, run.stdout + run.stderr  # mypy ran
    known = Counter(line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip())
    new = errors(run.stdout) - known
    assert not new, "new type errors (fix them; the baseline only shrinks):\n" + "\n".join(sorted(new))
