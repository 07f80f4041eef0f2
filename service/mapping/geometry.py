"""``ofn:wkt``: WKT geometries of any type (points, lines, polygons) from a source CRS to WKT literals.

Exports written by GIS tools carry whole WKT strings; their coordinates are range-checked and, for
CRS84, converted with pyproj, the same way ``ofn:wktPoint`` treats a pair of columns.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_TYPES = ("POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION")
_SHAPE = re.compile(r"\s*([A-Za-z]+)\s*(\(.*\))\s*", re.DOTALL)
_PAIR = re.compile(r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)\s+(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)")
_REST = re.compile(r"[\s(),A-Za-z]*")

Transform = Callable[[Sequence[float], Sequence[float]], tuple[Sequence[float], Sequence[float]]]


def parse(text: str) -> tuple[str, str, list[tuple[float, float]]] | None:
    """(type, body, coordinate pairs) of a WKT string, or None when it is not WKT we publish."""
    m = _SHAPE.fullmatch(text)
    if m is None or m.group(1).upper() not in _TYPES:
        return None
    body = m.group(2)
    pairs = [(float(a), float(b)) for a, b in _PAIR.findall(body)]
    if not pairs or not _REST.fullmatch(_PAIR.sub("", body)) or body.count("(") != body.count(")"):
        return None
    return m.group(1).upper(), body, pairs


def rewrite(body: str, pairs: list[tuple[str, str]]) -> str:
    """The body with its coordinate pairs replaced, in order."""
    it = iter(pairs)
    return _PAIR.sub(lambda _: " ".join(next(it)), body)
