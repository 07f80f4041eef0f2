"""Read municipal table exports as they come: encoding, delimiter and index column detected.

Only the columns a mapping needs are ever handed on, so a withheld column never leaves this module.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from ..errors import SourceError
from .model import Source

_SNIFF_BYTES = 1 << 16
_DELIMITERS = (";", ",", "\t", "|")
csv.field_size_limit(1 << 24)


@dataclass(frozen=True)
class TableShape:
    """What was detected or declared about a table, reported in the build summary."""

    path: Path
    encoding: str
    delimiter: str
    header: tuple[str, ...]
    dropped_index_column: bool


def detect_encoding(path: Path, declared: str | None) -> str:
    """A BOM means UTF-8; otherwise UTF-8 if the whole file decodes as such, else cp1252."""
    if declared:
        return "utf-8-sig" if declared == "utf-8" and _has_bom(path) else declared
    if _has_bom(path):
        return "utf-8-sig"
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        with path.open("rb") as f:
            while block := f.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _has_bom(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(3) == codecs.BOM_UTF8


def detect_delimiter(first_line: str, declared: str | None) -> str:
    """The candidate that splits the header into the most fields, counting outside quotes."""
    if declared:
        return declared
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def encoding_problem(path: Path, encoding: str) -> str:
    """Where a file stops being ``encoding`` (its row, counting the header as row 1) and what would fit."""
    raw = path.read_bytes()
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        fits = [e for e in ("utf-8", "cp1252") if e != encoding and _decodes(raw, e)]
        fix = f"the file reads as {fits[0]}: set encoding: {fits[0]}" if fits else "save the export as UTF-8"
        return f"row {row} is not {encoding} (byte {raw[exc.start]:#04x}: {exc.reason}); {fix}"
    return f"the file is not {encoding}"


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def delimiter_hint(header: tuple[str, ...], delimiter: str) -> str:
    """When the header came out as one field, the delimiter it looks split by; else ''."""
    if len(header) != 1:
        return ""
    looks = detect_delimiter(header[0], None)
    if looks == delimiter or looks not in header[0]:
        return ""
    return f"the header looks {looks!r}-separated: set delimiter: {looks!r}"


class Table:
    """An open table; iterate chunks of projected rows. Use as a context manager."""

    def __init__(self, source: Source) -> None:
        self.source = source
        path = source.path
        if not path.is_file():
            raise SourceError(path, "the file does not exist", "put the export in data/ or fix 'access'")
        encoding = detect_encoding(path, source.dialect.encoding)
        self._file = path.open("r", encoding=encoding, newline="")
        try:
            head = self._file.read(_SNIFF_BYTES)
        except UnicodeDecodeError:
            self._file.close()
            raise SourceError(path, encoding_problem(path, encoding)) from None
        first_line = head.splitlines()[0] if head else ""
        delimiter = detect_delimiter(first_line, source.dialect.delimiter)
        self._file.seek(0)
        self._reader = csv.reader(self._file, delimiter=delimiter)
        try:
            header = next(self._reader)
        except StopIteration:
            self._file.close()
            raise SourceError(path, "the file is empty", "export it with a header row") from None
        except (csv.Error, UnicodeDecodeError) as exc:
            self._file.close()
            raise SourceError(path, f"the header row cannot be read: {exc}") from None
        unnamed = bool(header) and header[0].strip() == "" and len(header) > 1
        names = [h.strip() for h in header]
        if unnamed and source.dialect.index:
            names[0], unnamed = source.dialect.index, False  # kept: the export's only key
        dropped = unnamed
        self._offset = 1 if dropped else 0
        self.width = len(header)
        self.columns: tuple[str, ...] = tuple(names[self._offset :])
        duplicates = sorted({c for c in self.columns if self.columns.count(c) > 1})
        if duplicates:
            self._file.close()
            raise SourceError(path, f"duplicate column name(s) {duplicates}", "give every column its own name")
        self.shape = TableShape(path, encoding, delimiter, self.columns, dropped)

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._file.close()

    def require(self, columns: list[str]) -> None:
        """Fail, naming the file and the columns, when the mapping names a column the header lacks."""
        missing = [c for c in columns if c not in self.columns]
        hint = delimiter_hint(self.columns, self.shape.delimiter) if missing else ""
        if hint:
            raise SourceError(
                self.source.path,
                f"column(s) {', '.join(repr(c) for c in missing)} named by the mapping are not in the header; {hint}",
            )
        if missing:
            raise SourceError(
                self.source.path,
                f"column(s) {', '.join(repr(c) for c in missing)} named by the mapping are not in the header",
                f"the header has {', '.join(self.columns)}",
            )

    def chunks(self, columns: list[str], size: int) -> Iterator[tuple[list[tuple[str, ...]], list[int], list[int]]]:
        """Yield (rows projected on ``columns``, their row numbers, malformed row numbers) per chunk.

        Row numbers count the header as row 1, as a spreadsheet does.
        """
        self.require(columns)
        indexes = [self.columns.index(c) + self._offset for c in columns]
        project = itemgetter(*indexes) if len(indexes) > 1 else (lambda r, i=indexes[0]: (r[i],))
        width = self.width
        rows: list[tuple[str, ...]] = []
        numbers: list[int] = []
        malformed: list[int] = []
        number = 1
        try:
            for record in self._reader:
                number += 1
                if len(record) != width:
                    if not record or (len(record) == 1 and not record[0].strip()):
                        continue  # a blank line, as editors leave at the end
                    malformed.append(number)
                    continue
                rows.append(project(record))
                numbers.append(number)
                if len(rows) >= size:
                    yield rows, numbers, malformed
                    rows, numbers, malformed = [], [], []
        except csv.Error as exc:
            raise SourceError(self.source.path, f"row {number + 1} cannot be read: {exc}") from None
        except UnicodeDecodeError:
            raise SourceError(self.source.path, encoding_problem(self.source.path, self.shape.encoding)) from None
        if rows or malformed:
            yield rows, numbers, malformed


def read_header(source: Source) -> tuple[str, ...]:
    """The column names of a table, for checks that must not read the data."""
    with Table(source) as table:
        return table.columns
