"""What a describer returns: a resource's statements grouped by property and direction, with their labels.

Plain data, read by the web layer; pyoxigraph is named here for types only, so importing it reads no store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

#: Links shown per property on one page; the rest is paged.
PAGE_SIZE = 50


@dataclass(frozen=True)
class Label:
    """The name a link is shown with, and whether the data gave it (or it was made from the IRI)."""

    text: str
    language: str  # "" when the label has no language or is a fallback
    found: bool  # False for a fallback made from the IRI


@dataclass(frozen=True)
class Term:
    """A term as the web layer sees it, without pyoxigraph."""

    kind: str  # "iri", "bnode" or "literal"
    value: str
    language: str = ""
    datatype: str = ""


@dataclass
class Group:
    """The statements of one property in one direction, with the total across all pages."""

    predicate: str
    direction: str  # "out" or "in"
    total: int
    quads: list[ox.Quad]
    page: int = 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass
class Description:
    """Everything one /doc/ document shows, read once and shared by every format of it."""

    iri: str
    outgoing: list[Group]
    incoming: list[Group]
    #: Blank-node closure (CBD) and the statements of the resource's geometries.
    closure: list[ox.Quad]
    labels: dict[str, Label]
    label_quads: list[ox.Quad]
    types: list[str]
    #: CRS84 WKT of the resource's geometries, for the map.
    wkt: list[str]
    #: Set when this is one page of one property ("out"/"in", predicate IRI).
    paged: tuple[str, str] | None = None
    graphs: dict[str, int] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)

    def quads(self) -> Iterator[ox.Quad]:
        for group in (*self.outgoing, *self.incoming):
            yield from group.quads
        yield from self.closure
        yield from self.label_quads
