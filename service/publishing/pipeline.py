"""The build: prepare, map and load into a new store, check it, then switch the live release.

Nothing touches the live release until every check has passed; a failure removes the new directory.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import store as stores
from ..config import Settings, child_environment
from ..errors import BuildError, ReleaseError
from ..integrity import FILES_KEY, file_digests
from ..mapping.report import Issue, read_issues
from ..modified import MODIFIED_FILE, write_modified
from ..policy.summary import policy_summary
from ..releases import (
    MANIFEST,
    STORE_DIR,
    Release,
    build_lock,
    list_releases,
    live_release,
    new_release_id,
    prune,
    remove_release_dir,
    remove_stale_staging,
    seal,
    switch_live,
)
from ..search import INDEX_FILE, add_resources, write_index
from .background import Background
from .catalogue import describe_release, manifest_entries, start_dumps, start_statistics
from .checksums import mapping_entry, source_entry
from .prepare import Prepared, prepare

#: Called with an event name and its data: "stage" (name), "rows" (dataset, rows), "tables" (list).
Progress = Callable[..., None]
ASK_TYPED = "ASK { GRAPH ?g { ?s a ?c } }"


@dataclass
class BuildResult:
    release: Release
    tables: list[dict[str, Any]]
    issues: int
    first_issues: list[Issue]
    report_path: Path
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


def build(settings: Settings, progress: Progress | None = None) -> BuildResult:
    """Make a new release from mappings/, data/ and vocab/, and make it live; raises BuildError on any failure."""
    notify = progress or (lambda *a, **k: None)
    with build_lock(settings):
        return _build(settings, notify)


def _build(settings: Settings, notify: Progress) -> BuildResult:
    started = time.perf_counter()
    timings: dict[str, float] = {}
    release_id = new_release_id()
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    settings.releases_dir.mkdir(parents=True, exist_ok=True)
    report_path = settings.reports_dir / f"{release_id}-issues.jsonl"
    summary_path = settings.reports_dir / f"{release_id}.json"
    staging = settings.releases_dir / f".staging-{release_id}"
    summary: dict[str, Any] = {"release": release_id, "status": "failed", "tables": []}
    stream = None
    store = None
    jobs: list[Background[Any]] = []  # threads reading the new store, waited for if the build fails
    try:
        notify("stage", name="checking mappings, vocabulary and tables")
        t = time.perf_counter()
        prepared = prepare(settings)
        for warning in prepared.warnings:
            notify("warning", text=warning)
        timings["prepare"] = time.perf_counter() - t
        remove_stale_staging(settings, keep=staging)  # left by killed builds: none can run, we hold the lock
        staging.mkdir()
        store = stores.create_store(staging / STORE_DIR)
        t = time.perf_counter()
        _load_side_graphs(store, prepared, settings)
        notify("stage", name="mapping and loading")
        stream = start_dumps(settings, prepared, staging)
        tables = _map_and_load(
            store, prepared, settings, staging, report_path, notify, tee=stream.fifo if stream else None
        )
        summary["tables"] = tables
        timings["map_and_load"] = time.perf_counter() - t
        notify("stage", name="checking the new store")
        t = time.perf_counter()
        # The compaction starts at once; the check's full scan, then the VoID statistics and the search and
        # sitemap index (service/search.py) read the store meanwhile. A failed check waits for it (jobs).
        compaction = Background("optimize", stores.finish, store)
        jobs.append(compaction)
        graphs = _check(store, prepared, settings, tables)
        timings["check"] = time.perf_counter() - t
        statistics = start_statistics(store, prepared, settings, graphs)
        index = Background("index", write_index, store, staging / INDEX_FILE, settings.id_base)
        jobs += [statistics, index]
        t = time.perf_counter()
        compaction.result()
        timings["optimize"] = time.perf_counter() - t  # beyond the check
        facts, catalog_triples = describe_release(
            store, prepared, settings, staging, release_id, graphs, timings, stream, statistics
        )
        graphs[settings.graph_base + "catalog"] = catalog_triples
        t = time.perf_counter()
        index.result()
        add_resources(store, staging / INDEX_FILE, settings.id_base, settings.graph_base + "catalog")
        timings["search_index"] = time.perf_counter() - t  # beyond the compaction
        t = time.perf_counter()
        _check_union(store, graphs)
        timings["union_check"] = time.perf_counter() - t
        t = time.perf_counter()
        previous = live_release(settings)
        earlier = (previous.path / MODIFIED_FILE, previous.created) if previous else (None, "")
        write_modified(store, staging / MODIFIED_FILE, settings.id_base, *earlier)
        timings["modified"] = time.perf_counter() - t
        store.flush()
        del store
        gc.collect()
        manifest = _manifest(release_id, prepared, settings, tables, graphs, report_path, timings)
        manifest.update(manifest_entries(facts))
        for slug, when in facts.issued.items():
            manifest["datasets"][slug]["issued"] = when.isoformat()
        manifest[FILES_KEY] = file_digests(staging, MANIFEST)
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        final = settings.releases_dir / release_id
        os.rename(staging, final)
        seal(final)
        try:
            switch_live(settings, release_id)
        except ReleaseError as exc:
            remove_release_dir(final)
            raise BuildError(str(exc), exc.problems) from None
        prune(settings)
    except BuildError as exc:
        summary["error"] = str(exc)
        summary["problems"] = exc.problems
        raise
    except Exception as exc:
        summary["error"] = f"{type(exc).__name__}: {exc}"
        raise BuildError(f"the build failed unexpectedly: {type(exc).__name__}: {exc}") from exc
    finally:
        if stream is not None and staging.exists():  # the build failed before its release was finished
            stream.abort()
        if staging.exists():
            for job in jobs:
                job.abandon()
            store = None  # noqa: F841 - closes a failed build's store, so it writes nothing once its folder is gone
            gc.collect()
            remove_release_dir(staging)
        if summary["status"] == "failed":
            summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    summary.update(status="ok", timings=timings)
    summary_path.write_text(json.dumps(summary, indent=2, ensure_ascii=False), encoding="utf-8")
    issues = read_issues(report_path) if report_path.exists() else []
    release = next(r for r in list_releases(settings) if r.id == release_id)
    return BuildResult(release, tables, len(issues), issues[:200], report_path, time.perf_counter() - started, timings)


def _load_side_graphs(store: Any, prepared: Prepared, settings: Settings) -> None:
    """The vocabulary, the register of exceptions and the vocabulary's own entailments, each in its graph."""
    for iri, graph in prepared.side_graphs(settings).items():
        stores.bulk_load_graph(store, graph.serialize(format="nt"), "ntriples", iri)


def _map_and_load(
    store: Any,
    prepared: Prepared,
    settings: Settings,
    staging: Path,
    report_path: Path,
    notify: Progress,
    tee: Path | None = None,
) -> list[dict[str, Any]]:
    """Run the mapper process and bulk-load its N-Quads as they come, through a FIFO.

    The store reads the FIFO by path, in Rust, without holding the GIL: loading and mapping overlap.
    """
    fifo = staging / "mapped.nq"
    os.mkfifo(fifo)
    job = {
        "project": str(settings.project),
        "mappings": [str(m.path) for m in prepared.mappings],
        "id_base": settings.id_base,
        "def_base": settings.def_base,
        "graph_base": settings.graph_base,
        "chunk_rows": settings.chunk_rows,
        "max_bad_row_share": settings.max_bad_row_share,
        "issues_path": str(report_path),
        "output": str(fifo),
        "entailment": _entailment_json(prepared),
        "tee": str(tee) if tee else None,  # a copy of the stream for the dumps
    }
    job_path = staging / "job.json"
    job_path.write_text(json.dumps(job), encoding="utf-8")
    read_fd, write_fd = os.pipe()
    outcome: dict[str, Any] = {}
    stderr: list[bytes] = []
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.publishing.worker", str(job_path), str(write_fd)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(write_fd,),
        env=child_environment(),
    )
    errors = proc.stderr
    assert errors is not None  # opened with PIPE
    os.close(write_fd)

    def follow() -> None:
        with os.fdopen(read_fd, "r", encoding="utf-8") as events:
            for line in events:
                event = json.loads(line)
                if event["event"] == "progress":
                    notify("rows", dataset=event["dataset"], rows=event["rows"])
                else:
                    outcome.update(event)

    def watch() -> None:
        with errors:
            stderr.append(errors.read())
        proc.wait()
        _release_fifo_reader(fifo)
        if tee is not None:
            _release_fifo_reader(tee)

    threads = [threading.Thread(target=follow, daemon=True), threading.Thread(target=watch, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        stores.bulk_load_path(store, fifo)
    except Exception as exc:
        proc.kill()
        proc.wait()
        threads[0].join(5)
        if outcome.get("event") != "error":
            raise BuildError(f"loading the mapped data failed: {exc}") from exc
    code = proc.wait()
    for thread in threads:
        thread.join(30)
    fifo.unlink()
    job_path.unlink()  # the release directory keeps only the store and its manifest
    if outcome.get("event") == "error":
        raise BuildError(outcome["message"], [outcome["message"]])
    if code != 0 or outcome.get("event") != "done":
        tail = b"".join(stderr).decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
        raise BuildError(f"the mapper stopped unexpectedly (exit {code}): {tail[0]}")
    tables: list[dict[str, Any]] = outcome["tables"]
    notify("tables", tables=tables)
    return tables


def _release_fifo_reader(fifo: Path) -> None:
    """If the mapper died before opening the FIFO, the loader waits in open(): give it an end of file."""
    for _ in range(20):
        try:
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # no reader waiting (ENXIO) or the FIFO is gone: nothing to release
            return
        os.close(fd)
        time.sleep(0.05)


def _entailment_json(prepared: Prepared) -> dict[str, Any] | None:
    e = prepared.entailment
    if e is None:
        return None
    return {"superproperties": e.superproperties, "inverses": e.inverses, "superclasses": e.superclasses}


def _check(store: Any, prepared: Prepared, settings: Settings, tables: list[dict[str, Any]]) -> dict[str, int]:
    """Quad counts per graph and a test query per dataset, before anything goes live."""
    graphs = stores.graph_counts(store)
    problems = []
    emitted: dict[str, int] = {}
    for table in tables:
        emitted[table["dataset"]] = emitted.get(table["dataset"], 0) + table["triples"]
    for mapping in prepared.mappings:
        graph = settings.graph_base + mapping.slug
        count = graphs.get(graph, 0)
        if mapping.policy.dataset is not None:
            if count:
                problems.append(f"dataset '{mapping.slug}' is withheld as a whole but its graph holds {count} triples")
            continue
        if count == 0:
            problems.append(f"dataset '{mapping.slug}' produced no triples (are its tables empty?)")
        elif count > emitted.get(mapping.slug, 0):
            problems.append(
                f"dataset '{mapping.slug}': the store holds {count} triples, more than the "
                f"{emitted.get(mapping.slug, 0)} mapped"
            )
        elif not stores.ask(store, ASK_TYPED, g=graph):
            problems.append(f"dataset '{mapping.slug}': no typed resource found by the test query")
    vocab_count = graphs.get(settings.graph_base + "vocab", 0)
    if vocab_count != len(prepared.vocabulary):
        problems.append(f"the vocabulary graph holds {vocab_count} triples, not {len(prepared.vocabulary)}")
    if problems:
        raise BuildError("the new store failed its checks; the live release is unchanged", problems)
    return dict(sorted(graphs.items()))


def _check_union(store: Any, graphs: dict[str, int]) -> None:
    """The default graph is the union of the graphs, each triple once: no triple may be in two graphs."""
    shared = stores.shared_triples(store, graphs)
    if shared:
        raise BuildError(
            "a triple is stored in more than one graph, so the union default graph would count it twice; "
            "publish each triple in one dataset's graph only (or leave it out of the vocabulary)",
            shared,
        )


def _manifest(
    release_id: str,
    prepared: Prepared,
    settings: Settings,
    tables: list[dict[str, Any]],
    graphs: dict[str, int],
    report_path: Path,
    timings: dict[str, float],
) -> dict[str, Any]:
    datasets = {}
    published = {(t["dataset"], t["file"]): t for t in tables}
    for mapping in prepared.mappings:
        datasets[mapping.slug] = {
            "graph": settings.graph_base + mapping.slug,
            "title": mapping.metadata.get("title", {}),
            "triples": graphs.get(settings.graph_base + mapping.slug, 0),
            "mapping": mapping_entry(mapping),
            "sources": [source_entry(mapping, src, settings.project, published) for src in mapping.sources],
            "policy": policy_summary(mapping),
        }
    return {
        "id": release_id,
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "public_base": settings.public_base,
        "inference": settings.inference,
        "datasets": datasets,
        "tables": tables,
        "graphs": graphs,
        "issues_file": report_path.name,
        "timings": {k: round(v, 3) for k, v in timings.items()},
    }
