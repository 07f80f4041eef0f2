"""The IRIs and facts a profile writes with: one place that mints every catalogue IRI."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from rdflib import URIRef

from ..config import Settings
from ..mapping.model import DatasetMapping, Template, TermMap
from ..policy.rights import Rights, dataset_rights
from .codelists import ACCESS_RIGHTS
from .facts import ReleaseFacts


@dataclass
class CatalogContext:
    settings: Settings
    mappings: list[DatasetMapping]
    facts: ReleaseFacts = field(default_factory=ReleaseFacts)

    @property
    def base(self) -> str:
        return self.settings.public_base

    @property
    def catalog(self) -> URIRef:
        return URIRef(f"{self.base}/id/catalogus/openbaar")

    @property
    def service(self) -> URIRef:
        return URIRef(f"{self.base}/id/dataservice/sparql")

    @property
    def publisher(self) -> URIRef:
        return URIRef(self.settings.publisher)

    @property
    def catalog_contact(self) -> URIRef:
        return URIRef(f"{self.base}/id/contactpunt/catalogus")

    @property
    def endpoint(self) -> URIRef:
        return URIRef(f"{self.base}/sparql")

    @property
    def release_void(self) -> URIRef:
        """The VoID description of the whole release (all dataset graphs)."""
        return URIRef(f"{self.base}/id/void/openbaar")

    @property
    def vocabulary(self) -> URIRef:
        """The project's own vocabulary (vocab/, served under /def/), a standard its datasets conform to."""
        return URIRef(self.settings.def_base)

    def uses_vocabulary(self, mapping: DatasetMapping) -> bool:
        """Whether the mapping writes a property or a constant class IRI of our vocabulary."""
        base = self.settings.def_base
        for tm in mapping.triples_maps:
            for pom in tm.predicate_objects:
                if any(p.startswith(base) for p in pom.predicates):
                    return True
                for o in pom.objects:
                    value = o.value if isinstance(o, TermMap) else None
                    if isinstance(value, Template) and value.is_constant and value.constant.startswith(base):
                        return True
        return False

    def dataset(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}/id/dataset/{slug}")

    def record(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}/id/catalogusrecord/{slug}")

    def contact(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}/id/contactpunt/{slug}")

    def distribution(self, slug: str, kind: str) -> URIRef:
        return URIRef(f"{self.base}/id/distributie/{slug}-{kind}")

    def landing_page(self, slug: str) -> URIRef:
        return URIRef(f"{self.base}/catalog/{slug}")

    def dump_url(self, name: str) -> URIRef:
        return URIRef(f"{self.base}/dumps/{quote(name)}")

    def graph(self, slug: str) -> URIRef:
        return URIRef(self.settings.graph_base + slug)

    def rights(self, mapping: DatasetMapping) -> Rights:
        return dataset_rights(mapping)

    def is_withheld(self, mapping: DatasetMapping) -> bool:
        """A dataset that is not PUBLIC as a whole gets a record, never a data distribution."""
        return self.rights(mapping).access_iri != str(ACCESS_RIGHTS.iri("PUBLIC"))
