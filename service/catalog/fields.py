"""The field table: each key of a mapping's ``dataset:`` block and the DCAT-AP-NL property it becomes.

One row per key, read by the profile to write triples and by the metadata check to name the key a
violation is about; docs/catalog.md repeats it for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rdflib import DCAT, DCTERMS, URIRef

from .codelists import FREQUENCIES, LICENCES, THEMES, CodeList

Kind = Literal["text", "keywords", "code", "contact", "spatial", "temporal"]


@dataclass(frozen=True)
class Field:
    key: str
    predicate: URIRef
    kind: Kind
    #: dataset, or distribution for properties DCAT-AP-NL puts on each distribution.
    on: Literal["dataset", "distribution"] = "dataset"
    required: bool = False
    codes: CodeList | None = None
    example: str = ""


FIELDS: tuple[Field, ...] = (
    Field("title", DCTERMS.title, "text", required=True, example='{nl: "Bomen", en: "Trees"}'),
    Field("description", DCTERMS.description, "text", required=True, example='{nl: "…", en: "…"}'),
    Field("theme", DCAT.theme, "code", required=True, codes=THEMES, example="[ENVI]"),
    Field("license", DCTERMS.license, "code", on="distribution", required=True, codes=LICENCES, example="cc0"),
    Field("contact", DCAT.contactPoint, "contact", required=True, example="{name: …, email: …}"),
    Field("keywords", DCAT.keyword, "keywords", example="{nl: [bomen], en: [trees]}"),
    Field("frequency", DCTERMS.accrualPeriodicity, "code", codes=FREQUENCIES, example="MONTHLY"),
    Field("spatial", DCTERMS.spatial, "spatial", example="[gm0014]"),
    Field("temporal", DCTERMS.temporal, "temporal", example="{start: 2019-01-01, end: …}"),
)


def field_for(predicate: URIRef) -> Field | None:
    """The metadata key a property comes from, to name it in an error."""
    return next((f for f in FIELDS if f.predicate == predicate), None)
