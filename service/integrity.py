"""A release's checks, run before it goes live and on demand: file digests, quads per graph, test queries, dumps.

A release is an artefact: what its manifest records at build time must still hold, byte for byte, when
a switch (build or rollback) points ``live`` at it, or the switch is refused.
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import store as stores

#: Manifest key of the digest of every file of a release other than the manifest and the dumps.
FILES_KEY = "files"
ASK_ANY = "ASK { GRAPH ?g { ?s ?p ?o } }"
ASK_TYPED = "ASK { GRAPH ?g { ?s a ?c } }"


@dataclass(frozen=True)
class Check:
    """One check of a release: what was checked, whether it held, and why not."""

    name: str
    ok: bool
    detail: str = ""


@dataclass
class Verification:
    release_id: str
    checks: list[Check] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]

    def as_dict(self) -> dict[str, Any]:
        return {
            "release": self.release_id,
            "ok": self.ok,
            "checks": [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


def sha256_file(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _dumps_dir() -> str:
    """Imported when needed: the catalogue package loads rdflib, which ``openbaar releases`` does not need."""
    from .catalog.facts import DUMPS_DIR

    return DUMPS_DIR


def _release_files(folder: Path, manifest_name: str) -> list[Path]:
    """Every file of a release but its manifest and its dumps (which the manifest lists with their own digests)."""
    dumps = _dumps_dir()
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not (Path(root) == folder and d == dumps))
        for name in sorted(names):
            path = Path(root) / name
            if path.parent == folder and name == manifest_name:
                continue
            files.append(path)
    return files


def file_digests(folder: Path, manifest_name: str) -> dict[str, dict[str, Any]]:
    """Relative path → bytes and SHA-256, for the manifest of a finished (closed) release folder."""
    return {
        str(path.relative_to(folder)): {"bytes": path.stat().st_size, "sha256": sha256_file(path)}
        for path in _release_files(folder, manifest_name)
    }


def _check_files(folder: Path, manifest: dict[str, Any], manifest_name: str) -> Check:
    recorded: dict[str, dict[str, Any]] | None = manifest.get(FILES_KEY)
    if not recorded:
        return Check("files", False, "the manifest records no file digests (built by an older version): rebuild")
    present = {str(p.relative_to(folder)): p for p in _release_files(folder, manifest_name)}
    problems = [f"{name} is missing" for name in sorted(set(recorded) - set(present))]
    problems += [f"{name} is not listed in the manifest" for name in sorted(set(present) - set(recorded))]
    for name in sorted(set(recorded) & set(present)):
        path, want = present[name], recorded[name]
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            problems.append(f"{name} is not a regular file")
        elif info.st_size != want["bytes"]:
            problems.append(f"{name} holds {info.st_size} bytes, the manifest says {want['bytes']}")
        elif sha256_file(path) != want["sha256"]:
            problems.append(f"{name} does not match its SHA-256")
    if problems:
        return Check("files", False, f"{len(problems)} file(s) changed since the build: " + "; ".join(problems[:5]))
    return Check("files", True, f"{len(recorded)} files match their SHA-256")


def _check_store(store_path: Path, manifest: dict[str, Any]) -> list[Check]:
    """Open the store read-only, as a server will, count quads per graph and ask one question per graph."""
    try:
        store = stores.open_read_only(store_path)
    except (OSError, RuntimeError, ValueError) as exc:
        return [Check("store opens", False, f"the store cannot be opened read-only: {exc}")]
    checks = [Check("store opens", True)]
    try:
        counts = stores.graph_counts(store)
        expected: dict[str, int] = manifest.get("graphs", {})
        wrong = [
            f"{graph}: {counts.get(graph, 0)} quads, the manifest says {n}"
            for graph, n in sorted(expected.items())
            if counts.get(graph, 0) != n
        ]
        wrong += [
            f"{graph}: {counts[graph]} quads, not in the manifest" for graph in sorted(set(counts) - set(expected))
        ]
        checks.append(Check("quads per graph", not wrong, "; ".join(wrong) or f"{len(expected)} graphs"))
        typed = {d.get("graph") for d in manifest.get("datasets", {}).values() if d.get("triples")}
        silent = [
            graph
            for graph, n in sorted(expected.items())
            if n and not stores.ask(store, ASK_TYPED if graph in typed else ASK_ANY, g=graph)
        ]
        detail = "no answer from " + ", ".join(silent) if silent else f"{len(expected)} graphs answer"
        checks.append(Check("test query per graph", not silent, detail))
    except (OSError, RuntimeError, ValueError) as exc:
        checks.append(Check("store reads", False, f"reading the store failed: {exc}"))
    finally:
        del store
        gc.collect()  # close the store's files now, not when the collector gets to it
    return checks


def _check_dumps(folder: Path, manifest: dict[str, Any]) -> Check:
    dumps: list[dict[str, Any]] = manifest.get("dumps", [])
    problems = [problem for entry in dumps if (problem := dump_problem(folder / _dumps_dir(), entry))]
    if problems:
        return Check("dumps", False, "; ".join(problems[:5]))
    return Check("dumps", True, f"{len(dumps)} dumps match their SHA-256")


def dump_problem(folder: Path, entry: dict[str, Any]) -> str | None:
    """Why a listed dump may not be served (not a regular file, wrong size or SHA-256), or None."""
    name = str(entry.get("name", ""))
    path = folder / name
    try:
        info = path.lstat()
    except OSError:
        return f"dump {name} is missing"
    if not stat.S_ISREG(info.st_mode) or path.parent.is_symlink():
        return f"dump {name} is not a regular file inside the release"
    if info.st_size != entry.get("bytes"):
        return f"dump {name} holds {info.st_size} bytes, the manifest says {entry.get('bytes')}"
    if sha256_file(path) != entry.get("sha256"):
        return f"dump {name} does not match its SHA-256"
    return None


def verify(folder: Path, manifest: dict[str, Any], manifest_name: str, store_dir: str) -> Verification:
    """Every check of one release folder; the store is opened only when its files are intact."""
    result = Verification(str(manifest.get("id", folder.name)))
    files = _check_files(folder, manifest, manifest_name)
    result.checks.append(files)
    if files.ok:
        result.checks += _check_store(folder / store_dir, manifest)
    result.checks.append(_check_dumps(folder, manifest))
    return result
