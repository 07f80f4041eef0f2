"""Check and normalise cell text into the canonical lexical form of an XSD datatype.

Municipal exports write numbers with a decimal comma, integers as floats ("8.0") and dates day-first
("9-4-2023"). A checker turns such text into the form RDF expects, or says why it cannot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import XSD

_INTEGER = re.compile(r"[+-]?\d+")
_FLOATISH_INTEGER = re.compile(r"([+-]?\d+)\.0+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]?INF|NaN")
_COMMA_DECIMAL = re.compile(r"([+-]?\d+),(\d+)")
_THOUSANDS_COMMA = re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?")
_THOUSANDS_DOT = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3},\d{3}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_DATETIME = re.compile(r"-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")
_GYEAR = re.compile(r"\d{4}")
_FLOATISH_YEAR = re.compile(r"(\d{4})\.0+")
_BOOLEAN = {
    "true": "true",
    "false": "false",
    "1": "true",
    "0": "false",
    "ja": "true",
    "nee": "false",
    "j": "true",
    "n": "false",
    "yes": "true",
    "no": "false",
}


@dataclass(frozen=True)
class Checker:
    """``normalize`` returns the canonical text or None; ``explain`` says why (only on the slow path)."""

    normalize: Callable[[str], str | None]
    explain: Callable[[str], str]


def decimal_text(text: str, decimal: str | None) -> str | None:
    """Read a decimal number written the Dutch or the international way; None if unsure."""
    if decimal is None and "," in text:
        m = _COMMA_DECIMAL.fullmatch(text)
        if m and not _AMBIGUOUS.fullmatch(text):
            return f"{m.group(1)}.{m.group(2)}"
    elif decimal != "," and _DECIMAL.fullmatch(text):
        return text
    t = text.strip()
    if decimal != "," and _DECIMAL.fullmatch(t):
        return t
    if decimal == ",":
        if _THOUSANDS_COMMA.fullmatch(t):
            t = t.replace(".", "")
        m = _COMMA_DECIMAL.fullmatch(t)
        if m:
            return f"{m.group(1)}.{m.group(2)}"
        return t if _INTEGER.fullmatch(t) else None
    if decimal == "." and _THOUSANDS_DOT.fullmatch(t):
        return t.replace(",", "")
    if decimal is None:
        m = _COMMA_DECIMAL.fullmatch(t)
        if m and not _AMBIGUOUS.fullmatch(t):
            return f"{m.group(1)}.{m.group(2)}"
    return None


def _explain_decimal(text: str, decimal: str | None) -> str:
    t = text.strip()
    if decimal is None and _AMBIGUOUS.fullmatch(t):
        return f"'{t}' is ambiguous (decimal comma or thousands?): declare 'decimal' in the source"
    return f"'{t}' is not a number"


#: The value ranges of XSD's integer types; None means unbounded.
_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    "integer": (None, None),
    "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None),
    "nonPositiveInteger": (None, 0),
    "negativeInteger": (None, -1),
    "long": (-(2**63), 2**63 - 1),
    "int": (-(2**31), 2**31 - 1),
    "short": (-(2**15), 2**15 - 1),
    "byte": (-128, 127),
    "unsignedLong": (0, 2**64 - 1),
    "unsignedInt": (0, 2**32 - 1),
    "unsignedShort": (0, 2**16 - 1),
    "unsignedByte": (0, 255),
}


def _integer(decimal: str | None, low: int | None, high: int | None) -> Checker:
    def whole(v: str) -> int | None:
        t = v.strip()
        m = _FLOATISH_INTEGER.fullmatch(t) or (decimal == "," and re.fullmatch(r"([+-]?\d+),0+", t))
        if m:
            return int(m.group(1))
        return int(t) if _INTEGER.fullmatch(t) else None

    def normalize(v: str) -> str | None:
        n = int(v) if _INTEGER.fullmatch(v) else whole(v)
        if n is None or (low is not None and n < low) or (high is not None and n > high):
            return None
        return str(n)

    def explain(v: str) -> str:
        t = v.strip()
        n = whole(v)
        if n is not None:
            return (
                f"'{t}' is outside the range {low if low is not None else '…'} to {high if high is not None else '…'}"
            )
        if _DECIMAL.fullmatch(t) or _COMMA_DECIMAL.fullmatch(t):
            return f"'{t}' is not a whole number"
        return f"'{t}' is not a number"

    return Checker(normalize, explain)


def _decimal(decimal: str | None, pattern: re.Pattern[str]) -> Checker:
    def normalize(v: str) -> str | None:
        if decimal != "," and pattern.fullmatch(v):
            return v
        return decimal_text(v, decimal)

    return Checker(normalize, lambda v: _explain_decimal(v, decimal))


def _date(dates: str) -> Checker:
    def normalize(v: str) -> str | None:
        t = v.strip()
        if _ISO_DATE.fullmatch(t):
            try:
                dt.date.fromisoformat(t)
            except ValueError:
                return None
            return t
        m = _DAY_FIRST.fullmatch(t) if dates == "day-first" else None
        if m:
            try:
                return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
            except ValueError:
                return None
        return None

    def explain(v: str) -> str:
        t = v.strip()
        if dates == "iso" and _DAY_FIRST.fullmatch(t):
            return f"'{t}' is day-first but the source declares dates: iso"
        if _ISO_DATE.fullmatch(t) or _DAY_FIRST.fullmatch(t):
            return f"'{t}' is not a date in the calendar"
        return f"'{t}' is not a date (expected 2023-04-09 or 9-4-2023)"

    return Checker(normalize, explain)


def _datetime() -> Checker:
    def normalize(v: str) -> str | None:
        t = v.strip()
        if _DATETIME.fullmatch(t):
            return t
        if _ISO_DATE.fullmatch(t[:10]) and len(t) >= 16 and t[10] == " ":
            candidate = t[:10] + "T" + t[11:] + (":00" if len(t) == 16 else "")
            return candidate if _DATETIME.fullmatch(candidate) else None
        return None

    return Checker(normalize, lambda v: f"'{v.strip()}' is not a date-time (expected 2023-04-09T12:00:00)")


def _gyear() -> Checker:
    def normalize(v: str) -> str | None:
        if _GYEAR.fullmatch(v):
            return v
        t = v.strip()
        if _GYEAR.fullmatch(t):
            return t
        m = _FLOATISH_YEAR.fullmatch(t)
        return m.group(1) if m else None

    return Checker(normalize, lambda v: f"'{v.strip()}' is not a year")


def _boolean() -> Checker:
    return Checker(
        lambda v: _BOOLEAN.get(v.strip().lower()),
        lambda v: f"'{v.strip()}' is not a yes/no value (true/false, ja/nee, 1/0)",
    )


def checker_for(datatype: str | None, *, decimal: str | None, dates: str) -> Checker | None:
    """The checker for a datatype; None for datatypes whose text we pass through as it is."""
    if datatype is None or not datatype.startswith(XSD):
        return None
    name = datatype[len(XSD) :]
    if name in _INTEGER_RANGES:
        return _integer(decimal, *_INTEGER_RANGES[name])
    if name == "decimal":
        return _decimal(decimal, _DECIMAL)
    if name in ("double", "float"):
        return _decimal(decimal, _DOUBLE)
    if name == "date":
        return _date(dates)
    if name == "dateTime":
        return _datetime()
    if name == "gYear":
        return _gyear()
    if name == "boolean":
        return _boolean()
    return None
