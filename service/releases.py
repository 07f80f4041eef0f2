"""Releases on disk: each build makes a new directory; the live one is a symlink switched atomically.

A release directory is never written after it is finished, so any number of readers may open it.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import BuildError, ReleaseError
from .integrity import Verification, verify

MANIFEST = "release.json"
STORE_DIR = "store"


@dataclass(frozen=True)
class Release:
    id: str
    path: Path
    manifest: dict[str, Any]

    @property
    def store_path(self) -> Path:
        return self.path / STORE_DIR

    @property
    def created(self) -> str:
        return str(self.manifest.get("created", ""))

    @property
    def triples(self) -> int:
        return int(sum(self.manifest.get("graphs", {}).values()))

    def verify(self) -> Verification:
        """Every check of the release: file digests, quads per graph, a test query per graph, dumps."""
        return verify(self.path, self.manifest, MANIFEST, STORE_DIR)


def new_release_id(now: datetime | None = None) -> str:
    """Sortable by time, unique to the microsecond."""
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")


def list_releases(settings: Settings) -> list[Release]:
    """Finished releases, oldest first."""
    root = settings.releases_dir
    if not root.is_dir():
        return []
    releases = []
    for path in sorted(root.iterdir()):
        manifest = path / MANIFEST
        if path.name.startswith(".") or not manifest.is_file():
            continue
        releases.append(Release(path.name, path, json.loads(manifest.read_text(encoding="utf-8"))))
    return releases


def live_release(settings: Settings) -> Release | None:
    """The release the live pointer names, or None before the first build."""
    pointer = settings.live_pointer
    if not pointer.is_symlink():
        return None
    path = settings.home_dir / os.readlink(pointer)
    manifest = path / MANIFEST
    if not manifest.is_file():
        return None
    return Release(path.name, path, json.loads(manifest.read_text(encoding="utf-8")))


def live_release_id(settings: Settings) -> str | None:
    """Cheap: one readlink, for servers that check the pointer on every request."""
    try:
        return Path(os.readlink(settings.live_pointer)).name
    except OSError:
        return None


def switch_live(settings: Settings, release_id: str) -> Verification:
    """Check the release, then point ``live`` at it in one rename: readers see the old or the new, never neither.

    Raises ReleaseError, naming every failed check, when the release is not what its manifest says.
    """
    target = settings.releases_dir / release_id
    if not (target / MANIFEST).is_file():
        raise ReleaseError(f"release {release_id} does not exist or is not finished")
    release = Release(release_id, target, json.loads((target / MANIFEST).read_text(encoding="utf-8")))
    verification = release.verify()
    if not verification.ok:
        raise ReleaseError(
            f"release {release_id} failed its checks; the live release is unchanged",
            [f"{c.name}: {c.detail}" for c in verification.failures],
        )
    pointer = settings.live_pointer
    temporary = pointer.with_name(f".live-{os.getpid()}")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(os.path.relpath(target, pointer.parent), temporary)
    os.replace(temporary, pointer)
    return verification


def seal(path: Path) -> None:
    """Make a finished release read-only on disk: no writer can open its store by mistake."""
    for root, dirs, files in os.walk(path, topdown=False):
        for name in files:
            _chmod(Path(root) / name, 0o444)
        for name in dirs:
            _chmod(Path(root) / name, 0o555)
    _chmod(path, 0o555)


def _chmod(path: Path, mode: int) -> None:
    if not path.is_symlink():
        path.chmod(mode)


def remove_release_dir(path: Path) -> None:
    """Delete a sealed (read-only) release or a staging folder: directories are made writable first."""
    if not path.is_dir() or path.is_symlink():
        return
    for root, dirs, _ in os.walk(path):
        for name in [".", *dirs]:
            folder = Path(root) / name
            if not folder.is_symlink():
                folder.chmod(folder.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR | stat.S_IRUSR)
    shutil.rmtree(path, ignore_errors=True)


def remove_stale_staging(settings: Settings, keep: Path | None = None) -> list[str]:
    """Staging folders of killed builds; call only under the build lock, when no other build can be running."""
    root = settings.releases_dir
    if not root.is_dir():
        return []
    stale = [p for p in root.iterdir() if p.name.startswith(".staging-") and p != keep]
    for path in stale:
        remove_release_dir(path)
    return [p.name for p in stale]


def verify_all(settings: Settings) -> list[Verification]:
    """Check every kept release, oldest first."""
    return [release.verify() for release in list_releases(settings)]


def rollback(settings: Settings, to: str | None = None) -> Release:
    """Make the previous release (or ``to``) live again."""
    releases = list_releases(settings)
    current = live_release_id(settings)
    if to is None:
        older = [r for r in releases if current is None or r.id < current]
        if not older:
            raise ReleaseError("there is no earlier release to roll back to")
        target = older[-1]
    else:
        matches = [r for r in releases if r.id == to]
        if not matches:
            known = ", ".join(r.id for r in releases) or "none"
            raise ReleaseError(f"release {to} is not kept on disk (kept: {known})")
        target = matches[0]
    switch_live(settings, target.id)
    return target


def prune(settings: Settings) -> list[str]:
    """Delete the oldest releases beyond ``keep_releases``; the live one is always kept."""
    releases = list_releases(settings)
    current = live_release_id(settings)
    removable = [r for r in releases if r.id != current]
    excess = len(releases) - settings.keep_releases
    removed = []
    for release in removable[: max(excess, 0)]:
        remove_release_dir(release.path)
        removed.append(release.id)
    return removed


@contextmanager
def build_lock(settings: Settings) -> Iterator[None]:
    """One build at a time per home directory."""
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.home_dir / "build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another build is running on this home directory; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
