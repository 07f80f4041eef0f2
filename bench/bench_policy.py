"""The cost of the privacy guard: mapping with the policy and the output scanner, against the same mapping
with the scanner switched off (the reference, made only here), and aggregation against a plain Counter.

    python bench/bench_policy.py [--rows 200000]

In one run:
  1. `openbaar map mappings/horecavergunningen.yml` over a generated table of --rows permits (free text,
     postcodes, dates: the columns the scanner looks hardest at), and the same with Scanner.scan a no-op;
  2. the Wmo person records (--rows of them) read as protected counts per buurt and provision
     (suppression included), against counting the same cells with csv + collections.Counter.
It prints rows/s and peak RSS of each, and the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.measure import Run, measure, ratio  # noqa: E402

MAP = """
import sys
from pathlib import Path
from service.config import Settings
from service.publishing.preview import map_one
if sys.argv[3] == "off":
    from service.policy import scanner
    scanner.Scanner.scan = lambda self, columns, rows, numbers: None
settings = Settings(project=Path(sys.argv[1]))
map_one(settings, Path(sys.argv[2]), "/dev/null", default_graph=True)
"""
AGGREGATE = """
import sys
from pathlib import Path
from service.mapping.yarrrml import parse_mapping
from service.publishing.guards import guarded_table
project = Path(sys.argv[1])
mapping = parse_mapping(project / "mappings" / "wmo-voorzieningen.yml", project=project,
                        id_base="https://data.groningen.nl/id/", def_base="https://data.groningen.nl/def/")
with guarded_table(mapping.sources[0], mapping) as table:
    assert len(table.rows) > 100
"""
COUNTER = """
import csv, sys
from collections import Counter
with open(sys.argv[1], encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    b, v = header.index("buurtcode"), header.index("voorziening")
    cells = Counter((row[b], row[v]) for row in reader)
assert len(cells) > 100
"""


def project(rows: int) -> Path:
    root = HERE / "out" / "policy"
    shutil.rmtree(root, ignore_errors=True)
    (root / "data").mkdir(parents=True)
    shutil.copytree(REPO / "mappings", root / "mappings")
    for name in ("horecavergunningen", "wmo-clienten"):
        out = root / "data" / f"{name}.csv"
        subprocess.run(
            [sys.executable, str(REPO / "data" / "generate.py"), name, "--rows", str(rows), "--out", str(out)],
            check=True,
        )
    return root


def python(code: str, *args: str) -> Run:
    return measure([sys.executable, "-c", code, *args], cwd=REPO)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    root = project(args.rows)
    mapping = str(root / "mappings" / "horecavergunningen.yml")
    on = python(MAP, str(root), mapping, "on")
    off = python(MAP, str(root), mapping, "off")
    aggregated = python(AGGREGATE, str(root))
    counted = python(COUNTER, str(root / "data" / "wmo-clienten.csv"))
    print(f"rows: {args.rows:,}")
    print(f"{'run':44} {'seconds':>8} {'rows/s':>10} {'peak MB':>8}")
    for name, run in (
        ("map horeca, policy + scanner", on),
        ("map horeca, scanner off (reference)", off),
        ("wmo as protected counts", aggregated),
        ("wmo cells with csv + Counter (reference)", counted),
    ):
        print(f"{name:44} {run.seconds:8.2f} {args.rows / run.seconds:10,.0f} {run.peak_mb:8.0f}")
    print(f"mapping speed with the scanner: {ratio(off.seconds, on.seconds)} of without (target >= 0.7x)")
    print(f"protected counts speed: {ratio(counted.seconds, aggregated.seconds)} of a bare Counter (target >= 0.3x)")


if __name__ == "__main__":
    main()
