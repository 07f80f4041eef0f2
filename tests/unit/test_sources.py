"""Reading table exports: encoding, delimiter, index column, row numbers and malformed rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.errors import SourceError
from service.mapping.model import Dialect, Source
from service.mapping.sources import Table, read_header


def write_bytes(tmp_path: Path, data: bytes, name: str = "tabel.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def write_text(tmp_path: Path, text: str, name: str = "tabel.csv") -> Path:
    return write_bytes(tmp_path, text.encode("utf-8"), name)


def source(path: Path, **dialect: object) -> Source:
    return Source("tabel", path, Dialect(**dialect))  # type: ignore[arg-type]


def read_all(
    src: Source, columns: list[str] | None = None
) -> tuple[Table, list[tuple[str, ...]], list[int], list[int]]:
    """Every projected row, its row number, and the malformed row numbers of a table."""
    rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    malformed: list[int] = []
    with Table(src) as table:
        for chunk, chunk_numbers, chunk_malformed in table.chunks(columns or list(table.columns), 2):
            rows += chunk
            numbers += chunk_numbers
            malformed += chunk_malformed
    return table, rows, numbers, malformed


# -- delimiter -------------------------------------------------------------------------------------


def test_semicolon_delimiter_is_detected(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID;NAAM;X\n1;Eik;12,5\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.delimiter == ";"
    assert table.columns == ("ID", "NAAM", "X")
    assert rows == [("1", "Eik", "12,5")]


def test_comma_delimiter_is_detected(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID,NAAM\n1,Eik\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.delimiter == ","
    assert rows == [("1", "Eik")]


def test_semicolon_inside_quoted_header_does_not_count(tmp_path: Path) -> None:
    path = write_text(tmp_path, '"soort;naam",ID\n"Eik;Quercus",1\n')
    table, rows, _, _ = read_all(source(path))
    assert table.shape.delimiter == ","
    assert table.columns == ("soort;naam", "ID")
    assert rows == [("Eik;Quercus", "1")]


def test_declared_delimiter_overrides_detection(tmp_path: Path) -> None:
    path = write_text(tmp_path, "A;B,C\n1;2,3\n")
    table, rows, _, _ = read_all(source(path, delimiter=","))
    assert table.columns == ("A;B", "C")
    assert rows == [("1;2", "3")]


# -- encoding --------------------------------------------------------------------------------------


def test_utf8_with_bom_is_read_without_the_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfID;NAAM\n1;Caf\xc3\xa9\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.encoding == "utf-8-sig"
    assert table.columns == ("ID", "NAAM")
    assert rows == [("1", "Café")]


def test_declared_utf8_on_a_file_with_bom_still_drops_the_bom(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"\xef\xbb\xbfID;NAAM\n1;Caf\xc3\xa9\n")
    assert read_header(source(path, encoding="utf-8")) == ("ID", "NAAM")


def test_utf8_without_bom_is_detected(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"ID;NAAM\n1;Caf\xc3\xa9\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.encoding == "utf-8"
    assert rows == [("1", "Café")]


def test_cp1252_is_detected_when_the_file_is_not_utf8(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"ID;NAAM;PRIJS\n1;Caf\xe9;\x80 3\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.encoding == "cp1252"
    assert rows == [("1", "Café", "€ 3")]


def test_declared_encoding_overrides_detection(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"ID;NAAM\n1;Caf\xc3\xa9\n")
    _, rows, _, _ = read_all(source(path, encoding="cp1252"))
    assert rows == [("1", "CafÃ©")]


# -- lines and rows --------------------------------------------------------------------------------


def test_crlf_line_endings_leave_no_carriage_return_in_cells(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, b"ID;NAAM\r\n1;Eik\r\n2;Linde\r\n")
    table, rows, numbers, _ = read_all(source(path))
    assert table.columns == ("ID", "NAAM")
    assert rows == [("1", "Eik"), ("2", "Linde")]
    assert numbers == [2, 3]


def test_quoted_newline_stays_in_the_cell(tmp_path: Path) -> None:
    path = write_text(tmp_path, 'ID;OPMERKING\n1;"eerste regel\ntweede regel"\n')
    _, rows, _, _ = read_all(source(path))
    assert rows == [("1", "eerste regel\ntweede regel")]


def test_row_numbers_count_records_not_lines(tmp_path: Path) -> None:
    path = write_text(tmp_path, 'ID;OPMERKING\n1;"twee\nregels"\n2;een regel\n3;"drie\nlange\nregels"\n4;kort\n')
    _, rows, numbers, _ = read_all(source(path))
    assert [r[0] for r in rows] == ["1", "2", "3", "4"]
    assert numbers == [2, 3, 4, 5]


def test_row_with_wrong_number_of_fields_is_malformed_with_its_row_number(tmp_path: Path) -> None:
    path = write_text(tmp_path, 'ID;NAAM\n1;"Eik\nboom"\n2;Linde;extra\n3;Beuk\n')
    _, rows, numbers, malformed = read_all(source(path))
    assert malformed == [3]
    assert rows == [("1", "Eik\nboom"), ("3", "Beuk")]
    assert numbers == [2, 4]


def test_trailing_blank_line_is_not_malformed(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID;NAAM\n1;Eik\n\n")
    _, rows, _, malformed = read_all(source(path))
    assert rows == [("1", "Eik")]
    assert malformed == []


def test_leading_unnamed_index_column_is_dropped(tmp_path: Path) -> None:
    path = write_text(tmp_path, ";ID;NAAM\n0;17;Eik\n1;18;Linde\n")
    table, rows, _, _ = read_all(source(path))
    assert table.shape.dropped_index_column is True
    assert table.columns == ("ID", "NAAM")
    assert rows == [("17", "Eik"), ("18", "Linde")]


def test_rows_are_projected_on_the_requested_columns_in_order(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID;NAAM;X\n1;Eik;5\n")
    _, rows, _, _ = read_all(source(path), ["X", "ID"])
    assert rows == [("5", "1")]


# -- failures --------------------------------------------------------------------------------------


def test_duplicate_column_names_fail_naming_the_file(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID;NAAM;NAAM\n1;Eik;Quercus\n", name="bomen.csv")
    with pytest.raises(SourceError) as caught:
        Table(source(path))
    message = str(caught.value)
    assert message.startswith("bomen.csv:")
    assert "duplicate" in message
    assert "NAAM" in message


def test_require_missing_column_fails_naming_file_and_column(tmp_path: Path) -> None:
    path = write_text(tmp_path, "ID;NAAM\n1;Eik\n", name="bomen.csv")
    with Table(source(path)) as table, pytest.raises(SourceError) as caught:
        table.require(["ID", "BOOMSOORT"])
    message = str(caught.value)
    assert message.startswith("bomen.csv:")
    assert "'BOOMSOORT'" in message
    assert "\n" not in message


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"^weg\.csv: the file does not exist"):
        Table(source(tmp_path / "weg.csv"))
