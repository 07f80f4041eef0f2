"""Generate the bundled tables of data/ (synthetic, deterministic, standard library only).

    python data/generate.py                     # rewrite every table in data/, byte for byte
    python data/generate.py bomen --rows 1000000 --out /tmp/bomen.csv

Every table is made by one function from its own seeded random generator, so a table is the same
whichever other tables are generated, and a larger table (``--rows``) has the same columns, format
and quirks, with planted bad values in the same proportion.

The facts are in data/facts.json and are plausible, not official: the wijk- and buurtindeling of the
municipality of Groningen (GM0014) with CBS-style codes, its street names, and the tree species of
Dutch streets. Every number, date, person and business is invented. Wijken and buurten whose CBS
code is in the municipality's real 2017 exports (data/wijkindeling.csv, data/buurtindeling.csv) are
left out of wijken.csv and buurten.csv: the real ones replace them.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import json
import math
import random
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

DATA = Path(__file__).resolve().parent


def _tuples(value: Any) -> Any:
    """JSON lists as tuples, as the generators were written for."""
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


#: The facts (wijken and buurten, streets, species, names, …): data/facts.json.
FACTS: dict[str, Any] = _tuples(json.loads((DATA / "facts.json").read_text(encoding="utf-8")))
GEMEENTECODE, GEMEENTENAAM, INDELINGSJAAR = "GM0014", "Groningen", 2024
YEARS = range(2019, 2025)
AGE_GROUPS = ("0-14", "15-24", "25-44", "45-64", "65+")


# --------------------------------------------------------------------------------------------------
# Facts: wijken with their buurten, streets, postcode areas and approximate centre in RD New (metres).
# A buurt kind sets its population, area and age profile:
#   stad (inner city, students), woon (residential), nieuw (new-build, growing), dorp (village),
#   land (rural), campus (student housing), park, bedrijf (business park: almost nobody lives there).
# --------------------------------------------------------------------------------------------------
class Wijk(NamedTuple):
    nr: str  # the last two digits of the wijkcode
    naam: str
    x: int  # approximate centre, RD New
    y: int
    plaats: str  # woonplaats of its addresses
    postcodes: tuple[str, ...]  # the four digits
    straten: tuple[str, ...]
    buurten: tuple[tuple[str, str], ...]  # (name, kind)

    @property
    def code(self) -> str:
        return f"WK{GEMEENTECODE[2:]}{self.nr}"


WIJKEN: tuple[Wijk, ...] = tuple(Wijk(*w) for w in FACTS["WIJKEN"])

#: Per kind: inhabitants in 2024 (min, max), area in ha (min, max), yearly growth, age shares.
KINDS: dict[str, tuple[tuple[int, int], tuple[int, int], float, tuple[float, ...]]] = FACTS["KINDS"]


@dataclass(frozen=True)
class Buurt:
    code: str
    naam: str
    wijkcode: str
    kind: str
    oppervlakte: float  # hectares
    x: float  # centre, RD New
    y: float
    bevolking: dict[int, tuple[int, ...]]  # year → count per age group

    @property
    def inwoners(self) -> int:
        return sum(self.bevolking[INDELINGSJAAR])

    @property
    def radius(self) -> float:
        """Radius in metres of a circle with the buurt's area."""
        return math.sqrt(self.oppervlakte * 10_000 / math.pi)


def split_counts(total: int, shares: list[float]) -> tuple[int, ...]:
    """Whole numbers that add up to ``total``, in the given proportions (largest remainder)."""
    raw = [total * s / sum(shares) for s in shares]
    counts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return tuple(counts)


@functools.cache
def geography() -> tuple[Buurt, ...]:
    """Every buurt with its area, centre and population per year and age group (seeded, fixed)."""
    rng = random.Random(14_0000)
    buurten = []
    for wijk in WIJKEN:
        for nr, (naam, kind) in enumerate(wijk.buurten):
            (pmin, pmax), (amin, amax), growth, ages = KINDS[kind]
            area = round(rng.uniform(amin, amax), 2)
            spread = 350 + 60 * len(wijk.buurten)
            x = wijk.x + rng.uniform(-spread, spread)
            y = wijk.y + rng.uniform(-spread, spread)
            now = rng.randint(pmin, pmax)
            bevolking = {}
            for year in YEARS:
                back = INDELINGSJAAR - year
                total = now if back == 0 else round(now * (1 + growth) ** -back * rng.uniform(0.985, 1.015))
                shares = [s * rng.uniform(0.9, 1.1) + 0.002 for s in ages]
                bevolking[year] = split_counts(total, shares)
            code = f"BU{GEMEENTECODE[2:]}{wijk.nr}{nr:02d}"
            buurten.append(Buurt(code, naam, wijk.code, kind, area, x, y, bevolking))
    return tuple(buurten)


@functools.cache
def real_codes(export: str) -> frozenset[str]:
    """The CBS codes of a real export in data/ (its CODE column), which replace the generated ones."""
    path = DATA / f"{export}.csv"
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as f:
        return frozenset(row["CODE"] for row in csv.DictReader(f))


def wijk_of(buurt: Buurt) -> Wijk:
    return next(w for w in WIJKEN if w.code == buurt.wijkcode)


# --------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------
Rows = Iterator[list[str]]


def plant(rng: random.Random, rows: int, kinds: list[tuple[str, float]]) -> dict[int, str]:
    """The rows (0-based) that get a planted bad value: each kind on a share of the rows, at least once."""
    counts = [(kind, max(1, round(rows * share))) for kind, share in kinds]
    total = min(rows, sum(n for _, n in counts))
    positions = rng.sample(range(rows), total)
    planted: dict[int, str] = {}
    for kind, n in counts:
        for _ in range(n):
            if positions:
                planted[positions.pop()] = kind
    return planted


def rd_to_wgs84(x: float, y: float) -> tuple[float, float]:
    """RD New (EPSG:28992) to WGS84 latitude and longitude: the usual polynomial, good to about a metre."""
    dx, dy = (x - 155_000) * 1e-5, (y - 463_000) * 1e-5
    lat = (
        52.15517440
        + (
            3235.65389 * dy
            - 32.58297 * dx**2
            - 0.24750 * dy**2
            - 0.84978 * dx**2 * dy
            - 0.06550 * dy**3
            - 0.01709 * dx**2 * dy**2
            - 0.00738 * dx
            + 0.00530 * dx**4
            - 0.00039 * dx**2 * dy**3
            + 0.00033 * dx**4 * dy
            - 0.00012 * dx * dy
        )
        / 3600
    )
    lon = (
        5.38720621
        + (
            5260.52916 * dx
            + 105.94684 * dx * dy
            + 2.45656 * dx * dy**2
            - 0.81885 * dx**3
            + 0.05594 * dx * dy**3
            - 0.05607 * dx**3 * dy
            + 0.01199 * dy
            - 0.00256 * dx**3 * dy**2
            + 0.00128 * dx * dy**4
            + 0.00022 * dy**2
            - 0.00022 * dx**2
            + 0.00026 * dx**5
        )
        / 3600
    )
    return lat, lon


def point_in(rng: random.Random, buurt: Buurt, spread: float = 0.6) -> tuple[float, float]:
    """A point near the buurt's centre, in RD New."""
    return rng.gauss(buurt.x, buurt.radius * spread), rng.gauss(buurt.y, buurt.radius * spread)


POSTCODE_LETTERS = FACTS["POSTCODE_LETTERS"]


def postcode(rng: random.Random, buurt: Buurt) -> tuple[str, str]:
    """A postcode of the buurt's wijk, as (digits, letters)."""
    digits = rng.choice(wijk_of(buurt).postcodes)
    return digits, rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)


def dutch(number: float, decimals: int) -> str:
    """A number written with a decimal comma, as a Dutch export does."""
    return f"{number:.{decimals}f}".replace(".", ",")


def day_first(date: dt.date, rng: random.Random) -> str:
    """A date written day-first, with or without leading zeros (9-4-2023 or 09-04-2023)."""
    if rng.random() < 0.5:
        return f"{date.day}-{date.month}-{date.year}"
    return f"{date.day:02d}-{date.month:02d}-{date.year}"


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


# --------------------------------------------------------------------------------------------------
# Tables. Each yields rows (the header first); TABLES below says how each is written.
# --------------------------------------------------------------------------------------------------
def wijken(rng: random.Random, rows: int | None) -> Rows:
    """wijken.csv: the wijkindeling 2024. Clean: no empty cells, "." decimals, area and inwoners the sum
    of the wijk's buurten."""
    yield ["wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "oppervlakte_ha", "inwoners", "jaar"]
    buurten = geography()
    real = real_codes("wijkindeling")
    for wijk in WIJKEN[:rows]:
        if wijk.code in real:
            continue
        members = [b for b in buurten if b.wijkcode == wijk.code]
        area = sum(b.oppervlakte for b in members)
        people = sum(b.inwoners for b in members)
        yield [wijk.code, wijk.naam, GEMEENTECODE, GEMEENTENAAM, f"{area:.2f}", str(people), str(INDELINGSJAAR)]


def buurten(rng: random.Random, rows: int | None) -> Rows:
    """buurten.csv: the buurtindeling 2024, each buurt with its wijkcode. Clean, like wijken.csv; a few
    business parks and parks have fewer than 50 inhabitants."""
    yield ["buurtcode", "buurtnaam", "wijkcode", "oppervlakte_ha", "inwoners", "jaar"]
    real = real_codes("buurtindeling")
    for b in geography()[:rows]:
        if b.code in real:
            continue
        yield [b.code, b.naam, b.wijkcode, f"{b.oppervlakte:.2f}", str(b.inwoners), str(INDELINGSJAAR)]


def bevolking(rng: random.Random, rows: int | None) -> Rows:
    """bevolking.csv: inhabitants per buurt, year (2019-2024, on 1 January) and age group. Clean; small
    buurten give counts below 10 (for a later small-cell suppression). The 2024 counts add up to the
    buurt's inwoners. With --rows, further years going back from 2018 are added until the count is met
    (buurten as they are now)."""
    yield ["buurtcode", "jaar", "leeftijdsgroep", "inwoners"]
    buurten = geography()
    written = 0
    for b in buurten:
        for year in YEARS:
            for group, count in zip(AGE_GROUPS, b.bevolking[year], strict=True):
                if rows is not None and written >= rows:
                    return
                yield [b.code, str(year), group, str(count)]
                written += 1
    year = YEARS[0]
    while rows is not None and written < rows:
        year -= 1
        for b in buurten:
            shares = [c + 1 for c in b.bevolking[YEARS[0]]]
            total = round(sum(b.bevolking[YEARS[0]]) * rng.uniform(0.95, 1.05))
            for group, count in zip(AGE_GROUPS, split_counts(total, shares), strict=True):
                if written >= rows:
                    return
                yield [b.code, str(year), group, str(count)]
                written += 1


SPECIES = FACTS["SPECIES"]
HEIGHT_CLASSES = FACTS["HEIGHT_CLASSES"]
TREE_OWNERS = FACTS["TREE_OWNERS"]
TREE_WEIGHT = FACTS["TREE_WEIGHT"]


def bomen(rng: random.Random, rows: int) -> Rows:
    """bomen.csv: the tree register export. Quirks: ';', cp1252 (ë, è, ×, ' in names), CRLF, RD New
    with decimal comma (234083,271), KIEMJAAR as 1965, 1965.0 or empty, BOOMHOOGTE a class ("9-12 m")
    or a measured height with decimal comma ("11,5"), empty cells (KIEMJAAR, BOOMHOOGTE, STAMDIAMETER,
    EIGENAAR, a few X/Y and BUURTCODE). Trees come in rows along a street: same species and year.
    Planted bad values: KIEMJAAR Onbekend (0.4 %) or a typo (2O05), STAMDIAMETER Onbekend (0.2 %),
    a point in WGS84 degrees, a Y with an extra digit, an empty OBJECTNUMMER."""
    yield [
        "OBJECTNUMMER",
        "STRAAT",
        "BUURTCODE",
        "BOOMSOORT",
        "LATIJNSE_NAAM",
        "KIEMJAAR",
        "BOOMHOOGTE",
        "STAMDIAMETER",
        "EIGENAAR",
        "X",
        "Y",
    ]
    bad = plant(
        rng,
        rows,
        [
            ("kiemjaar_onbekend", 0.004),
            ("kiemjaar_typo", 1 / 3000),
            ("stam_onbekend", 0.002),
            ("wgs84", 1 / 3000),
            ("y_cijfer_te_veel", 1 / 3000),
            ("geen_id", 1 / 3000),
        ],
    )
    buurten = geography()
    weights = [math.sqrt(b.oppervlakte) * TREE_WEIGHT[b.kind] for b in buurten]
    species_weights = [s[3] for s in SPECIES]
    owners, owner_weights = zip(*TREE_OWNERS, strict=True)
    nummer, i = 100_000, 0
    while i < rows:
        buurt = rng.choices(buurten, weights)[0]
        straat = rng.choice(wijk_of(buurt).straten)
        naam, latijn, full, _ = rng.choices(SPECIES, species_weights)[0]
        kiemjaar = min(2021, max(1890, round(rng.gauss(1978, 22))))
        x, y = point_in(rng, buurt)
        angle, spacing = rng.uniform(0, math.pi), rng.uniform(7, 12)
        eigenaar = rng.choices(owners, owner_weights)[0]
        for k in range(rng.randint(1, 14)):
            if i >= rows:
                break
            nummer += rng.randint(1, 9)
            age = INDELINGSJAAR - kiemjaar
            height = max(1.5, min(full, 1.5 + 0.26 * age) * rng.uniform(0.8, 1.15))
            diameter = max(5, round((4 + 0.85 * age) * rng.uniform(0.75, 1.25)))
            r = rng.random()
            jaar = "" if r < 0.08 else f"{kiemjaar}.0" if r < 0.33 else str(kiemjaar)
            r = rng.random()
            hoogte = (
                dutch(height, 1)
                if r < 0.2
                else ""
                if r < 0.23
                else next(label for top, label in HEIGHT_CLASSES if height < top)
            )
            stam = "" if rng.random() < 0.03 else str(diameter)
            tx = x + k * spacing * math.cos(angle) + rng.uniform(-0.8, 0.8)
            ty = y + k * spacing * math.sin(angle) + rng.uniform(-0.8, 0.8)
            xs, ys = ("", "") if rng.random() < 0.004 else (dutch(tx, 3), dutch(ty, 3))
            code = "" if rng.random() < 0.003 else buurt.code
            row = [str(nummer), straat, code, naam, latijn, jaar, hoogte, stam, eigenaar, xs, ys]
            match bad.get(i):
                case "kiemjaar_onbekend":
                    row[5] = "Onbekend"
                case "kiemjaar_typo":
                    row[5] = f"{kiemjaar}".replace("0", "O", 1) if "0" in str(kiemjaar) else f"{kiemjaar}5"
                case "stam_onbekend":
                    row[7] = "Onbekend"
                case "wgs84":
                    lat, lon = rd_to_wgs84(tx, ty)
                    row[9], row[10] = dutch(lon, 6), dutch(lat, 6)
                case "y_cijfer_te_veel":
                    row[10] = dutch(ty * 10, 3)
                case "geen_id":
                    row[0] = ""
            yield row
            i += 1


LANDMARK_STALLINGEN = FACTS["LANDMARK_STALLINGEN"]
STALLING_KINDS = FACTS["STALLING_KINDS"]
STALLING_REMARKS = FACTS["STALLING_REMARKS"]


def fietsenstallingen(rng: random.Random, rows: int) -> Rows:
    """fietsenstallingen.csv: bicycle parkings. Quirks: ';', cp1252 (é, €), CRLF, WGS84 with decimal
    comma (53,2071730), postcodes with and without a space and sometimes lower case, Plaats sometimes
    with a trailing space, Capaciteit and Huisnummer often empty, remarks with quoted ';' and quoted
    newlines. The ID column is added by us (the real export has none; names are not unique). Planted bad
    values: Capaciteit Onbekend (0.7 %), lat and lon swapped, a postcode without letters, an empty ID."""
    yield [
        "ID",
        "Naam",
        "Soort",
        "Straat",
        "Huisnummer",
        "Postcode",
        "Plaats",
        "Capaciteit",
        "Beheerder",
        "Opmerking",
        "lat",
        "lon",
    ]
    bad = plant(
        rng,
        rows,
        [
            ("capaciteit_onbekend", 0.007),
            ("latlon_verwisseld", 1 / 300),
            ("postcode_kapot", 1 / 300),
            ("geen_id", 1 / 300),
        ],
    )
    buurten = {b.code: b for b in geography()}
    weights = [(8.0 if b.kind == "stad" else 0.2 if b.kind in ("land", "park") else 1.0) for b in geography()]
    kinds, kind_weights = list(STALLING_KINDS), [k[2] for k in STALLING_KINDS]
    for i in range(rows):
        if i < len(LANDMARK_STALLINGEN):
            naam, soort, straat, huisnummer, code, capaciteit, beheerder, opmerking = LANDMARK_STALLINGEN[i]
            buurt = buurten[code]
            x, y = point_in(rng, buurt, 0.15)
        else:
            buurt = rng.choices(geography(), weights)[0]
            soort, (cmin, cmax), _, managers = rng.choices(kinds, kind_weights)[0]
            straat = rng.choice(wijk_of(buurt).straten)
            naam = f"{soort} {buurt.naam}" if soort == "Buurtstalling" else f"{soort} {straat}"
            huisnummer = ""
            if rng.random() >= 0.6:
                huisnummer = str(rng.randint(1, 180)) + rng.choice(["", "", "", "a"])
            r = rng.random()
            capaciteit = "" if r < 0.07 else str(rng.randint(cmin, cmax))
            beheerder = "" if rng.random() < 0.05 else rng.choice(managers)
            opmerking = "" if rng.random() < 0.7 else rng.choice(STALLING_REMARKS)
            x, y = point_in(rng, buurt)
        digits, letters = postcode(rng, buurt)
        r = rng.random()
        if r < 0.5:
            pc = f"{digits} {letters}"
        elif r < 0.95:
            pc = f"{digits}{letters}"
        else:
            pc = f"{digits} {letters.lower()}"
        plaats = wijk_of(buurt).plaats + (" " if rng.random() < 0.03 else "")
        lat, lon = rd_to_wgs84(x, y)
        row = [
            f"FS{i + 1:04d}",
            naam,
            soort,
            straat,
            huisnummer,
            pc,
            plaats,
            capaciteit,
            beheerder,
            opmerking,
            dutch(lat, 7),
            dutch(lon, 7),
        ]
        match bad.get(i):
            case "capaciteit_onbekend":
                row[7] = "Onbekend"
            case "latlon_verwisseld":
                row[10], row[11] = row[11], row[10]
            case "postcode_kapot":
                row[5] = digits
            case "geen_id":
                row[0] = ""
        yield row


HORECA_KINDS = FACTS["HORECA_KINDS"]
NAME_WORDS = FACTS["NAME_WORDS"]
NAME_ADJECTIVES = FACTS["NAME_ADJECTIVES"]
FIRST_NAMES = FACTS["FIRST_NAMES"]
SURNAMES = FACTS["SURNAMES"]
BUSINESS_NAMES = FACTS["BUSINESS_NAMES"]
STATUSES = FACTS["STATUSES"]
HORECA_REMARKS = FACTS["HORECA_REMARKS"]
STATUS_REMARKS = FACTS["STATUS_REMARKS"]
CENTRE_POSTCODE_WEIGHT = FACTS["CENTRE_POSTCODE_WEIGHT"]


def horecavergunningen(rng: random.Random, rows: int) -> Rows:
    """horecavergunningen.csv: a pandas export of the permit register. Quirks: UTF-8 with BOM, ',',
    LF, a leading unnamed index column (0..n-1), day-first dates mixed 9-4-2023 / 09-04-2023,
    datum_besluit empty while in behandeling, aantal_zitplaatsen as floats (8.0) or empty, terras ja/nee,
    x/y in RD New with "." decimals (pandas float text), opmerking with quoted commas, quotes and
    newlines, aanvrager a person's name (withheld at publication, Woo 5.1(2)e). Planted bad values:
    aantal_zitplaatsen onbekend (0.4 %), a date not in the calendar (31-02-2023), x/y in WGS84,
    an impossible postcode, terras "?", an empty zaaknummer."""
    yield [
        "",
        "zaaknummer",
        "naam_zaak",
        "soort",
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "datum_aanvraag",
        "datum_besluit",
        "status",
        "sluitingstijd",
        "aantal_zitplaatsen",
        "terras",
        "aanvrager",
        "opmerking",
        "x",
        "y",
    ]
    bad = plant(
        rng,
        rows,
        [
            ("zitplaatsen_onbekend", 0.004),
            ("datum_ongeldig", 1 / 800),
            ("wgs84", 1 / 800),
            ("postcode_kapot", 1 / 800),
            ("terras_vraagteken", 1 / 800),
            ("geen_zaaknummer", 1 / 800),
        ],
    )
    buurten = [b for b in geography() if b.kind in CENTRE_POSTCODE_WEIGHT]
    weights = [CENTRE_POSTCODE_WEIGHT[b.kind] for b in buurten]
    statuses, status_weights = zip(*STATUSES, strict=True)
    sequence: dict[int, int] = {}
    for i in range(rows):
        soort, prefixes, closing, (smin, smax), _ = rng.choices(HORECA_KINDS, [k[4] for k in HORECA_KINDS])[0]
        if rng.random() < 0.6:
            article, noun = rng.choice(NAME_WORDS)
            naam = f"{rng.choice(prefixes)} {article} {rng.choice(NAME_ADJECTIVES)} {noun}"
        else:
            naam = f"{rng.choice(prefixes)} {rng.choice(BUSINESS_NAMES)}"
        buurt = rng.choices(buurten, weights)[0]
        digits, letters = postcode(rng, buurt)
        aanvraag = random_date(rng, dt.date(2019, 1, 2), dt.date(2024, 11, 29))
        status = rng.choices(statuses, status_weights)[0]
        besluit = ""
        if status != "in behandeling":
            besluit = day_first(aanvraag + dt.timedelta(rng.randint(14, 120)), rng)
        sequence[aanvraag.year] = sequence.get(aanvraag.year, 0) + rng.randint(1, 6)
        seats = "" if rng.random() < 0.06 else f"{float(rng.randint(smin, smax))}"  # pandas: 8.0
        x, y = point_in(rng, buurt)
        straat = rng.choice(wijk_of(buurt).straten)
        huisnummer = str(rng.randint(1, 220)) + rng.choice(["", "", "", "", "a", "-1"])
        pc = f"{digits}{letters}" if rng.random() < 0.7 else f"{digits} {letters}"
        aanvraag_text = day_first(aanvraag, rng)
        sluiting, terras = rng.choice(closing), rng.choice(["ja", "nee"])
        if rng.random() < 0.7:
            aanvrager = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        else:
            aanvrager = f"{rng.choice(FIRST_NAMES)[0]}. {rng.choice(SURNAMES)}"
        if rng.random() < 0.5:
            opmerking = STATUS_REMARKS.get(status, "")
        else:
            opmerking = "" if rng.random() < 0.6 else rng.choice(HORECA_REMARKS)
        row = [
            str(i),
            f"HV-{aanvraag.year}-{sequence[aanvraag.year]:05d}",
            naam,
            soort,
            straat,
            huisnummer,
            pc,
            wijk_of(buurt).plaats,
            aanvraag_text,
            besluit,
            status,
            sluiting,
            seats,
            terras,
            aanvrager,
            opmerking,
            repr(round(x, 2)),
            repr(round(y, 2)),
        ]
        match bad.get(i):
            case "zitplaatsen_onbekend":
                row[12] = "onbekend"
            case "datum_ongeldig":
                row[8] = f"31-02-{aanvraag.year}"
            case "wgs84":
                lat, lon = rd_to_wgs84(x, y)
                row[16], row[17] = repr(round(lon, 5)), repr(round(lat, 5))
            case "postcode_kapot":
                row[6] = f"{digits}{letters}{rng.randint(1, 9)}"
            case "terras_vraagteken":
                row[13] = "?"
            case "geen_zaaknummer":
                row[1] = ""
        yield row


FRACTIONS = FACTS["FRACTIONS"]
CONTAINER_WEIGHT = FACTS["CONTAINER_WEIGHT"]


def afvalcontainers(rng: random.Random, rows: int) -> Rows:
    """afvalcontainers.csv: underground waste containers. Quirks: ',', UTF-8 without BOM, LF, ISO dates,
    RD New with "." decimals, a few empty cells (postcode, plaatsingsdatum, straat, buurtcode). Planted
    bad values: volume_m3 onbekend (0.3 %), 2016-02-30, an x far outside the Netherlands, an impossible
    postcode, an empty id."""
    yield ["id", "fractie", "volume_m3", "straat", "huisnummer", "postcode", "buurtcode", "plaatsingsdatum", "x", "y"]
    bad = plant(
        rng,
        rows,
        [
            ("volume_onbekend", 0.003),
            ("datum_ongeldig", 1 / 1500),
            ("x_buiten_nl", 1 / 1500),
            ("postcode_kapot", 1 / 1500),
            ("geen_id", 1 / 1500),
        ],
    )
    buurten = geography()
    weights = [CONTAINER_WEIGHT[b.kind] * math.sqrt(b.inwoners + 1) for b in buurten]
    for i in range(rows):
        buurt = rng.choices(buurten, weights)[0]
        fractie, volumes, _ = rng.choices(FRACTIONS, [f[2] for f in FRACTIONS])[0]
        digits, letters = postcode(rng, buurt)
        x, y = point_in(rng, buurt)
        geplaatst = random_date(rng, dt.date(2006, 3, 1), dt.date(2024, 10, 31))
        row = [
            f"AC{i + 1:06d}",
            fractie,
            str(volumes[0] if rng.random() < 0.8 else volumes[1]),
            "" if rng.random() < 0.01 else rng.choice(wijk_of(buurt).straten),
            str(rng.randint(1, 150)) if rng.random() < 0.4 else "",
            "" if rng.random() < 0.02 else f"{digits}{letters}",
            "" if rng.random() < 0.005 else buurt.code,
            "" if rng.random() < 0.03 else geplaatst.isoformat(),
            f"{x:.2f}",
            f"{y:.2f}",
        ]
        match bad.get(i):
            case "volume_onbekend":
                row[2] = "onbekend"
            case "datum_ongeldig":
                row[7] = "2016-02-30"
            case "x_buiten_nl":
                row[8] = f"{x * 10:.2f}"
            case "postcode_kapot":
                row[5] = f"{digits}{letters[0]}"
            case "geen_id":
                row[0] = ""
        yield row


VOORZIENING_KINDS = FACTS["VOORZIENING_KINDS"]
VOORZIENING_NAMES = FACTS["VOORZIENING_NAMES"]
SHELTERS = 3  # women's shelters: their addresses are secret (withheld by a row condition, Woo 5.1(2)h)


def voorzieningen(rng: random.Random, rows: int) -> Rows:
    """voorzieningen.csv: social facilities (buurthuizen, wijkteams, ...). Quirks: ',', UTF-8, LF, RD New
    with "." decimals, a general phone number per facility (published, written 050-1234567 or
    050 123 4567), contactpersoon a person's name (withheld, Woo 5.1(2)e). A few rows are women's
    shelters ("vrouwenopvang"), whose addresses are secret and withheld as whole rows (Woo 5.1(2)h)."""
    yield [
        "id",
        "naam",
        "soort",
        "straat",
        "huisnummer",
        "postcode",
        "plaats",
        "telefoon",
        "contactpersoon",
        "buurtcode",
        "x",
        "y",
    ]
    buurten = geography()
    shelters = set(rng.sample(range(rows), min(SHELTERS, rows)))
    for i in range(rows):
        soort, prefixes, _, kinds = rng.choices(VOORZIENING_KINDS, [k[2] for k in VOORZIENING_KINDS])[0]
        naam = f"{rng.choice(prefixes)} {rng.choice(VOORZIENING_NAMES)}"
        if i in shelters:
            soort, kinds, naam = "vrouwenopvang", ("woon",), f"Opvanghuis {rng.choice(VOORZIENING_NAMES)}"
        buurt = rng.choice([b for b in buurten if b.kind in kinds])
        digits, letters = postcode(rng, buurt)
        x, y = point_in(rng, buurt)
        number = rng.randint(3_000_000, 9_999_999)
        telefoon = f"050-{number}" if rng.random() < 0.6 else f"050 {number // 10_000:03d} {number % 10_000:04d}"
        contact = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        yield [
            f"VZ{i + 1:04d}",
            naam,
            soort,
            rng.choice(wijk_of(buurt).straten),
            str(rng.randint(1, 180)),
            f"{digits}{letters}",
            wijk_of(buurt).plaats,
            telefoon,
            contact,
            buurt.code,
            f"{x:.2f}",
            f"{y:.2f}",
        ]


WMO_KINDS = FACTS["WMO_KINDS"]


def bsn(rng: random.Random) -> str:
    """A 9-digit number that passes the elfproef, as a BSN does (invented: never a real person's)."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(8)]
        last = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True)) % 11
        if last < 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(last)


def wmo_clienten(rng: random.Random, rows: int) -> Rows:
    """wmo-clienten.csv: person-level records of Wmo provisions (social support act), as the case system
    exports them: client number, BSN, year of birth, buurt, kind of provision, start date. Never published
    as rows: the policy publishes only counts per buurt and provision, small cells suppressed."""
    yield ["clientnummer", "bsn", "geboortejaar", "buurtcode", "voorziening", "startdatum"]
    buurten = [b for b in geography() if b.inwoners > 0]
    weights = [b.bevolking[INDELINGSJAAR][-1] + 0.2 * b.inwoners for b in buurten]
    kinds, kind_weights = zip(*WMO_KINDS, strict=True)
    for i in range(rows):
        buurt = rng.choices(buurten, weights)[0]
        start = random_date(rng, dt.date(2015, 1, 1), dt.date(2024, 10, 31))
        yield [
            f"C{i + 1:06d}",
            bsn(rng),
            str(rng.randint(1925, 2005)),
            buurt.code,
            rng.choices(kinds, kind_weights)[0],
            start.isoformat(),
        ]


# --------------------------------------------------------------------------------------------------
# How each table is written
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    make: Callable[[random.Random, int], Rows]
    rows: int | None  # default row count; None: fixed by the facts above
    seed: int
    encoding: str
    delimiter: str
    newline: str


TABLES: dict[str, Table] = {
    "wijken": Table(wijken, None, 14_0001, "utf-8", ",", "\n"),
    "buurten": Table(buurten, None, 14_0002, "utf-8", ",", "\n"),
    "bevolking": Table(bevolking, None, 14_0003, "utf-8", ",", "\n"),
    "bomen": Table(bomen, 3000, 14_0004, "cp1252", ";", "\r\n"),
    "fietsenstallingen": Table(fietsenstallingen, 300, 14_0005, "cp1252", ";", "\r\n"),
    "horecavergunningen": Table(horecavergunningen, 800, 14_0006, "utf-8-sig", ",", "\n"),
    "afvalcontainers": Table(afvalcontainers, 1500, 14_0007, "utf-8", ",", "\n"),
    "voorzieningen": Table(voorzieningen, 140, 14_0008, "utf-8", ",", "\n"),
    "wmo-clienten": Table(wmo_clienten, 6000, 14_0009, "utf-8", ",", "\n"),
}


def write(name: str, path: Path, rows: int | None = None) -> int:
    """Write one table; returns the number of data rows."""
    table = TABLES[name]
    if table.rows is not None and rows is None:
        rows = table.rows
    elif table.rows is None and rows is not None and name != "bevolking":
        size = sum(1 for _ in table.make(random.Random(table.seed), None)) - 1
        if rows > size:
            raise SystemExit(f"{name}: the division is fixed at {size} rows; --rows can only take fewer")
    count = -1
    with path.open("w", encoding=table.encoding, newline="") as f:
        writer = csv.writer(f, delimiter=table.delimiter, lineterminator=table.newline)
        for row in table.make(random.Random(table.seed), rows):
            writer.writerow(row)
            count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "tables", nargs="*", metavar="table", help=f"tables to write (default: all): {', '.join(TABLES)}"
    )
    parser.add_argument("--rows", type=int, help="number of data rows (default: the bundled size)")
    parser.add_argument("--out", type=Path, help="output file (one table only; default data/<table>.csv)")
    args = parser.parse_args(argv)
    names = args.tables or list(TABLES)
    unknown = [n for n in names if n not in TABLES]
    if unknown:
        parser.error(f"unknown table(s) {', '.join(unknown)}; choose from {', '.join(TABLES)}")
    if args.out and len(names) != 1:
        parser.error("--out needs exactly one table")
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be at least 1")
    for name in names:
        path = args.out or DATA / f"{name}.csv"
        count = write(name, path, args.rows)
        print(f"{path}: {count} rows", file=sys.stderr)


if __name__ == "__main__":
    main()
