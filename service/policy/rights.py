"""Access rights of a dataset as the catalogue states them, derived from its publication policy.

The EU access-right IRI goes in ``dct:accessRights``; the Woo ground goes in the rights statement (and,
through ``grounds``, in our concept scheme under ``{base}/def/woo/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .grounds import GROUNDS
from .model import Policy, RowCondition

if TYPE_CHECKING:  # annotations only: the policy imports nothing from mapping at run time
    from ..mapping.model import DatasetMapping

ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"


@dataclass(frozen=True)
class Rights:
    #: PUBLIC, RESTRICTED or NON_PUBLIC (the EU access-right code).
    access: str
    #: The rights statement per language; empty when nothing is withheld.
    statement: dict[str, str]
    #: The Woo grounds the statement names, as codes such as "5.1(2)e".
    grounds: tuple[str, ...] = ()

    @property
    def access_iri(self) -> str:
        return ACCESS_RIGHT + self.access


def _art(code: str, lang: str) -> str:
    ground = GROUNDS[code]
    return f"Woo art. {code}, {ground.label(lang)}"


def describe_exceptions(policy: Policy, lang: str) -> list[str]:
    """One phrase per exception: what is left out and on which ground; never a withheld value."""
    nl = lang == "nl"
    parts = []
    for w in policy.columns:
        what = f"kolom '{w.column}' niet gepubliceerd" if nl else f"column '{w.column}' not published"
        parts.append(f"{what} ({_art(w.ground, lang)})")
    for r in policy.rows:
        what = (
            f"rijen waarin {condition_text(r, 'nl')}, niet gepubliceerd"
            if nl
            else (f"rows where {condition_text(r, 'en')}, not published")
        )
        parts.append(f"{what} ({_art(r.ground, lang)})")
    for a in policy.aggregates:
        by = ", ".join(a.by)
        protect = []
        if a.threshold:
            protect.append(f"aantallen onder {a.threshold} geheim" if nl else f"counts under {a.threshold} secret")
        if a.rounding:
            protect.append(f"afgerond op {a.rounding}" if nl else f"rounded to {a.rounding}")
        what = f"alleen aantallen per {by}" if nl else f"counts per {by} only"
        parts.append(f"{what}, {' en '.join(protect) if nl else ' and '.join(protect)} ({_art(a.ground, lang)})")
    return parts


def condition_text(condition: RowCondition, lang: str) -> str:
    """A row condition in words, without its values: they name what is withheld, so they are never published."""
    column, operator = condition.column, condition.operator
    if operator == "matches":
        return (
            f"kolom '{column}' voldoet aan een uitgezonderd patroon"
            if lang == "nl"
            else f"column '{column}' matches a withheld pattern"
        )
    return (
        f"kolom '{column}' een van de uitgezonderde waarden heeft"
        if lang == "nl"
        else f"column '{column}' has one of the withheld values"
    )


def dataset_rights(mapping: DatasetMapping) -> Rights:
    """Withheld as a whole: NON_PUBLIC or RESTRICTED with the ground; partly withheld: PUBLIC with what is left out."""
    policy = mapping.policy
    whole = policy.dataset
    if whole is not None:
        ground = _art(whole.ground, "nl")
        return Rights(
            whole.access,
            {
                "nl": f"Niet openbaar op grond van {ground} (sinds {whole.since}): {whole.motivation}",
                "en": f"Not public on the ground of {_art(whole.ground, 'en')} (since {whole.since}).",
            },
            (whole.ground,),
        )
    if policy.is_empty:
        return Rights("PUBLIC", {})
    grounds = tuple(dict.fromkeys(e.ground for e in (*policy.columns, *policy.rows, *policy.aggregates)))
    return Rights(
        "PUBLIC",
        {
            "nl": "Openbaar, met uitzonderingen: " + "; ".join(describe_exceptions(policy, "nl")) + ".",
            "en": "Public, with exceptions: " + "; ".join(describe_exceptions(policy, "en")) + ".",
        },
        grounds,
    )
