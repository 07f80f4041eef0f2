"""Our mapping functions (``ofn:``), evaluated a chunk of rows at a time.

Working per chunk lets pyproj convert thousands of coordinates in one call, which is what keeps
the CRS84 geometry affordable at a million rows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from . import geometry, values
from .terms import iri_safe

OFN = "urn:openbaar:fn:"
#: Stands for all the column parameters of a call, when a problem lies in their combination.
BOTH = "*"
CRS_IRI = {
    "EPSG:28992": "http://www.opengis.net/def/crs/EPSG/0/28992",
    "EPSG:4326": "http://www.opengis.net/def/crs/EPSG/0/4326",
}
CRS84_IRI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
#: Where coordinates of a place in the Netherlands fall, per CRS: (x_min, x_max, y_min, y_max).
NL_BOUNDS = {"EPSG:28992": (0.0, 300_000.0, 289_000.0, 629_000.0), "EPSG:4326": (3.0, 8.0, 50.0, 54.0)}

#: A problem found in one row: (index within the chunk, parameter name or BOTH, reason).
Problem = tuple[int, str, str]
#: Parameter values of one chunk: name → column values (None when the cell is empty) or a constant.
Arguments = dict[str, "Sequence[str | None] | str"]


@dataclass(frozen=True)
class Context:
    """What a function may know about the table (its decimal separator), and a memo for one chunk."""

    decimal: str | None
    memo: dict[object, object] = field(default_factory=dict)


@dataclass(frozen=True)
class FunctionSpec:
    required: tuple[str, ...]
    constants: tuple[str, ...]
    apply: Callable[[Arguments, int, Context], tuple[list[str | None], list[Problem]]]


@functools.lru_cache(maxsize=4)
def _to_crs84(crs: str) -> Callable[..., tuple[list[float], list[float]]]:
    from pyproj import Transformer

    return Transformer.from_crs(crs, "OGC:CRS84", always_xy=True).transform


def _fmt(value: float) -> str:
    text = f"{value:.7f}".rstrip("0")
    return text[:-1] if text.endswith(".") else text


def _bounds_reason(crs: str, x: float, y: float) -> str:
    if crs == "EPSG:4326" and 289_000 <= y <= 629_000:
        return f"({x}, {y}) looks like RD New: declare ofn:crs EPSG:28992"
    if crs == "EPSG:28992" and 3 <= x <= 8 and 50 <= y <= 54:
        return f"({x}, {y}) looks like WGS84: declare ofn:crs EPSG:4326"
    if crs == "EPSG:4326" and 50 <= x <= 54 and 3 <= y <= 8:
        return f"({x}, {y}) looks like latitude and longitude swapped: x is the longitude"
    return f"({x}, {y}) lies outside the Netherlands for {crs}"


_Points = tuple[list[int], list[float], list[float], list[tuple[str, str]], list[Problem]]


def _points(xs: Sequence[str | None], ys: Sequence[str | None], crs: str, n: int, ctx: Context) -> _Points:
    """Parse and range-check the coordinates of a chunk once, for every geometry form made from them."""
    key = ("points", id(xs), id(ys), crs)
    cached = ctx.memo.get(key)
    if cached is not None:
        good, px, py, texts, _ = cast(_Points, cached)
        return good, px, py, texts, []  # problems were reported by the first caller
    from .lexical import decimal_text

    x0, x1, y0, y1 = NL_BOUNDS[crs]
    problems: list[Problem] = []
    good, px, py, texts = [], [], [], []
    decimal = ctx.decimal
    for i in range(n):
        xt, yt = xs[i], ys[i]
        if xt is None or yt is None:
            continue
        xn, yn = decimal_text(xt, decimal), decimal_text(yt, decimal)
        if xn is None or yn is None:
            bad, which = (xt, OFN + "x") if xn is None else (yt, OFN + "y")
            problems.append((i, which, f"'{bad}' is not a coordinate"))
            continue
        x, y = float(xn), float(yn)
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            problems.append((i, BOTH, _bounds_reason(crs, x, y)))
            continue
        good.append(i)
        px.append(x)
        py.append(y)
        texts.append((xn, yn))
    result = (good, px, py, texts, problems)
    ctx.memo[key] = result
    return result


def _wkt_point(args: Arguments, n: int, ctx: Context) -> tuple[list[str | None], list[Problem]]:
    crs = str(args[OFN + "crs"]).upper()
    target = str(args.get(OFN + "target", "CRS84")).lower()
    good, px, py, texts, problems = _points(args[OFN + "x"], args[OFN + "y"], crs, n, ctx)
    out: list[str | None] = [None] * n
    if target == "source":
        head = f"<{CRS_IRI[crs]}> POINT("
        for i, (xt, yt) in zip(good, texts, strict=True):
            # EPSG:4326 is latitude first; RD New is x (east) first.
            out[i] = f"{head}{yt} {xt})" if crs == "EPSG:4326" else f"{head}{xt} {yt})"
    elif good:
        lons, lats = (px, py) if crs == "EPSG:4326" else _to_crs84(crs)(px, py)
        head = f"<{CRS84_IRI}> POINT("
        for i, lon, lat in zip(good, lons, lats, strict=True):
            out[i] = f"{head}{_fmt(lon)} {_fmt(lat)})"
    return out, problems


_POSTCODE = re.compile(r"\s*([1-9]\d{3})\s?([A-Za-z]{2})\s*")


def _postcode_value(v: str) -> values.Outcome:
    m = _POSTCODE.fullmatch(v)
    if m:
        return m.group(1) + m.group(2).upper(), None
    return None, f"'{v}' is not a Dutch postcode (like 9712 GE)"


Apply = Callable[[Arguments, int, Context], tuple[list[str | None], list[Problem]]]


def _text(op: Callable[[str], str]) -> Apply:
    return _checked(lambda v: (op(v) or None, None))


def _checked(op: Callable[[str], values.Outcome]) -> Apply:
    """A one-value function over a chunk; with ``ofn:prefix`` its result is the end of an IRI."""

    def apply(args: Arguments, n: int, ctx: Context) -> tuple[list[str | None], list[Problem]]:
        column = args[OFN + "value"]
        prefix = args.get(OFN + "prefix")
        out: list[str | None] = [None] * n
        problems: list[Problem] = []
        for i in range(n):
            v = column[i]
            if v is None:
                continue
            result, problem = op(v)
            if problem:
                problems.append((i, OFN + "value", problem))
            elif result is not None:
                out[i] = result if prefix is None else f"{prefix}{iri_safe(result)}"
        return out, problems

    return apply


def _pad(args: Arguments, n: int, ctx: Context) -> tuple[list[str | None], list[Problem]]:
    pad = values.padder(int(str(args[OFN + "width"])), str(args.get(OFN + "fill", "0")))
    return _checked(pad)(args, n, ctx)


def _extract(args: Arguments, n: int, ctx: Context) -> tuple[list[str | None], list[Problem]]:
    pattern = re.compile(str(args[OFN + "pattern"]))

    def extract(v: str) -> values.Outcome:
        m = pattern.fullmatch(v.strip())
        if m is None:
            return None, f"'{v}' does not match {pattern.pattern}"
        return m.group(1), None

    return _checked(extract)(args, n, ctx)


def _wkt(args: Arguments, n: int, ctx: Context) -> tuple[list[str | None], list[Problem]]:
    crs = str(args[OFN + "crs"]).upper()
    target = str(args.get(OFN + "target", "CRS84")).lower()
    texts = args[OFN + "value"]
    x0, x1, y0, y1 = NL_BOUNDS[crs]
    out: list[str | None] = [None] * n
    problems: list[Problem] = []
    for i in range(n):
        text = texts[i]
        if text is None:
            continue
        shape = geometry.parse(text)
        if shape is None:
            problems.append((i, OFN + "value", f"'{text[:40]}' is not WKT (POINT, LINESTRING, POLYGON or MULTI…)"))
            continue
        kind, body, pairs = shape
        outside = next(((x, y) for x, y in pairs if not (x0 <= x <= x1 and y0 <= y <= y1)), None)
        if outside is not None:
            problems.append((i, OFN + "value", _bounds_reason(crs, *outside)))
            continue
        if target == "source":
            # EPSG:4326 is latitude first: every pair is swapped; RD New is x (east) first.
            swapped = [(_fmt(y), _fmt(x)) if crs == "EPSG:4326" else (_fmt(x), _fmt(y)) for x, y in pairs]
            out[i] = f"<{CRS_IRI[crs]}> {kind} {geometry.rewrite(body, swapped)}"
            continue
        xs, ys = [x for x, _ in pairs], [y for _, y in pairs]
        lons, lats = (xs, ys) if crs == "EPSG:4326" else _to_crs84(crs)(xs, ys)
        converted = [(_fmt(lon), _fmt(lat)) for lon, lat in zip(lons, lats, strict=True)]
        out[i] = f"<{CRS84_IRI}> {kind} {geometry.rewrite(body, converted)}"
    return out, problems


FUNCTIONS: dict[str, FunctionSpec] = {
    OFN + "wktPoint": FunctionSpec(
        required=(OFN + "x", OFN + "y", OFN + "crs"),
        constants=(OFN + "crs", OFN + "target"),
        apply=_wkt_point,
    ),
    OFN + "postcode": FunctionSpec(required=(OFN + "value",), constants=(), apply=_checked(_postcode_value)),
    OFN + "lower": FunctionSpec(required=(OFN + "value",), constants=(), apply=_text(str.lower)),
    OFN + "upper": FunctionSpec(required=(OFN + "value",), constants=(), apply=_text(str.upper)),
    OFN + "trim": FunctionSpec(required=(OFN + "value",), constants=(), apply=_text(str.strip)),
    OFN + "integer": FunctionSpec(required=(OFN + "value",), constants=(), apply=_checked(values.integer)),
    OFN + "pad": FunctionSpec(
        required=(OFN + "value", OFN + "width"), constants=(OFN + "width", OFN + "fill"), apply=_pad
    ),
    OFN + "collapse": FunctionSpec(required=(OFN + "value",), constants=(), apply=_checked(values.collapse)),
    OFN + "slug": FunctionSpec(required=(OFN + "value",), constants=(), apply=_checked(values.slug)),
    OFN + "extract": FunctionSpec(
        required=(OFN + "value", OFN + "pattern"), constants=(OFN + "pattern",), apply=_extract
    ),
    OFN + "wkt": FunctionSpec(
        required=(OFN + "value", OFN + "crs"), constants=(OFN + "crs", OFN + "target"), apply=_wkt
    ),
}
#: Functions whose result may end an IRI: they take the constant ``ofn:prefix`` (the IRI's start).
PREFIXABLE = {OFN + n for n in ("postcode", "lower", "upper", "trim", "integer", "pad", "collapse", "slug", "extract")}


def check_constants(function: str, constants: dict[str, str]) -> str | None:
    """Validate constant parameters at plan time; returns a problem or None."""
    if function == OFN + "pad":
        width, fill = constants.get(OFN + "width", ""), constants.get(OFN + "fill", "0")
        if not width.isdigit() or not 0 < int(width) <= 64:
            return f"ofn:width '{width}' must be a whole number from 1 to 64"
        if len(fill) != 1:
            return f"ofn:fill '{fill}' must be one character"
    if function == OFN + "extract":
        try:
            groups = re.compile(constants.get(OFN + "pattern", "")).groups
        except re.error as exc:
            return f"ofn:pattern is not a regular expression: {exc}"
        if groups != 1:
            return "ofn:pattern needs exactly one group (…), the part to keep"
    if function in (OFN + "wktPoint", OFN + "wkt"):
        crs = constants.get(OFN + "crs", "").upper()
        if crs not in NL_BOUNDS:
            return f"ofn:crs '{crs}' is not supported: use EPSG:28992 (RD New) or EPSG:4326 (WGS84)"
        target = constants.get(OFN + "target", "CRS84").lower()
        if target not in ("source", "crs84"):
            return f"ofn:target '{target}' must be 'source' or 'CRS84'"
    return None
