"""The openbaar command as a data team uses it: help, validate, build, one-line errors, rollback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import copy_project


def openbaar(*args: str, project: Path | None = None, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENBAAR_")}
    env["COLUMNS"] = "200"
    prefix = [*(["--project", str(project)] if project else []), *(["--home", str(home)] if home else [])]
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *prefix, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )


@pytest.mark.parametrize("command", ["build", "validate", "serve", "releases", "rollback", "map"])
def test_every_command_explains_itself(command: str) -> None:
    result = openbaar(command, "--help")
    assert result.returncode == 0
    assert "Usage:" in result.stdout
    assert len(result.stdout.splitlines()) > 4


@pytest.mark.slow  # maps every bundled dataset
def test_validate_publishes_nothing(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = openbaar("validate", project=project, home=tmp_path / "var")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stderr
    counted = re.search(r"catalogue: 0 violations, (\d+) warning", result.stderr)
    assert counted is not None and int(counted.group(1)) > 0, result.stderr
    assert not (tmp_path / "var" / "live").exists()


@pytest.mark.slow  # maps every bundled dataset
def test_build_prints_a_summary_and_releases_lists_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = openbaar("build", project=project, home=tmp_path / "var")
    assert result.returncode == 0, result.stderr
    assert "Summary" in result.stderr and "triples" in result.stderr
    listing = openbaar("releases", project=project, home=tmp_path / "var")
    assert "live" in listing.stderr


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("prefixes:", "prefixes:\n  broken: [", "invalid YAML"),
        ("s: id:", "s: nope:", "unknown prefix 'nope'"),
        ("$(", "$(UNCLOSED", "unclosed reference"),
    ],
)
def test_a_broken_mapping_gives_one_readable_line_and_no_traceback(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    project = copy_project(tmp_path / "p")
    path = sorted((project / "mappings").glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    if new == "$(UNCLOSED":
        text = text.replace("$(", "$(UNCLOSED ", 1).replace(")", "", 1)
        line = next(ln for ln in text.splitlines() if "$(UNCLOSED" in ln)
        text = text.replace(line, line.split("$(UNCLOSED")[0] + "$(UNCLOSED")
    else:
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    result = openbaar("validate", project=project, home=tmp_path / "var")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if expected in ln]
    assert lines, result.stderr
    assert path.name in lines[0]


def test_a_missing_data_file_is_named(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    victim = sorted((project / "data").glob("*.csv"))[0]
    victim.unlink()
    result = openbaar("validate", project=project, home=tmp_path / "var")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert victim.name in result.stderr and "does not exist" in result.stderr


def test_rollback_without_releases_is_a_clear_error(tmp_path: Path) -> None:
    result = openbaar("rollback", project=copy_project(tmp_path / "p"), home=tmp_path / "var")
    assert result.returncode == 1
    assert "no earlier release" in result.stderr
    assert "Traceback" not in result.stderr
