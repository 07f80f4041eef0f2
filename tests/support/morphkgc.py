"""Morph-KGC 2.10.0, the reference YARRRML engine, run in a virtual environment of its own.

Morph-KGC pins pyoxigraph<0.4 and rdflib<7.3, which conflict with ours, so it cannot be imported here:
it is installed once under `.cache/` and run as a subprocess.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The whole set that was verified on Python 3.11, pinned so that the reference output cannot drift
# with a new pandas or DuckDB release.
REQUIREMENTS = (
    "morph-kgc==2.10.0",
    "duckdb==1.5.6",
    "elementpath==4.8.0",
    "falcon==4.4.0",
    "jsonpath-python==1.0.6",
    "numpy==2.4.6",
    "pandas==2.3.3",
    "pyoxigraph==0.3.22",
    "pyparsing==3.3.3",
    "python-dateutil==4.0.0",
    "pytz==2026.6",
    "rdflib==7.2.1",
    "ruamel.yaml==0.18.17",
    "ruamel.yaml.clib==0.2.15",
    "tzdata==2026.6",
)
_STAMP = "openbaar-stamp.txt"  # written last: its presence means the venv is complete
_FORMATS = {".nq": "N-QUADS", ".nt": "N-TRIPLES"}  # Morph-KGC forces the suffix to match the format


def _stamp_text() -> str:
    """What a finished venv records, so that a change of pins or of Python rebuilds it."""
    return f"python {sys.version_info.major}.{sys.version_info.minor}\n" + "\n".join(REQUIREMENTS) + "\n"


def _is_ready(venv: Path) -> bool:
    """True when a previous run finished this venv with the current pins."""
    stamp = venv / _STAMP
    return (venv / "bin" / "python").exists() and stamp.is_file() and stamp.read_text() == _stamp_text()


def _check(cmd: list[str], what: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command quietly, and raise with its output, which is what explains a failure."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}): {' '.join(cmd)}\n{done.stdout}\n{done.stderr}")
    return done


def ensure_venv(root: Path) -> Path:
    """Create the venv once under a file lock (concurrent callers wait), since a pip install takes ~15 s."""
    venv = Path(os.path.abspath(root / ".cache" / "morph-kgc-venv"))
    python = venv / "bin" / "python"  # not resolved: the symlink is what makes it the venv's python
    if _is_ready(venv):
        return python
    venv.parent.mkdir(parents=True, exist_ok=True)
    with open(venv.parent / "morph-kgc-venv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if this process dies
        if not _is_ready(venv):
            shutil.rmtree(venv, ignore_errors=True)  # a half-built venv from an interrupted run
            _check([sys.executable, "-m", "venv", str(venv)], "creating the Morph-KGC venv")
            _check(
                [
                    str(python),
                    "-I",
                    "-m",
                    "pip",
                    "install",
                    "--no-input",
                    "--disable-pip-version-check",
                    *REQUIREMENTS,
                ],
                "installing Morph-KGC",
            )
            tmp = venv / f"{_STAMP}.tmp"
            tmp.write_text(_stamp_text())
            tmp.replace(venv / _STAMP)
    return python


def _ini_path(path: Path) -> str:
    """An absolute path as Morph-KGC's config needs it: `$` escaped, no `,` (it splits lists on commas)."""
    text = os.path.abspath(path)
    if "," in text:
        raise ValueError(f"Morph-KGC cannot take a path with a comma: {text}")
    return text.replace("$", "$$")


def run_morph_kgc(mapping: Path, *, workdir: Path, out: Path, python: Path) -> subprocess.CompletedProcess[str]:
    """Materialise a YARRRML file into `out` (.nq or .nt), sources relative to `workdir` as in our build."""
    output_format = _FORMATS.get(out.suffix)
    if output_format is None:
        raise ValueError(f"out must end in .nq or .nt, not {out.name!r}")
    config = (
        "[CONFIGURATION]\n"
        f"output_format = {output_format}\n"
        f"output_file = {_ini_path(out)}\n"
        # Its worker processes append to one file under a lock that each creates for itself.
        "number_of_processes = 1\n"
        "logging_level = WARNING\n"
        "\n"
        "[mapping]\n"
        f"mappings = {_ini_path(mapping)}\n"
    )
    with tempfile.TemporaryDirectory(prefix="morph-kgc-") as tmp:
        ini = Path(tmp) / "config.ini"
        ini.write_text(config, encoding="utf-8")
        # -I: no PYTHONPATH, user site or cwd on sys.path, so nothing of ours can shadow its imports.
        return _check([os.path.abspath(python), "-I", "-m", "morph_kgc", str(ini)], "Morph-KGC", cwd=workdir)
