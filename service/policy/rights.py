"""Access rights of a dataset as the catalogue states them, derived from its publication policy.

The EU access-right IRI goes in ``dct:accessRights``; the Woo ground goes in the rights statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mapping.model import DatasetMapping

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"


@dataclass(frozen=True)
class Rights:
    #: PUBLIC, RESTRICTED or NON_PUBLIC (the EU access-right code).
    access: str
    #: The rights statement per language; empty when nothing is withheld.
    statement: dict[str, str]

    @property
    def access_iri(self) -> str:
        return ACCESS_RIGHT + self.access


def dataset_rights(mapping: DatasetMapping) -> Rights:
    """A partly withheld dataset stays PUBLIC, with a statement of what is left out and why."""
    if not mapping.withheld:
        return Rights("PUBLIC", {})
    withheld = mapping.withheld
    nl = "; ".join(f"kolom '{w.column}' niet gepubliceerd (Woo art. {w.ground}): {w.motivation}" for w in withheld)
    en = "; ".join(f"column '{w.column}' not published (Woo art. {w.ground})" for w in withheld)
    return Rights("PUBLIC", {"nl": f"Openbaar, met uitzonderingen: {nl}", "en": f"Public, with exceptions: {en}"})
