"""What the catalogue knows about a release beyond the mappings: dumps, VoID statistics and dates.

Plain data, filled by the build steps and read back from the release manifest; no RDF here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from .. import formats


@dataclass(frozen=True)
class DumpFormat:
    """One dump serialisation: file suffix, IANA media type, EU file-type code."""

    suffix: str
    media_type: str
    file_type: str
    label: str


#: The dump formats, in the order they are listed; every dump is gzipped.
DUMP_FORMATS: dict[str, DumpFormat] = {
    f.extension: DumpFormat(f"{f.extension}.gz", f.media_type, str(f.eu), f.label)
    for f in (formats.N_TRIPLES, formats.N_QUADS, formats.TURTLE)
}
#: The catalogue as validated, kept in the release directory and served from there.
CATALOG_FILE = "catalog.nt"
#: The folder of a release that holds its dumps.
DUMPS_DIR = "dumps"
#: The name of the whole-release dumps (every graph but the catalogue's own).
FULL_DUMP = "openbaar"


@dataclass(frozen=True)
class DumpFile:
    """A file in ``<release>/dumps/``, as the manifest lists it; only listed files are ever served."""

    name: str
    dataset: str | None
    format: str
    media_type: str
    bytes: int
    sha256: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DumpFile:
        return cls(**{k: data[k] for k in ("name", "dataset", "format", "media_type", "bytes", "sha256")})


@dataclass(frozen=True)
class GraphStats:
    """VoID statistics of one dataset graph, computed at build time."""

    graph: str
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int] = field(default_factory=dict)
    properties: dict[str, int] = field(default_factory=dict)
    example: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GraphStats:
        return cls(**data)


@dataclass(frozen=True)
class ReleaseFacts:
    """Everything about the release the catalogue states; empty when only mappings are checked."""

    release_id: str | None = None
    created: datetime | None = None
    modified: dict[str, datetime] = field(default_factory=dict)
    issued: dict[str, datetime] = field(default_factory=dict)
    dumps: tuple[DumpFile, ...] = ()
    stats: dict[str, GraphStats] = field(default_factory=dict)
    total_triples: int = 0

    def dumps_of(self, dataset: str | None) -> list[DumpFile]:
        return [d for d in self.dumps if d.dataset == dataset]
