"""The per-release document cache: a bounded SQLite file per release, removed with its release."""

from __future__ import annotations

from pathlib import Path

from service.web.linked.doccache import Cached, DocumentCache


def test_a_kept_document_comes_back_with_its_validators_and_its_gzipped_copy(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path, "20260101T000000Z-aaaa", 1 << 20)
    assert cache.get("k") is None
    cache.put("k", Cached(b"<a> <b> <c> .\n" * 100, "etag1", "/doc/a", "Thu, 01 Jan 2026 00:00:00 GMT"))
    again = DocumentCache(tmp_path, "20260101T000000Z-aaaa", 1 << 20).get("k")  # another process's view
    assert again is not None and again.etag == "etag1" and again.path == "/doc/a" and again.gzipped is None
    gzipped = cache.gzipped("k", again)
    import gzip

    assert gzip.decompress(gzipped) == again.body
    assert cache.get("k").gzipped == gzipped  # type: ignore[union-attr]


def test_files_of_releases_no_longer_kept_are_removed(tmp_path: Path) -> None:
    DocumentCache(tmp_path, "old", 1 << 20).put("k", Cached(b"x", "e", "/doc/x", None))
    DocumentCache(tmp_path, "previous", 1 << 20)
    DocumentCache(tmp_path, "new", 1 << 20, kept={"previous", "new"})
    assert sorted(p.name.split(".")[0] for p in tmp_path.glob("*.sqlite")) == ["new", "previous"]


def test_the_cache_stops_growing_at_its_bound(tmp_path: Path) -> None:
    cache = DocumentCache(tmp_path, "r", 256 * 1024)
    for i in range(2000):
        cache.put(f"k{i}", Cached(bytes(1024), "e", "/doc/x", None))
    assert (tmp_path / "r.sqlite").stat().st_size < 2 * 256 * 1024 + 300 * 1024
    assert cache.get("k1999") is None and cache.get("k0") is not None


def test_an_unusable_folder_means_no_cache_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    cache = DocumentCache(tmp_path / "file", "r", 1 << 20)
    cache.put("k", Cached(b"x", "e", "/doc/x", None))
    assert cache.get("k") is None
