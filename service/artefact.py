"""A release as one portable file: a tar of its folder plus a list of digests, written and read in one pass.

The build machine exports; serving machines import from a path (shared storage) or a URL on the local
network. The release's identity is the SHA-256 of its manifest (``release.json``): the import checks
every file against the digests and the manifest against that identity before the release is made
available, so a serving machine never holds half a release or a different one under the same id.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlparse

from .config import Settings
from .errors import ReleaseError
from .releases import MANIFEST, Release, list_releases

#: The last member of every artefact: format, release id, identity and the digest of every other file.
DIGESTS = "openbaar-artefact.json"
FORMAT = 1
RELEASE_ID = re.compile(r"[0-9]{8}-[0-9]{6}-[0-9]{6}")
_CHUNK = 1 << 20


def identity_of(manifest: bytes) -> str:
    """The release identity: the digest of its manifest, as ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(manifest).hexdigest()


def release_identity(release: Release) -> str:
    return identity_of((release.path / MANIFEST).read_bytes())


class _Hashing(io.RawIOBase):
    """A readable file that hashes what passes through it (tarfile reads members through it)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha = raw, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha.update(data)
        return data


def _files(root: Path) -> Iterator[Path]:
    """Every regular file under a release folder, in a stable order, the manifest first."""
    yield root / MANIFEST
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and path != root / MANIFEST:
            yield path


def export_release(settings: Settings, release_id: str, output: Path) -> dict[str, Any]:
    """Write release ``release_id`` as one tar at ``output`` (written beside it, then renamed); its digest list."""
    release = next((r for r in list_releases(settings) if r.id == release_id), None)
    if release is None:
        known = ", ".join(r.id for r in list_releases(settings)) or "none"
        raise ReleaseError(f"release {release_id} is not kept on disk (kept: {known}); see 'openbaar releases'")
    files: dict[str, dict[str, Any]] = {}
    partial = output.with_name(f".{output.name}.partial")
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        for path in _files(release.path):
            name = path.relative_to(release.path).as_posix()
            info = tarfile.TarInfo(f"{release_id}/{name}")
            info.size, info.mode, info.mtime = path.stat().st_size, 0o444, int(path.stat().st_mtime)
            with open(path, "rb") as raw:
                reader = _Hashing(raw)
                tar.addfile(info, reader)
            files[name] = {"sha256": reader.sha.hexdigest(), "size": info.size}
        digests = {
            "format": FORMAT,
            "release": release_id,
            "identity": "sha256:" + files[MANIFEST]["sha256"],
            "files": files,
        }
        body = json.dumps(digests, indent=1, sort_keys=True).encode()
        info = tarfile.TarInfo(DIGESTS)
        info.size, info.mode = len(body), 0o444
        tar.addfile(info, io.BytesIO(body))
    os.replace(partial, output)
    return digests


@contextmanager
def _open_source(source: str) -> Iterator[IO[bytes]]:
    """A path (shared storage), a file: URL or an http(s) URL (a server on the local network), read as a stream."""
    scheme = urlparse(source).scheme
    if scheme in ("http", "https"):
        try:
            response = urllib.request.urlopen(source, timeout=60)
        except OSError as exc:
            raise ReleaseError(f"the artefact at {source} could not be fetched: {exc}") from None
        with response:
            yield response
        return
    path = Path(urlparse(source).path if scheme == "file" else source)
    if not path.is_file():
        raise ReleaseError(f"there is no artefact file at {path}: give the path of a file made by 'release export'")
    with open(path, "rb") as handle:
        yield handle


def _target(root: Path, release_id: str, name: str) -> Path:
    """Where a member goes; refuses names that would leave the release folder."""
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts or relative.parts[:1] != (release_id,):
        raise ReleaseError(f"the artefact holds a file outside its release folder ('{name}'); it is not an artefact")
    return root.joinpath(*relative.parts[1:])


def _file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """A regular member's contents: ``extractfile`` gives None only for other kinds, refused before this."""
    data = tar.extractfile(member)
    if data is None:
        raise ReleaseError(f"the artefact holds '{member.name}', which is not a regular file")
    return data


def _unpack(stream: IO[bytes], staging: Path) -> tuple[str, dict[str, str], dict[str, Any]]:
    """Extract regular files while hashing them; the release id, the digests seen and the digest list."""
    seen: dict[str, str] = {}
    listed: dict[str, Any] | None = None
    release_id: str | None = None
    try:
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            for member in tar:
                if member.name == DIGESTS and member.isfile():
                    listed = json.loads(_file(tar, member).read())
                    continue
                if listed is not None:
                    raise ReleaseError("the artefact has files after its digest list; it was not made by 'export'")
                if release_id is None:
                    release_id = member.name.split("/", 1)[0]
                    if not RELEASE_ID.fullmatch(release_id):
                        raise ReleaseError(f"'{release_id}' is not a release id (expected YYYYMMDD-HHMMSS-ffffff)")
                if not member.isfile():
                    raise ReleaseError(f"the artefact holds '{member.name}', which is not a regular file")
                target = _target(staging, release_id, member.name)
                target.parent.mkdir(parents=True, exist_ok=True)
                sha = hashlib.sha256()
                source = _file(tar, member)
                with open(target, "wb") as out:
                    while chunk := source.read(_CHUNK):
                        sha.update(chunk)
                        out.write(chunk)
                seen[Path(member.name).relative_to(release_id).as_posix()] = sha.hexdigest()
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        raise ReleaseError(f"the artefact is not a complete release tar ({exc}); export it again") from None
    if listed is None or release_id is None:
        raise ReleaseError("the artefact ends before its digest list: it is incomplete; copy or export it again")
    return release_id, seen, listed


def _verify(release_id: str, seen: dict[str, str], listed: dict[str, Any], expected: str | None) -> str:
    if listed.get("format") != FORMAT or listed.get("release") != release_id:
        raise ReleaseError(f"the digest list does not describe release {release_id} in artefact format {FORMAT}")
    wanted = {name: entry["sha256"] for name, entry in listed["files"].items()}
    missing, extra = sorted(wanted.keys() - seen.keys()), sorted(seen.keys() - wanted.keys())
    if missing or extra:
        raise ReleaseError(f"the artefact's files differ from its digest list (missing {missing}, not listed {extra})")
    changed = sorted(name for name, digest in wanted.items() if seen[name] != digest)
    if changed:
        raise ReleaseError(f"{len(changed)} file(s) do not match their digests ({', '.join(changed[:5])}); re-copy it")
    identity = "sha256:" + seen.get(MANIFEST, "")
    if MANIFEST not in seen or listed.get("identity") != identity:
        raise ReleaseError("the artefact's manifest does not match the release identity it states")
    if expected is not None and expected != identity:
        raise ReleaseError(f"release {release_id} has identity {identity}, not the expected {expected}")
    return identity


def import_release(settings: Settings, source: str, expected_identity: str | None = None) -> tuple[Release, bool]:
    """Verify and unpack an artefact into this home's releases; (the release, whether it was new).

    Importing a release that is already here with the same identity changes nothing; one with the same id
    but another identity is refused.
    """
    settings.releases_dir.mkdir(parents=True, exist_ok=True)
    staging = settings.releases_dir / f".import-{os.getpid()}-{id(source)}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with _open_source(source) as stream:
            release_id, seen, listed = _unpack(stream, staging)
        identity = _verify(release_id, seen, listed, expected_identity)
        final = settings.releases_dir / release_id
        if (final / MANIFEST).is_file():
            existing = identity_of((final / MANIFEST).read_bytes())
            if existing != identity:
                raise ReleaseError(f"release {release_id} is already here with identity {existing}, not {identity}")
            return next(r for r in list_releases(settings) if r.id == release_id), False
        for path in staging.rglob("*"):
            if path.is_file():
                path.chmod(0o444)  # a release is never written after it is finished
        os.rename(staging, final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return next(r for r in list_releases(settings) if r.id == release_id), True
