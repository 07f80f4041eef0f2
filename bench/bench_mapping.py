"""Mapping speed and memory: our mapper against Morph-KGC and against the floor of pure Python.

    python bench/bench_mapping.py [--rows 1000000] [--small-rows 100000] [--skip-morph]

Everything runs side by side in one run on a trees table made by data/generate.py, and the result is
printed as ratios, because the machines are shared and noisy:
  1. ours and Morph-KGC 2.10 with the same portable YARRRML mapping (bench/portable-bomen.yml) on a
     UTF-8, comma-separated copy of the table, which Morph-KGC's fast reader takes; both write the same
     N-Quads to a file, in the default graph (ours with `openbaar map --default-graph`);
  2. ours with the bundled mappings/bomen.yml (cp1252, ';', decimal commas, RD New → CRS84) against
     bench/floor_writer.py, which does the same work for that one mapping;
  3. the peak RSS of our mapper at --small-rows and at --rows, which should be the same (it streams).
Outputs go to a tmpfs where there is one (/dev/shm), for every engine alike.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pyproj import Transformer

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.measure import Run, measure, ratio  # noqa: E402
from tests.support.morphkgc import ensure_venv  # noqa: E402

VOCAB = REPO / "vocab"


def generate(rows: int, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            str(REPO / "data" / "generate.py"),
            "bomen",
            "--rows",
            str(rows),
            "--out",
            str(path),
        ],
        check=True,
    )


def portable_copy(source: Path, target: Path) -> None:
    """The same trees as UTF-8 with commas, decimal points and WGS84 columns, cleaned of bad values."""
    to_wgs84 = Transformer.from_crs("EPSG:28992", "OGC:CRS84", always_xy=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        source.open(encoding="cp1252", newline="") as f,
        target.open("w", encoding="utf-8", newline="") as out,
    ):
        reader = csv.reader(f, delimiter=";")
        writer = csv.writer(out, lineterminator="\n")
        header = next(reader)
        writer.writerow([*header[:9], "LON", "LAT"])
        for row in reader:
            if not row[0]:
                continue
            year = row[5].split(".")[0] if row[5][:4].isdigit() else ""
            diameter = row[7] if row[7].isdigit() else ""
            lon = lat = ""
            if row[9] and row[10]:
                x, y = float(row[9].replace(",", ".")), float(row[10].replace(",", "."))
                if 0 <= x <= 300000 and 289000 <= y <= 629000:
                    lo, la = to_wgs84.transform(x, y)
                    lon, lat = f"{lo:.7f}", f"{la:.7f}"
            writer.writerow([row[0], row[1], row[2], row[3], row[4], year, row[6], diameter, row[8], lon, lat])


def project(root: Path, mapping: Path) -> Path:
    """A project folder with one mapping and our vocabulary; its table goes to data/bomen.csv."""
    (root / "mappings").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    shutil.copy(mapping, root / "mappings" / "bomen.yml")
    shutil.copytree(VOCAB, root / "vocab")
    return root


def ours(root: Path, out: Path, *extra: str) -> Run:
    env = {**os.environ, "OPENBAAR_MAX_BAD_ROW_SHARE": "0.2"}
    command = ["map", "mappings/bomen.yml", "-o", str(out), *extra]
    return measure([sys.executable, "-m", "service.cli", "--project", str(root), *command], cwd=REPO, env=env)


def lines(path: Path) -> int:
    with path.open("rb") as f:
        return sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small-rows", type=int, default=100_000)
    parser.add_argument("--skip-morph", action="store_true")
    args = parser.parse_args()
    work = HERE / "out" / "mapping"
    shutil.rmtree(work, ignore_errors=True)
    rows = args.rows
    # Every engine writes its N-Quads to memory when the machine has a tmpfs, so that the mappers are
    # measured, not how fast a shared disk absorbs a gigabyte.
    work.mkdir(parents=True)
    shm = Path("/dev/shm")
    out = Path(tempfile.mkdtemp(prefix="openbaar-bench-", dir=shm if shm.is_dir() else work.parent))

    full = project(work / "full", REPO / "mappings" / "bomen.yml")
    generate(rows, full / "data" / "bomen.csv")
    small = project(work / "small", REPO / "mappings" / "bomen.yml")
    generate(args.small_rows, small / "data" / "bomen.csv")
    portable = project(work / "portable", HERE / "portable-bomen.yml")
    portable_copy(full / "data" / "bomen.csv", portable / "data" / "bomen.csv")

    results: list[tuple[str, Run, int, int]] = []

    def record(name: str, run: Run, n_rows: int, out: Path) -> None:
        results.append((name, run, n_rows, lines(out)))
        print(
            f"{name:<40} {run.seconds:7.1f} s  {n_rows / run.seconds:9,.0f} rows/s  "
            f"{run.peak_mb:7.0f} MB  {results[-1][3]:>11,} quads",
            flush=True,
        )

    record(
        "ours, portable mapping",
        ours(portable, out / "ours-portable.nq", "--default-graph"),
        rows,
        out / "ours-portable.nq",
    )
    if not args.skip_morph:
        python = ensure_venv(REPO)
        morph_out = out / "morph-portable.nq"
        started = measure(
            [
                sys.executable,
                "-c",
                "import sys; sys.path.insert(0, sys.argv[1]);"
                "from tests.support.morphkgc import run_morph_kgc; from pathlib import Path;"
                "run_morph_kgc(Path(sys.argv[2]), workdir=Path(sys.argv[3]), out=Path(sys.argv[4]),"
                " python=Path(sys.argv[5]))",
                str(REPO),
                str(portable / "mappings" / "bomen.yml"),
                str(portable),
                str(morph_out),
                str(python),
            ]
        )
        record("Morph-KGC 2.10, portable mapping", started, rows, morph_out)
    record("ours, mappings/bomen.yml", ours(full, out / "ours-full.nq"), rows, out / "ours-full.nq")
    floor = measure(
        [
            sys.executable,
            str(HERE / "floor_writer.py"),
            str(full / "data" / "bomen.csv"),
            str(out / "floor.nq"),
        ]
    )
    record("floor of pure Python (same work)", floor, rows, out / "floor.nq")
    record(
        f"ours, mappings/bomen.yml, {args.small_rows:,} rows",
        ours(small, out / "ours-small.nq"),
        args.small_rows,
        out / "ours-small.nq",
    )

    by = {name: run for name, run, _, _ in results}
    speed = {name: n / run.seconds for name, run, n, _ in results}
    print()
    if not args.skip_morph:
        print(
            f"mapper vs Morph-KGC (rows/s, same mapping):       "
            f"{ratio(speed['ours, portable mapping'], speed['Morph-KGC 2.10, portable mapping'])}  (target >= 5x)"
        )
        print(
            f"mapper vs Morph-KGC (peak RSS):                   "
            f"{ratio(by['ours, portable mapping'].peak_rss, by['Morph-KGC 2.10, portable mapping'].peak_rss)}"
        )
    print(
        f"mapper vs floor of pure Python (rows/s):          "
        f"{ratio(speed['ours, mappings/bomen.yml'], speed['floor of pure Python (same work)'])}  (target >= 0.5x)"
    )
    small_name = f"ours, mappings/bomen.yml, {args.small_rows:,} rows"
    print(
        f"mapper peak RSS at {rows:,} vs {args.small_rows:,} rows:  "
        f"{ratio(by['ours, mappings/bomen.yml'].peak_rss, by[small_name].peak_rss)}  "
        f"({by['ours, mappings/bomen.yml'].peak_mb:.0f} MB vs {by[small_name].peak_mb:.0f} MB; target: same, < 200 MB)"
    )
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
