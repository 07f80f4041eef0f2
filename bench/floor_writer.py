"""The floor of pure Python: a minimal hand-written writer for mappings/bomen.yml, for comparison only.

It does the same work as the mapper for that one mapping (read the cp1252 ';' export, read decimal
commas, normalise "1965.0" years and integers, drop empty cells, convert RD New to CRS84 with pyproj in
batches, write N-Quads), but knows the columns by heart and reports nothing.

    python bench/floor_writer.py data/bomen.csv out.nq
"""

from __future__ import annotations

import csv
import re
import sys

from pyproj import Transformer

ID = "https://data.groningen.nl/id/"
DEF = "https://data.groningen.nl/def/"
GEO = "http://www.opengis.net/ont/geosparql#"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = " <https://data.groningen.nl/graph/bomen> .\n"
RD = "<http://www.opengis.net/def/crs/EPSG/0/28992> POINT("
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT("
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
NULLS = {"", "Onbekend", "onbekend"}
YEAR = re.compile(r"(\d{4})(\.0+)?").fullmatch
INTEGER = re.compile(r"\d+").fullmatch


def lit(v: str) -> str:
    if '"' in v or "\\" in v or "\n" in v or "\r" in v:
        v = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{v}"'


def fmt(v: float) -> str:
    t = f"{v:.7f}".rstrip("0")
    return t[:-1] if t.endswith(".") else t


def write_chunk(rows: list[list[str]], out: list[str], to_crs84: Transformer) -> None:
    xs, ys, keep = [], [], []
    for i, r in enumerate(rows):
        if r[9] and r[10]:
            x, y = r[9].replace(",", "."), r[10].replace(",", ".")
            fx, fy = float(x), float(y)
            if 0 <= fx <= 300000 and 289000 <= fy <= 629000:
                xs.append(fx)
                ys.append(fy)
                keep.append((i, x, y))
    lons, lats = to_crs84.transform(xs, ys) if xs else ([], [])
    wkt = {i: (x, y, lon, lat) for (i, x, y), lon, lat in zip(keep, lons, lats, strict=True)}
    for i, r in enumerate(rows):
        oid = r[0]
        if not oid:
            continue
        s = f"<{ID}boom/{oid}>"
        g = f"<{ID}boom/{oid}/geometrie>"
        out.append(f"{s} {TYPE} <{DEF}Boom>{GRAPH}")
        out.append(f"{s} <{DEF}identificatie> {lit(oid)}{GRAPH}")
        if r[1] not in NULLS:
            out.append(f"{s} <{DEF}straatnaam> {lit(r[1])}{GRAPH}")
        if r[2] not in NULLS:
            out.append(f"{s} <{DEF}ligtInBuurt> <{ID}buurt/{r[2]}>{GRAPH}")
        if r[3] not in NULLS:
            out.append(f"{s} <{DEF}boomsoort> {lit(r[3])}@nl{GRAPH}")
        if r[4] not in NULLS:
            out.append(f"{s} <{DEF}latijnseNaam> {lit(r[4])}{GRAPH}")
        m = YEAR(r[5])
        if m:
            out.append(f'{s} <{DEF}kiemjaar> "{m.group(1)}"^^<{XSD}gYear>{GRAPH}')
        if r[6] not in NULLS:
            out.append(f"{s} <{DEF}boomhoogte> {lit(r[6])}{GRAPH}")
        if INTEGER(r[7]):
            out.append(f'{s} <{DEF}stamdiameter> "{r[7]}"^^<{XSD}integer>{GRAPH}')
        if r[8] not in NULLS:
            out.append(f"{s} <{DEF}eigenaar> {lit(r[8])}{GRAPH}")
        out.append(f"{s} <{GEO}hasGeometry> {g}{GRAPH}")
        out.append(f"{g} {TYPE} <{GEO}Geometry>{GRAPH}")
        if i in wkt:
            x, y, lon, lat = wkt[i]
            out.append(f'{g} <{GEO}asWKT> "{RD}{x} {y})"^^<{GEO}wktLiteral>{GRAPH}')
            out.append(f'{g} <{GEO}asWKT> "{CRS84}{fmt(lon)} {fmt(lat)})"^^<{GEO}wktLiteral>{GRAPH}')


def main(source: str, target: str) -> None:
    to_crs84 = Transformer.from_crs("EPSG:28992", "OGC:CRS84", always_xy=True)
    with open(source, encoding="cp1252", newline="") as f, open(target, "wb") as out:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        chunk: list[list[str]] = []
        for row in reader:
            chunk.append(row)
            if len(chunk) == 4096:
                lines: list[str] = []
                write_chunk(chunk, lines, to_crs84)
                out.write("".join(lines).encode())
                chunk = []
        lines = []
        write_chunk(chunk, lines, to_crs84)
        out.write("".join(lines).encode())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
