"""mypy over service/ (configured in pyproject.toml) reports no error, and no ``type: ignore`` is left unused.

A ``type: ignore`` is kept only where a library's types force it, and says which library and why in a
comment after it, so a reader can tell when the library has caught up.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: A ``type: ignore`` pragma, with what follows it on the line.
_IGNORE = re.compile(r"#\s*type:\s*ignore(?P<codes>\[[^\]]*\])?(?P<rest>.*)$")
#: What must follow it: another comment giving the reason.
_REASON = re.compile(r"\s+#\s*\S")


@pytest.mark.slow  # mypy takes tens of seconds on a cold cache
def test_mypy_reports_no_error_over_service() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True, timeout=600)
    errors = [line for line in run.stdout.splitlines() if ": error: " in line]
    assert run.returncode == 0 and not errors, (
        f"mypy found {len(errors)} type error(s) in service/ (fix the code; a `type: ignore` only where a "
        f"library's types force it, with the reason):\n" + "\n".join(errors or [run.stdout + run.stderr])
    )


def ignores_without_reason(root: Path) -> list[str]:
    """Each ``type: ignore`` under ``root`` without an error code or without a reason comment after it."""
    found = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _IGNORE.search(line)
            if match and not (match["codes"] and _REASON.match(match["rest"])):
                found.append(f"{path.relative_to(root.parent)}:{number}: {line.strip()}")
    return found


def test_every_type_ignore_has_a_code_and_a_reason() -> None:
    bare = ignores_without_reason(REPO / "service")
    assert not bare, (
        "a `type: ignore` needs its error code and, after it, `# <library>: <why its types force this>`:\n"
        + "\n".join(bare)
    )


def test_a_bare_type_ignore_is_found(tmp_path: Path) -> None:
    """The check above would notice: an ignore without a reason, or without a code, is reported."""
    package = tmp_path / "service"
    package.mkdir()
    (package / "m.py").write_text(
        "a = f()  # type: ignore[arg-type]\n"
        "b = f()  # type: ignore\n"
        "c = f()  # type: ignore  # pyoxigraph: no code\n"
        "d = f()  # type: ignore[arg-type]  # pyoxigraph's stub wants IO[bytes]\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in ignores_without_reason(package)] == ["1", "2", "3"]
