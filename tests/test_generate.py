"""data/generate.py, kept for benchmark scale, reproduces the bundled generated tables byte for byte."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

GENERATED = ["wijken", "buurten", "bevolking", "bomen", "fietsenstallingen", "horecavergunningen"]
GENERATED += ["afvalcontainers", "voorzieningen", "wmo-clienten"]


def generate(*args: str) -> None:
    subprocess.run([sys.executable, str(REPO / "data" / "generate.py"), *args], check=True, capture_output=True)


@pytest.mark.parametrize("table", GENERATED)
def test_generate_reproduces_the_bundled_table(table: str, tmp_path: Path) -> None:
    out = tmp_path / f"{table}.csv"
    generate(table, "--out", str(out))
    assert out.read_bytes() == (REPO / "data" / f"{table}.csv").read_bytes()


def test_the_facts_live_in_a_data_file_not_in_the_code() -> None:
    code = (REPO / "data" / "generate.py").read_text(encoding="utf-8")
    assert (REPO / "data" / "facts.json").is_file()
    assert "Fraxinus excelsior" not in code and "Oosterparkwijk" not in code
    assert "Fraxinus excelsior" in (REPO / "data" / "facts.json").read_text(encoding="utf-8")


def test_generated_wijken_and_buurten_leave_out_the_codes_of_the_real_exports() -> None:
    def codes(name: str, column: str) -> set[str]:
        with (REPO / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            return {row[column] for row in csv.DictReader(f)}

    assert codes("wijkindeling", "CODE") and not codes("wijkindeling", "CODE") & codes("wijken", "wijkcode")
    assert codes("buurtindeling", "CODE") and not codes("buurtindeling", "CODE") & codes("buurten", "buurtcode")


def test_a_larger_table_for_benchmarks_keeps_the_columns(tmp_path: Path) -> None:
    out = tmp_path / "bomen.csv"
    generate("bomen", "--rows", "5000", "--out", str(out))
    lines = out.read_bytes().decode("cp1252").splitlines()
    assert len(lines) == 5001
    assert lines[0] == (REPO / "data" / "bomen.csv").read_bytes().decode("cp1252").splitlines()[0]
