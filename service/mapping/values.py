"""Value functions for references and literals that real exports need: integers, padding, whitespace, slugs.

Each takes ``ofn:value`` and gives the normalised text, or None and a problem naming the value.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

Outcome = tuple[str | None, str | None]  # (value, problem)

_INTEGER = re.compile(r"\s*([+-]?)(\d+)(?:[.,]0*)?\s*")
_SPACE = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def integer(value: str) -> Outcome:
    """``8.0``, ``0008`` and `` 8 `` all mean 8: exports write whole numbers as floats or zero-padded."""
    m = _INTEGER.fullmatch(value)
    if m is None:
        return None, f"'{value}' is not a whole number (like 8 or 8.0)"
    digits = m.group(2).lstrip("0") or "0"
    return (m.group(1).replace("+", "") if digits != "0" else "") + digits, None


def padder(width: int, fill: str = "0") -> Callable[[str], Outcome]:
    """A whole number left-filled to ``width`` characters, as codes with leading zeros are written."""

    def pad(value: str) -> Outcome:
        number, problem = integer(value)
        if number is None:
            return None, problem
        return number.rjust(width, fill), None

    return pad


def collapse(value: str) -> Outcome:
    """Runs of spaces, tabs, line breaks and no-break spaces become one space; the ends are trimmed."""
    return _SPACE.sub(" ", value).strip() or None, None


def slug(value: str) -> Outcome:
    """Lowercase ASCII words joined by '-': accents dropped, everything else a separator."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-") or None, None
