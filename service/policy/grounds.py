"""The grounds of the Wet open overheid on which information may be withheld (art. 5.1 and 5.2).

The codes are written as in the law's citation style, ``5.1(2)e``; each has a stable slug for its IRI
in our concept scheme (``{base}/def/woo/5-1-2-e``), defined in ``vocab/woo.ttl``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Ground:
    code: str
    nl: str
    en: str
    #: Absolute grounds (art. 5.1(1)) are not weighed against the public interest.
    absolute: bool

    @property
    def slug(self) -> str:
        return re.sub(r"[^0-9a-z]+", "-", self.code.lower()).strip("-")

    def label(self, lang: str) -> str:
        return self.nl if lang == "nl" else self.en


GROUNDS: dict[str, Ground] = {
    g.code: g
    for g in (
        Ground("5.1(1)a", "de eenheid van de Kroon", "the unity of the Crown", True),
        Ground("5.1(1)b", "de veiligheid van de Staat", "the security of the State", True),
        Ground(
            "5.1(1)c",
            "vertrouwelijk aan de overheid meegedeelde bedrijfs- en fabricagegegevens",
            "company and manufacturing data given to the government in confidence",
            True,
        ),
        Ground(
            "5.1(1)d",
            "bijzondere persoonsgegevens en persoonsgegevens van strafrechtelijke aard",
            "special-category and criminal personal data",
            True,
        ),
        Ground(
            "5.1(1)e",
            "nummers ter identificatie van een persoon, zoals het BSN",
            "statutory identification numbers such as the BSN",
            True,
        ),
        Ground("5.1(2)a", "de betrekkingen van Nederland met andere staten", "international relations", False),
        Ground(
            "5.1(2)b",
            "de economische of financiële belangen van de Staat en andere overheden",
            "economic or financial interests of the State and other public bodies",
            False,
        ),
        Ground(
            "5.1(2)c",
            "de opsporing en vervolging van strafbare feiten",
            "the investigation and prosecution of criminal offences",
            False,
        ),
        Ground(
            "5.1(2)d",
            "inspectie, controle en toezicht door bestuursorganen",
            "inspection, control and supervision by public bodies",
            False,
        ),
        Ground("5.1(2)e", "de eerbiediging van de persoonlijke levenssfeer", "personal privacy", False),
        Ground(
            "5.1(2)f",
            "concurrentiegevoelige bedrijfs- en fabricagegegevens",
            "competition-sensitive business and manufacturing data",
            False,
        ),
        Ground(
            "5.1(2)g",
            "de bescherming van het milieu waarop de informatie betrekking heeft",
            "the protection of the environment the information concerns",
            False,
        ),
        Ground(
            "5.1(2)h",
            "de beveiliging van personen en bedrijven en het voorkomen van sabotage",
            "the security of persons and companies and the prevention of sabotage",
            False,
        ),
        Ground(
            "5.1(2)i",
            "het goed functioneren van de Staat en andere overheden",
            "the proper functioning of the State and other public bodies",
            False,
        ),
        Ground(
            "5.2",
            "persoonlijke beleidsopvattingen in documenten voor intern beraad",
            "personal policy opinions in documents for internal deliberation",
            False,
        ),
    )
}

_SPACING = re.compile(r"\s+|art(?:ikel)?\.?")


def normalise(code: str) -> str:
    """``art. 5.1 (2) e`` and ``5.1(2)E`` both mean ``5.1(2)e``."""
    return _SPACING.sub("", str(code)).lower()


def ground(code: str) -> Ground | None:
    return GROUNDS.get(normalise(code))
