"""The build steps that describe a loaded release: VoID statistics, dumps, and the validated catalogue.

They run after the data is loaded and checked and before the live switch; the catalogue graph goes
into the store last, since it states the dumps' sizes and checksums.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .. import store as stores
from ..catalog import CatalogContext, ReleaseFacts, describe_catalog, readable_violations
from ..catalog.facts import CATALOG_FILE
from ..config import Settings
from ..errors import BuildError
from ..mapping.model import DatasetMapping
from ..releases import live_release
from .dumps import write_dumps
from .prepare import Prepared
from .void import dataset_stats


def _modified(mapping: DatasetMapping) -> datetime:
    """The newest of the dataset's source files and mapping: dates change with the data, not each build."""
    times = [src.path.stat().st_mtime for src in mapping.sources] + [mapping.path.stat().st_mtime]
    return datetime.fromtimestamp(max(times), UTC)


def _issued(settings: Settings, slugs: list[str], now: datetime) -> dict[str, datetime]:
    """First publication: carried over from the live release's manifest, else this build."""
    previous = live_release(settings)
    known = previous.manifest.get("datasets", {}) if previous else {}
    issued = {}
    for slug in slugs:
        earlier = known.get(slug, {}).get("issued")
        issued[slug] = datetime.fromisoformat(earlier) if earlier else now
    return issued


def describe_release(
    store: Any,
    prepared: Prepared,
    settings: Settings,
    release_dir: Path,
    release_id: str,
    graphs: dict[str, int],
    timings: dict[str, float],
) -> tuple[ReleaseFacts, int]:
    """VoID statistics and dumps, then the catalogue: validated with SHACL and loaded into its graph."""
    now = datetime.now(UTC).replace(microsecond=0)
    ctx = CatalogContext(settings, prepared.mappings)
    public = {m.slug: settings.graph_base + m.slug for m in prepared.mappings if not ctx.is_withheld(m)}
    t = time.perf_counter()
    stats = dataset_stats(store, public, graphs)
    timings["void"] = time.perf_counter() - t
    dumps = ()
    if settings.dumps:
        t = time.perf_counter()
        others = [settings.graph_base + g for g in ("vocab", "inferred") if settings.graph_base + g in graphs]
        dumps = tuple(write_dumps(store, release_dir, public, others, level=settings.dump_gzip_level))
        timings["dumps"] = time.perf_counter() - t
    ctx.facts = ReleaseFacts(
        release_id=release_id,
        created=now,
        modified={m.slug: _modified(m) for m in prepared.mappings},
        issued=_issued(settings, [m.slug for m in prepared.mappings], now),
        dumps=dumps,
        stats=stats,
        total_triples=sum(graphs.values()),
    )
    catalog = describe_catalog(ctx)
    problems = readable_violations(catalog)
    if problems:
        raise BuildError(
            f"the catalogue breaks {len(problems)} DCAT-AP-NL 3.0 rule(s); the live release is unchanged", problems
        )
    ntriples = catalog.serialize(format="nt", encoding="utf-8")
    # The store keeps xsd:nonNegativeInteger as xsd:integer; the file keeps the catalogue exactly as validated.
    (release_dir / CATALOG_FILE).write_bytes(ntriples)
    stores.bulk_load_graph(store, ntriples, "ntriples", settings.graph_base + "catalog")
    return ctx.facts, len(catalog)


def manifest_entries(facts: ReleaseFacts) -> dict[str, Any]:
    """What the manifest records for the catalogue: the dump list (the only files ever served) and VoID."""
    return {
        "dumps": [d.as_dict() for d in facts.dumps],
        "void": {slug: s.as_dict() for slug, s in facts.stats.items()},
        "issued": {slug: d.isoformat() for slug, d in facts.issued.items()},
        "modified": {slug: d.isoformat() for slug, d in facts.modified.items()},
    }
