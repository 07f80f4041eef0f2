"""The live pointer: atomic switch, rollback, pruning and the build lock, on real directories."""

from __future__ import annotations

import gc
import json
import os
from pathlib import Path

import pytest

from service import store as stores
from service.config import Settings
from service.errors import BuildError, ReleaseError
from service.integrity import FILES_KEY, file_digests
from service.releases import (
    build_lock,
    list_releases,
    live_release,
    live_release_id,
    prune,
    remove_stale_staging,
    rollback,
    seal,
    switch_live,
)

GRAPH = "https://example.org/graph/g"
TRIPLES = "\n".join(f'<https://example.org/s{i}> <https://example.org/p> "{i}" .' for i in range(3)) + "\n"


def make_release(settings: Settings, release_id: str) -> Path:
    """A small real release: a store with three quads in one graph, its manifest with file digests, sealed."""
    path = settings.releases_dir / release_id
    path.mkdir(parents=True)
    store = stores.create_store(path / "store")
    stores.bulk_load_graph(store, TRIPLES, "ntriples", GRAPH)
    stores.finish(store)
    del store
    gc.collect()
    manifest = {"id": release_id, "graphs": {GRAPH: 3}, FILES_KEY: file_digests(path, "release.json")}
    (path / "release.json").write_text(json.dumps(manifest), encoding="utf-8")
    seal(path)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(project=tmp_path, home=tmp_path / "var", keep_releases=2)


def test_no_live_release_before_the_first_build(settings: Settings) -> None:
    assert live_release(settings) is None
    assert live_release_id(settings) is None


def test_switch_points_live_at_the_release(settings: Settings) -> None:
    make_release(settings, "20260101-000000-000001")
    switch_live(settings, "20260101-000000-000001")
    assert live_release_id(settings) == "20260101-000000-000001"
    assert settings.live_pointer.is_symlink()
    assert live_release(settings).triples == 3  # type: ignore[union-attr]


def test_switch_refuses_an_unfinished_release(settings: Settings) -> None:
    (settings.releases_dir / "20260101-000000-000001").mkdir(parents=True)
    with pytest.raises(ReleaseError, match="not finished"):
        switch_live(settings, "20260101-000000-000001")


def test_unfinished_and_staging_directories_are_not_releases(settings: Settings) -> None:
    make_release(settings, "20260101-000000-000001")
    (settings.releases_dir / ".staging-x").mkdir()
    (settings.releases_dir / "20260102-000000-000001").mkdir()
    assert [r.id for r in list_releases(settings)] == ["20260101-000000-000001"]


def test_rollback_goes_to_the_previous_release(settings: Settings) -> None:
    for rid in ("20260101-000000-000001", "20260102-000000-000001"):
        make_release(settings, rid)
    switch_live(settings, "20260102-000000-000001")
    assert rollback(settings).id == "20260101-000000-000001"
    assert live_release_id(settings) == "20260101-000000-000001"


def test_rollback_without_an_earlier_release_fails(settings: Settings) -> None:
    make_release(settings, "20260101-000000-000001")
    switch_live(settings, "20260101-000000-000001")
    with pytest.raises(ReleaseError, match="no earlier release"):
        rollback(settings)


def test_rollback_to_an_unknown_release_names_the_kept_ones(settings: Settings) -> None:
    make_release(settings, "20260101-000000-000001")
    with pytest.raises(ReleaseError, match="20260101-000000-000001"):
        rollback(settings, "nope")


def test_prune_keeps_the_newest_and_the_live_one(settings: Settings) -> None:
    ids = [f"2026010{i}-000000-000001" for i in range(1, 5)]
    for rid in ids:
        make_release(settings, rid)
    switch_live(settings, ids[0])
    removed = prune(settings)
    kept = [r.id for r in list_releases(settings)]
    assert ids[0] in kept
    assert len(kept) == 2
    assert sorted(removed + kept) == ids


def test_a_second_build_on_the_same_home_is_refused(settings: Settings) -> None:
    with build_lock(settings), pytest.raises(BuildError, match="another build"), build_lock(settings):
        pass


def test_prune_removes_sealed_releases(settings: Settings) -> None:
    ids = [f"2026010{i}-000000-000001" for i in range(1, 4)]
    for rid in ids:
        make_release(settings, rid)
    switch_live(settings, ids[-1])
    assert prune(settings) == [ids[0]]
    assert not (settings.releases_dir / ids[0]).exists()


def test_a_switch_to_a_release_whose_store_lost_a_file_is_refused(settings: Settings) -> None:
    path = make_release(settings, "20260101-000000-000001")
    (path / "store").chmod(0o755)
    sst = next((path / "store").glob("*.sst"))
    sst.unlink()
    with pytest.raises(ReleaseError, match="failed its checks") as refused:
        switch_live(settings, "20260101-000000-000001")
    assert any(f"store/{sst.name} is missing" in p for p in refused.value.problems)
    assert live_release_id(settings) is None


def test_stale_staging_folders_are_removed_but_not_the_current_one(settings: Settings) -> None:
    settings.releases_dir.mkdir(parents=True)
    old, mine = settings.releases_dir / ".staging-old", settings.releases_dir / ".staging-mine"
    for folder in (old / "store", mine):
        folder.mkdir(parents=True)
    os.chmod(old / "store", 0o555)
    assert remove_stale_staging(settings, keep=mine) == [".staging-old"]
    assert not old.exists() and mine.exists()
