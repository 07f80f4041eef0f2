"""What a release manifest records of each mapping and source file: checksums only of what is published.

The manifest feeds ``/releases`` and its PROV-O account, so a checksum recorded here is published.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ..mapping.model import DatasetMapping, Source


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def mapping_entry(mapping: DatasetMapping) -> dict[str, str]:
    """The mapping file and its checksum; not the checksum when it holds the values of row conditions."""
    if mapping.policy.rows:
        return {"file": mapping.path.name}
    return {"file": mapping.path.name, "sha256": sha256_of(mapping.path)}


def source_entry(
    mapping: DatasetMapping, source: Source, project: Path, published: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any]:
    """A source file, with its checksum only when it is published as it is (nothing withheld from it).

    A checksum of a file with withheld content would confirm a guessed file, and show when only withheld
    content changed; such a source records the checksum of what was published from it instead. A table
    whose links to withheld rows were left out holds their keys: it is not published as it is either.
    """
    file = str(source.path.relative_to(project)) if source.path.is_relative_to(project) else source.path.name
    policy = mapping.policy
    if policy.dataset is not None:
        return {"file": file}
    table = published.get((mapping.slug, file), {})
    withheld = policy.withheld_columns(source) or policy.row_conditions(source) or policy.aggregation(source)
    if withheld or table.get("withheld_links"):
        entry: dict[str, Any] = {"file": file}
        if table.get("published_sha256"):
            entry["published_sha256"] = table["published_sha256"]
        return entry
    return {"file": file, "sha256": sha256_of(source.path), "bytes": source.path.stat().st_size}
