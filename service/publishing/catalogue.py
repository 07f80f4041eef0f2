"""The build steps that describe a loaded release: VoID statistics, dumps, and the validated catalogue.

They run after the data is loaded and checked and before the live switch; the catalogue graph goes
into the store last, since it states the dumps' sizes and checksums.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import store as stores
from ..catalog import CatalogContext, CatalogueCheck, ReleaseFacts, check_catalogue, describe_catalog
from ..catalog.facts import CATALOG_FILE, DUMPS_DIR, DumpFile, GraphStats
from ..config import Settings
from ..errors import BuildError
from ..mapping.model import DatasetMapping
from ..releases import live_release
from ..vocab import defined_terms, undefined_terms
from .background import Background
from .dumps import StreamDumps, finish_dumps
from .prepare import Prepared
from .void import dataset_stats


def _modified(mapping: DatasetMapping) -> datetime:
    """The newest of the dataset's source files and mapping: dates change with the data, not each build."""
    times = [src.path.stat().st_mtime for src in mapping.sources] + [mapping.path.stat().st_mtime]
    return datetime.fromtimestamp(max(times), UTC)


def _issued(settings: Settings, modified: dict[str, datetime]) -> dict[str, datetime]:
    """First publication: carried over from the live release, else the date of the data first published.

    Not the build time, so that building the same data twice gives the same catalogue.
    """
    previous = live_release(settings)
    known = previous.manifest.get("datasets", {}) if previous else {}
    issued = {}
    for slug, when in modified.items():
        earlier = known.get(slug, {}).get("issued")
        issued[slug] = datetime.fromisoformat(earlier) if earlier else when
    return issued


def _stems(settings: Settings, prepared: Prepared) -> dict[str, str]:
    """Graph IRI → file stem of each graph the mapper writes: the public datasets and the inferred graph."""
    ctx = CatalogContext(settings, prepared.mappings)
    stems = {settings.graph_base + m.slug: m.slug for m in prepared.mappings if not ctx.is_withheld(m)}
    stems[settings.graph_base + "inferred"] = ".part-inferred"
    return stems


def start_dumps(settings: Settings, prepared: Prepared, staging: Path) -> StreamDumps | None:
    """A FIFO the mapper tees its N-Quads into, read by a thread that writes the N-Triples/N-Quads dumps."""
    if not settings.dumps:
        return None
    fifo = staging / "dump.nq"
    os.mkfifo(fifo)
    return StreamDumps(fifo, staging / DUMPS_DIR, _stems(settings, prepared), settings.dump_gzip_level)


def _side_graphs(prepared: Prepared, settings: Settings) -> dict[str, bytes]:
    """N-Quads of the graphs loaded outside the mapper, for the whole-release dumps."""
    out = {}
    for iri, graph in prepared.side_graphs(settings).items():
        ntriples = graph.serialize(format="nt", encoding="utf-8")
        out[iri] = ntriples.replace(b" .\n", f" <{iri}> .\n".encode())
    return out


def start_statistics(
    store: Any, prepared: Prepared, settings: Settings, graphs: dict[str, int]
) -> Background[dict[str, GraphStats]]:
    """VoID statistics of the public dataset graphs, computed while the build does other work."""
    ctx = CatalogContext(settings, prepared.mappings)
    public = {m.slug: settings.graph_base + m.slug for m in prepared.mappings if not ctx.is_withheld(m)}
    return Background("void", dataset_stats, store, public, graphs)


def describe_release(
    store: Any,
    prepared: Prepared,
    settings: Settings,
    release_dir: Path,
    release_id: str,
    graphs: dict[str, int],
    timings: dict[str, float],
    stream: StreamDumps | None,
    statistics: Background[dict[str, GraphStats]],
) -> tuple[ReleaseFacts, int]:
    """VoID statistics and dumps, then the catalogue: validated with SHACL and loaded into its graph."""
    now = datetime.now(UTC).replace(microsecond=0)
    ctx = CatalogContext(settings, prepared.mappings)
    public = {m.slug: settings.graph_base + m.slug for m in prepared.mappings if not ctx.is_withheld(m)}
    t = time.perf_counter()
    stats = statistics.result()
    timings["void_wait"] = time.perf_counter() - t
    dumps: tuple[DumpFile, ...] = ()
    if stream is not None:
        t = time.perf_counter()
        streamed = stream.finish()
        stream.fifo.unlink(missing_ok=True)
        timings["dumps_wait"] = time.perf_counter() - t
        t = time.perf_counter()
        prefixes = {"def": settings.def_base}  # not id: its local names hold slashes
        files = finish_dumps(
            store,
            streamed,
            release_dir / DUMPS_DIR,
            public,
            _stems(settings, prepared),
            _side_graphs(prepared, settings),
            graphs,
            level=settings.dump_gzip_level,
            turtle_max=settings.dump_turtle_max_triples,
            prefixes=prefixes,
        )
        dumps = tuple(files)
        timings["dumps_finish"] = time.perf_counter() - t
    modified = {m.slug: _modified(m) for m in prepared.mappings}
    ctx.facts = ReleaseFacts(
        release_id=release_id,
        created=now,
        modified=modified,
        issued=_issued(settings, modified),
        dumps=dumps,
        stats=stats,
        total_triples=sum(graphs.values()),
    )
    catalog = describe_catalog(ctx)
    undefined = undefined_terms(catalog, settings.def_base, defined_terms(prepared.vocabulary))
    if undefined:
        raise BuildError("the catalogue uses terms vocab/ does not define; the live release is unchanged", undefined)
    t = time.perf_counter()
    _checked(catalog, "the live release is unchanged")
    timings["catalogue_shacl"] = time.perf_counter() - t
    ntriples = catalog.serialize(format="nt", encoding="utf-8")
    # The store keeps xsd:nonNegativeInteger as xsd:integer; the file keeps the catalogue exactly as validated.
    (release_dir / CATALOG_FILE).write_bytes(ntriples)
    stores.bulk_load_graph(store, ntriples, "ntriples", settings.graph_base + "catalog")
    return ctx.facts, len(catalog)


def _checked(catalog: Any, outcome: str) -> CatalogueCheck:
    """Our shapes and the official DCAT-AP and DCAT-AP-NL shapes; any violation fails with every line."""
    check = check_catalogue(catalog)
    if check.problems:
        raise BuildError(
            f"the catalogue breaks {len(check.problems)} DCAT-AP / DCAT-AP-NL rule(s); {outcome}", check.problems
        )
    return check


def check_release_catalogue(settings: Settings, prepared: Prepared) -> CatalogueCheck:
    """The catalogue of the mappings as they are now, checked as a build checks it, without a release.

    It has no dump distributions or VoID statistics: the build makes those.
    """
    modified = {m.slug: _modified(m) for m in prepared.mappings}
    facts = ReleaseFacts(
        created=datetime.now(UTC).replace(microsecond=0), modified=modified, issued=_issued(settings, modified)
    )
    return _checked(describe_catalog(CatalogContext(settings, prepared.mappings, facts)), "nothing is published")


def manifest_entries(facts: ReleaseFacts) -> dict[str, Any]:
    """What the manifest records for the catalogue: the dump list (the only files ever served) and VoID."""
    return {
        "dumps": [d.as_dict() for d in facts.dumps],
        "void": {slug: s.as_dict() for slug, s in facts.stats.items()},
        "issued": {slug: d.isoformat() for slug, d in facts.issued.items()},
        "modified": {slug: d.isoformat() for slug, d in facts.modified.items()},
    }
