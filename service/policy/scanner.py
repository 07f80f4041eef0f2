"""The output scanner: a second line behind the policy, looking for personal data in what is published.

Every published cell is checked before it becomes RDF, so a hit can name its dataset, row and column.
A hit never carries the value itself: the report, the log and the error name where it is and what kind.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..errors import OpenbaarError
from .model import Allowance

#: Cells of a column are joined with a character no pattern matches or spans, and searched at once.
_SEPARATOR = "\x00"
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
#: "j.jansen [at] example.nl", "j.jansen(at)example(dot)nl": an address written so a robot would not read it.
_AT = re.compile(r"\s*[\[({]\s*at\s*[\])}]\s*", re.IGNORECASE)
_DOT = re.compile(r"\s*[\[({]\s*(?:dot|punt)\s*[\])}]\s*", re.IGNORECASE)
#: Nine digits, on their own or in two to four groups with one separator: 111222333, 111.222.333, 111 22 2333,
#: and as a number with a zero fraction (111222333.0), as a spreadsheet or a decimal column writes it.
_NINE_DIGITS = re.compile(
    r"(?<![\d.,])(?<!\d[ -])(?P<digits>\d{9}|\d{2,4}(?P<sep>[ .-])\d{2,4}(?:(?P=sep)\d{1,4}){0,2})"
    r"(?:[.,]0+)?(?!\d|[.,-]\d| \d)"
)
#: A cell that is only eight digits: a BSN whose leading zero a spreadsheet dropped.
_EIGHT_DIGITS = re.compile(r"\s*(\d{8})(?:\.0+)?\s*")
#: Between the digits of a phone number: a space, or a hyphen or dot with spaces around it or not.
_PHONE_SEP = r"(?:\s?[-.]\s?|\s)"
#: A phone number is not glued to letters or digits, nor to a code such as "PRD-" or "-NL".
_PHONE = re.compile(
    rf"(?<![\w+/.-])(?<![A-Za-z0-9]-)(?P<number>(?:\+31|0031|\(0\d{{1,3}}\)|0){_PHONE_SEP}?(?:\(0\){_PHONE_SEP}?)?"
    rf"\d(?:{_PHONE_SEP}?\d){{5,9}})"
    r"(?![\w/]|[.-]\w)"
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[\s-]?[A-Z0-9]{4}){2,7}(?:[\s-]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_POSTCODE = r"[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}"
_HOUSE_NUMBER = r"\d{1,5}(?:\s?[a-zA-Z]\b|\s?-\s?\d{1,4})?"
#: "Hoofdstraat 12, 9712 AB" or "9712AB 12": a street address, not a postcode column on its own.
_ADDRESS = re.compile(
    rf"(?:[A-Za-zÀ-ÿ][\w'.À-ÿ-]*\s+{_HOUSE_NUMBER}\s*,?\s*{_POSTCODE}\b)|(?:\b{_POSTCODE}\s*,?\s+{_HOUSE_NUMBER}\b)"
)
_IBAN_LENGTH = {"NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "LU": 20, "ES": 24, "IT": 27}

#: What each kind's search looks for in a whole column: loose, and starting with a character class so
#: that the regex engine skips ahead quickly; a cell a search lands in is then checked on its own.
_SEARCHES = (
    ("bsn", re.compile(r"\d(?<!\d\d)(?=(?:[ .-]?\d){8})(?:\d{8}|\d{1,3}([ .-])\d{2,4}\1\d)")),
    ("bsn", re.compile(r"\x00\s*\d{8}")),  # a cell of eight digits (every cell follows a separator)
    ("email", re.compile("@")),
    ("email", re.compile(r"[\[({]\s*at\s*[\])}]", re.IGNORECASE)),
    ("phone", re.compile(r"[0+](?:[\s().-]{0,3}\d){8}")),
    ("iban", re.compile(r"\d\d[\s-]?[A-Za-z0-9]{4}[\s-]?[A-Za-z0-9]{4}")),
    ("address", re.compile(r"[1-9]\d{3}\s?[A-Za-z]{2}(?![A-Za-z])")),
)
#: Byte classes for the prefilter: digits → "0", letters → "a", whitespace → " " (non-ASCII characters are
#: first replaced by what they are to ``\d`` and ``\s``, see ``_ascii_class``).
_CLASSES = bytes(
    ord("0") if b >= 0x80 or chr(b).isdigit() else ord("a") if chr(b).isalpha() else ord(" ") if chr(b).isspace() else b
    for b in range(256)
)
#: Then separators a phone number may contain are dropped, and "+" (of +31) counts as a digit.
_PHONE_CLASSES = bytes(ord("0") if b == ord("+") else b for b in range(256))
_IBAN_SHAPE = re.compile(rb"00[0a]{8}")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CELL_OF_EIGHT = re.compile(rb"\x00 *0{8}")
_OBFUSCATED_AT = re.compile(r"[\[({]\s*at\s*[\])}]", re.IGNORECASE)


def _ascii_class(match: re.Match[str]) -> str:
    """What a non-ASCII character can be to the searches: a digit (``\\d``), a space (``\\s``), or neither."""
    char = match.group()
    return "0" if char.isdecimal() else " " if char.isspace() else "."


def _has_bracket(text: str) -> bool:
    return "[" in text or "(" in text or "{" in text


def possible_kinds(text: str) -> frozenset[str]:
    """The kinds whose search could match somewhere in ``text``: a necessary condition, checked at C speed.

    Most published columns (numbers, dates, codes) rule every kind out here, so the regex searches run
    only where they can find something.
    """
    plain = text if text.isascii() else _NON_ASCII.sub(_ascii_class, text)
    shape = plain.encode("ascii").translate(_CLASSES)
    packed = shape.translate(_PHONE_CLASSES, b" ()-.")
    kinds = set()
    if b"000000000" in shape.translate(None, b" .-") or _CELL_OF_EIGHT.search(b"\x00" + shape) is not None:
        kinds.add("bsn")
    if "@" in text or (_has_bracket(text) and _OBFUSCATED_AT.search(text) is not None):
        kinds.add("email")
    if b"000000000" in packed:
        kinds.add("phone")
    if _IBAN_SHAPE.search(packed) is not None:
        kinds.add("iban")
    if b"0000aa" in shape or b"0000 aa" in shape:
        kinds.add("address")
    return frozenset(kinds)


KIND_LABELS = {
    "bsn": ("een BSN (9 cijfers die de elfproef doorstaan)", "a BSN (9 digits passing the elfproef)"),
    "email": ("een e-mailadres", "an e-mail address"),
    "phone": ("een Nederlands telefoonnummer", "a Dutch phone number"),
    "iban": ("een IBAN (met geldig controlegetal)", "an IBAN (with a valid check number)"),
    "address": ("een postcode met huisnummer in vrije tekst", "a postcode with house number in free text"),
}


def elfproef(digits: str) -> bool:
    """The BSN check: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or digits == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0


def _nine_digits(value: str) -> bool:
    """Nine digits (grouped or not) that pass the elfproef, or a cell of eight that would with its leading zero."""
    if any(elfproef(re.sub(r"\D", "", m.group("digits"))) for m in _NINE_DIGITS.finditer(value)):
        return True
    eight = _EIGHT_DIGITS.fullmatch(value)
    return eight is not None and not _is_date(eight.group(1)) and elfproef("0" + eight.group(1))


def _is_date(digits: str) -> bool:
    """Eight digits that read as a date (yyyymmdd or ddmmyyyy) are taken for one, not for a BSN."""
    for year, month, day in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        try:
            dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if 1800 <= int(year) <= 2200:
            return True
    return False


def _email(value: str) -> bool:
    if "@" not in value:
        value = _DOT.sub(".", _AT.sub("@", value))
    return "@" in value and _EMAIL.search(value) is not None


def iban_valid(text: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to numbers, and the result mod 97 is 1."""
    iban = re.sub(r"[\s-]", "", text).upper()
    expected = _IBAN_LENGTH.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    if not 15 <= len(iban) <= 34:
        return False
    number = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(number) % 97 == 1


def _phone_digits(number: str) -> bool:
    if number.count(".") == 1:
        return False  # 0.123456789 is a decimal; a number written with dots has several (06.12.34.56.78)
    digits = re.sub(r"[\s().-]", "", number)
    if digits.startswith("+31"):
        rest = digits[3:]
    elif digits.startswith("0031"):
        rest = digits[4:]
    else:
        rest = digits[1:]
    rest = rest.removeprefix("0") if digits[:1] != "0" or digits.startswith("00") else rest
    return len(rest) == 9 and rest[0] != "0"


def _without_ibans(value: str) -> str:
    """The value with its valid IBANs blanked: the digits of an IBAN are not also a phone number or a BSN."""
    for m in reversed([m for m in _IBAN.finditer(value) if iban_valid(m.group())]):
        value = value[: m.start()] + " " + value[m.end() :]
    return value


def _bsn(value: str) -> bool:
    if _NINE_DIGITS.search(value) is None and _EIGHT_DIGITS.fullmatch(value) is None:
        return False  # the common case, decided without looking for IBANs
    return _nine_digits(_without_ibans(value))


def _phone(value: str) -> bool:
    if _PHONE.search(value) is None:
        return False
    return any(_phone_digits(m.group("number")) for m in _PHONE.finditer(_without_ibans(value)))


_CHECKS = {
    "bsn": _bsn,
    "email": _email,
    "phone": _phone,
    "iban": lambda v: any(iban_valid(m.group()) for m in _IBAN.finditer(v)),
    "address": lambda v: " " in v.strip() and _ADDRESS.search(v) is not None,
}


def _published_hit(kind: str, value: str, normalise: Callable[[str], str | None]) -> bool:
    """Whether the value as it is published (normalised for its datatype) holds the kind."""
    published = normalise(value)
    return published is not None and published != value and _CHECKS[kind](published)


def kinds_in(value: str) -> list[str]:
    """The kinds of personal data found in one value, in a fixed order."""
    return [kind for kind, check in _CHECKS.items() if check(value)]


@dataclass(frozen=True)
class Hit:
    """Where personal data was found; never the value itself."""

    dataset: str
    file: str
    row: int
    column: str
    kind: str

    def line(self) -> str:
        where = f"dataset '{self.dataset}', {self.file}, row {self.row}, column '{self.column}'"
        return f"{where}: {KIND_LABELS[self.kind][1]}"


class Scanner:
    """Scans the published columns of one table, chunk by chunk, skipping what the policy explicitly allows."""

    def __init__(
        self,
        dataset: str,
        file: str,
        allow: Iterable[Allowance],
        keep: int = 50,
        normalisers: dict[str, Callable[[str], str | None]] | None = None,
    ) -> None:
        self.dataset, self.file = dataset, file
        #: Per column, how a typed value is written when published (111222333.0 becomes 111222333).
        self.normalisers = normalisers or {}
        self.allowed = {(a.kind, a.column) for a in allow}
        self.keep = keep
        self.hits: list[Hit] = []
        self.total = 0

    def _allowed(self, kind: str, column: str) -> bool:
        return (kind, None) in self.allowed or (kind, column) in self.allowed

    def check(self) -> None:
        """Raise PersonalDataFound when a scanned cell held personal data that no allowance covers."""
        if self.hits:
            raise PersonalDataFound(self)

    def scan(self, columns: list[str], rows: list[tuple[str, ...]], numbers: list[int]) -> None:
        """Search each column of the chunk as one text per kind; only the cells a search lands in are checked.

        The prefilter runs on the whole chunk first, then per column, so clean chunks cost one pass.
        """
        if not rows or not possible_kinds(_SEPARATOR.join(itertools.chain.from_iterable(rows))):
            return
        for i, column in enumerate(columns):
            cells = [r[i] for r in rows]
            # Each distinct value is searched and checked once (codes, names and years repeat down a column);
            # a hit then counts for every row holding it.
            values = list(dict.fromkeys(cells))
            # A separator before every cell, the first included: a search may start at a cell's beginning.
            text = _SEPARATOR + _SEPARATOR.join(values)
            kinds = possible_kinds(text)
            starts: list[int] | None = None
            normalise = self.normalisers.get(column)
            seen: dict[str, set[int]] = {}
            for kind, pattern in _SEARCHES:
                if kind not in kinds or self._allowed(kind, column):
                    continue
                checked = seen.setdefault(kind, set())
                found: list[int] = []
                for match in pattern.finditer(text):
                    if starts is None:
                        starts = list(itertools.accumulate((len(v) + 1 for v in values[:-1]), initial=1))
                    k = bisect.bisect_right(starts, match.end() - 1) - 1
                    if k in checked:
                        continue
                    checked.add(k)
                    value = values[k]
                    if _CHECKS[kind](value) or (normalise is not None and _published_hit(kind, value, normalise)):
                        found += [k] if len(values) == len(cells) else [r for r, v in enumerate(cells) if v == value]
                for row in sorted(found):  # in row order, as the rows were read
                    self.total += 1
                    if len(self.hits) < self.keep:
                        self.hits.append(Hit(self.dataset, self.file, numbers[row], column, kind))


class PersonalDataFound(OpenbaarError):
    """The scanner found personal data in a published column: nothing is published."""

    def __init__(self, scanner: Scanner) -> None:
        self.hits = scanner.hits
        more = scanner.total - len(scanner.hits)
        lines = [hit.line() for hit in scanner.hits] + ([f"… and {more} more"] if more else [])
        super().__init__(
            f"personal data in published columns ({scanner.total} found; withhold the column, fix the export, or "
            "add a motivated 'allow' entry to the policy): " + "; ".join(lines)
        )
