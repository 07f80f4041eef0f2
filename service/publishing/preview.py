"""Checks and previews that map as a build would but publish nothing: ``openbaar validate`` and ``openbaar map``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..catalog import CatalogueCheck
from ..config import Settings
from ..errors import BuildError, OpenbaarError
from ..mapping.materialize import Options, materialize
from ..mapping.report import Report
from ..mapping.yarrrml import parse_mapping
from ..releases import new_release_id
from .catalogue import check_release_catalogue
from .guards import GUARDS
from .pipeline import Progress
from .prepare import prepare


def validate(
    settings: Settings, progress: Progress | None = None
) -> tuple[list[dict[str, Any]], Path, int, CatalogueCheck]:
    """Check and map everything as a build would, publishing nothing.

    Returns the tables, the issues file, the issue count and the catalogue check (its official warnings).
    """
    notify = progress or (lambda *a, **k: None)
    notify("stage", name="checking mappings, vocabulary and tables")
    prepared = prepare(settings)
    notify("stage", name="checking the catalogue (DCAT-AP, DCAT-AP-NL)")
    catalogue = check_release_catalogue(settings, prepared)
    for warning in prepared.warnings:
        notify("warning", text=warning)
    settings.reports_dir.mkdir(parents=True, exist_ok=True)
    report_path = settings.reports_dir / f"validate-{new_release_id()}-issues.jsonl"
    options = Options(
        graph_base=settings.graph_base,
        chunk_rows=settings.chunk_rows,
        max_bad_row_share=settings.max_bad_row_share,
        id_base=settings.id_base,
    )
    notify("stage", name="mapping (nothing is published)")
    with report_path.open("w", encoding="utf-8") as sink:
        report = Report(sink)
        try:
            for _ in materialize(
                prepared.mappings,
                options=options,
                report=report,
                guards=GUARDS,
                entailment=prepared.entailment,
                progress=lambda d, r: notify("rows", dataset=d, rows=r),
            ):
                pass
        except OpenbaarError as exc:
            raise BuildError(str(exc), [str(exc)]) from None
    tables = [t.as_dict() for t in report.tables.values()]
    notify("tables", tables=tables)
    return tables, report_path, report.total, catalogue


def map_one(
    settings: Settings, mapping_path: Path, output: str, *, default_graph: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Map a single mapping file to N-Quads (a file, or '-' for standard output), without a store."""
    mapping = parse_mapping(
        mapping_path, project=settings.project, id_base=settings.id_base, def_base=settings.def_base
    )
    options = Options(
        graph_base=None if default_graph else settings.graph_base,
        chunk_rows=settings.chunk_rows,
        max_bad_row_share=settings.max_bad_row_share,
        id_base=settings.id_base,
    )
    report = Report()
    out = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
    try:
        for chunk in materialize([mapping], options=options, report=report, guards=GUARDS):
            out.write(chunk)
    finally:
        if out is not sys.stdout.buffer:
            out.close()
    return [t.as_dict() for t in report.tables.values()], report.total
