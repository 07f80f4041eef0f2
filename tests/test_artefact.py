"""A release as one file: exported on the build machine, verified and imported on another home."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from service.artefact import DIGESTS, export_release, import_release, release_identity
from service.config import Settings
from service.errors import ReleaseError
from service.releases import MANIFEST, list_releases, live_release_id

from .support.tworeleases import COUNT, TREES, build_two
from .test_cli import openbaar

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, str, str]:
    return build_two(tmp_path_factory.mktemp("artefact"))


@pytest.fixture(scope="module")
def exported(releases: tuple[Settings, str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    settings, first, _ = releases
    path = tmp_path_factory.mktemp("shared") / f"{first}.tar"
    export_release(settings, first, path)
    return path


def elsewhere(tmp_path: Path) -> Settings:
    return Settings(project=tmp_path, home=tmp_path / "replica")


def tree_count(store_path: Path) -> int:
    store = ox.Store.read_only(str(store_path))
    rows = list(store.query(COUNT, use_default_graph_as_union=True))  # type: ignore[union-attr]
    return int(rows[0]["n"].value)  # type: ignore[index, union-attr]


def test_the_artefact_holds_every_file_of_the_release_and_their_digests(
    releases: tuple[Settings, str, str], exported: Path
) -> None:
    settings, first, _ = releases
    source = next(r for r in list_releases(settings) if r.id == first)
    on_disk = sorted(p.relative_to(source.path).as_posix() for p in source.path.rglob("*") if p.is_file())
    with tarfile.open(exported) as tar:
        names = tar.getnames()
        listed = json.loads(tar.extractfile(DIGESTS).read())  # type: ignore[union-attr]
    assert names[-1] == DIGESTS
    assert sorted(n.split("/", 1)[1] for n in names[:-1]) == on_disk
    assert any(n.startswith(f"{first}/store/") for n in names)
    for part in (MANIFEST, "search.sqlite", "catalog.nt", "dumps/"):
        assert any(n.startswith(f"{first}/{part}") for n in names), part
    assert listed["identity"] == release_identity(source)
    manifest = (source.path / MANIFEST).read_bytes()
    assert listed["identity"] == "sha256:" + hashlib.sha256(manifest).hexdigest()


def test_import_makes_the_same_release_available_and_does_not_switch(exported: Path, tmp_path: Path) -> None:
    replica = elsewhere(tmp_path)
    release, new = import_release(replica, str(exported))
    assert new
    assert [r.id for r in list_releases(replica)] == [release.id]
    assert live_release_id(replica) is None
    assert tree_count(release.store_path) == TREES[0]
    again, new_again = import_release(replica, str(exported), release_identity(release))
    assert again.id == release.id and not new_again


def test_a_changed_byte_is_refused_and_leaves_nothing(exported: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.tar"
    data = bytearray(exported.read_bytes())
    with tarfile.open(exported) as tar:
        member = next(m for m in tar.getmembers() if "/store/" in m.name and m.size > 100)
    data[member.offset_data + 50] ^= 0xFF
    broken.write_bytes(bytes(data))
    replica = elsewhere(tmp_path)
    with pytest.raises(ReleaseError, match="do not match their digests"):
        import_release(replica, str(broken))
    assert list_releases(replica) == []
    assert [p.name for p in replica.releases_dir.iterdir()] == []


def test_a_cut_off_artefact_is_refused(exported: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar"
    cut.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    replica = elsewhere(tmp_path)
    with pytest.raises(ReleaseError, match=r"not a complete release tar|incomplete"):
        import_release(replica, str(cut))
    assert list_releases(replica) == []


def test_the_wrong_identity_is_refused(exported: Path, tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match="not the expected"):
        import_release(elsewhere(tmp_path), str(exported), "sha256:" + "0" * 64)


@pytest.fixture
def file_server(exported: Path) -> Iterator[str]:
    """A plain static file server on loopback, as shared storage behind http on the local network would be."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(exported.parent))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_from_a_url(exported: Path, file_server: str, tmp_path: Path) -> None:
    release, new = import_release(elsewhere(tmp_path), f"{file_server}/{exported.name}")
    assert new and tree_count(release.store_path) == TREES[0]
    with pytest.raises(ReleaseError, match="could not be fetched"):
        import_release(elsewhere(tmp_path), f"{file_server}/missing.tar")


def test_export_and_import_commands(releases: tuple[Settings, str, str], tmp_path: Path) -> None:
    settings, _, second = releases
    artefact = tmp_path / "out.tar"
    result = openbaar("release", "export", second, "-o", str(artefact), project=settings.project, home=settings.home)
    assert result.returncode == 0, result.stderr
    assert "identity sha256:" in result.stderr
    home = tmp_path / "serving"
    result = openbaar("release", "import", str(artefact), "--live", project=settings.project, home=home)
    assert result.returncode == 0, result.stderr
    assert f"imported: release {second}" in " ".join(result.stderr.split())
    assert live_release_id(Settings(project=settings.project, home=home)) == second
    missing = openbaar("release", "export", "20000101-000000-000000", project=settings.project, home=settings.home)
    assert missing.returncode == 1 and "is not kept on disk" in missing.stderr


def test_a_replica_follows_only_a_pointer_it_can_verify(exported: Path, tmp_path: Path) -> None:
    from service.replica import Pointer, PointerReader, follow_once, write_pointer

    replica = elsewhere(tmp_path).replace(live_source=str(tmp_path / "live.json"))
    release_id = exported.stem
    with tarfile.open(exported) as tar:
        identity = json.loads(tar.extractfile(DIGESTS).read())["identity"]  # type: ignore[union-attr]
    reader = PointerReader(replica.live_source)
    write_pointer(replica, Pointer(release_id, identity))
    with pytest.raises(ReleaseError, match="not imported here"):
        follow_once(replica, reader)
    write_pointer(replica, Pointer(release_id, identity, str(exported)))
    assert follow_once(replica, reader) == release_id and live_release_id(replica) == release_id
    write_pointer(replica, Pointer(release_id, "sha256:" + "f" * 64))
    with pytest.raises(ReleaseError, match="the pointer says"):
        follow_once(replica, reader)
    (tmp_path / "live.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReleaseError, match="not a pointer document"):
        follow_once(replica, reader)
    assert live_release_id(replica) == release_id
