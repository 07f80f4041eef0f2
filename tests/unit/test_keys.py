"""Duplicate keys and blank or dot references are rejected rows, not silently merged or minted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.test_materialize import DEF, ID, boom_mapping, graph, run


def test_a_duplicate_key_is_a_rejected_row_naming_the_row_it_duplicates(tmp_path: Path) -> None:
    mapping = boom_mapping(tmp_path, "ID;NAAM\n1;Eik\n2;Linde\n1;Beuk\n", "- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    names = {o for s, p, o in graph(text) if s == f"<{ID}boom/1>" and p == f"<{DEF}naam>"}
    assert names == {'"Eik"'}  # the first row wins; nothing of row 4 is published
    (issue,) = [i for i in report.first if "duplicate" in i.reason]
    assert (issue.file, issue.row, issue.column, issue.level) == ("data/bomen.csv", 4, "ID", "error")
    assert "row 2" in issue.reason
    assert report.tables[("bomen", "data/bomen.csv")].as_dict()["bad_rows"] == 1


@pytest.mark.parametrize("value", ["   ", ".", "..", " .. "])
def test_a_blank_or_dot_subject_reference_is_a_rejected_row(tmp_path: Path, value: str) -> None:
    mapping = boom_mapping(tmp_path, f"ID;NAAM\n1;Eik\n{value};Linde\n", "- [def:naam, $(NAAM)]")
    text, report = run(mapping)
    assert {s for s, _, _ in graph(text)} == {f"<{ID}boom/1>"}
    (issue,) = [i for i in report.first if i.row == 3]
    assert (issue.file, issue.column, issue.level) == ("data/bomen.csv", "ID", "error")


@pytest.mark.parametrize("value", ["  ", "..", "."])
def test_a_blank_or_dot_object_reference_is_a_rejected_row(tmp_path: Path, value: str) -> None:
    mapping = boom_mapping(tmp_path, f"ID;BUURT\n1;BU1\n2;{value}\n", "- [def:ligtInBuurt, id:buurt/$(BUURT)~iri]")
    text, report = run(mapping)
    assert {o for _, _, o in graph(text)} == {f"<{ID}buurt/BU1>"}
    (issue,) = [i for i in report.first if i.row == 3]
    assert (issue.column, issue.level) == ("BUURT", "error")
