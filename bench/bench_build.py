"""Build speed and memory: `openbaar build` end to end against a bare pyoxigraph bulk load of the same quads.

    python bench/bench_build.py [--rows 1000000]

In one run, on a project with the bundled trees mapping over a generated table of --rows rows:
  1. `openbaar build` with inference, again without (the cost of inference), and again with
     inference but without dumps (OPENBAAR_DUMPS=false: the cost of the dumps);
  2. a bare `Store.bulk_load` (by path, with `optimize`, as the build does) of exactly the quads the
     build produced, dumped from its store beforehand.
It prints triples/s and peak RSS of each, and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.measure import Run, measure, ratio  # noqa: E402

BARE_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
store.optimize()
"""
DUMP = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], "wb") as out:
    store.dump(out, ox.RdfFormat.N_QUADS)
print(len(store))
"""


def build(project: Path, home: Path, *extra: str, env: dict[str, str] | None = None) -> Run:
    return measure(
        [
            sys.executable,
            "-m",
            "service.cli",
            "--project",
            str(project),
            "--home",
            str(home),
            "build",
            *extra,
        ],
        cwd=REPO,
        env=env,
    )


def quads(home: Path) -> int:
    manifest = json.loads((home / "live" / "release.json").read_text(encoding="utf-8"))
    return int(sum(manifest["graphs"].values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    work = HERE / "out" / "build"
    shutil.rmtree(work, ignore_errors=True)
    project = work / "project"
    (project / "mappings").mkdir(parents=True)
    shutil.copy(REPO / "mappings" / "bomen.yml", project / "mappings")
    shutil.copytree(REPO / "vocab", project / "vocab")
    (project / "data").mkdir()
    subprocess.run(
        [
            sys.executable,
            str(REPO / "data" / "generate.py"),
            "bomen",
            "--rows",
            str(args.rows),
            "--out",
            str(project / "data" / "bomen.csv"),
        ],
        check=True,
    )

    with_inference = build(project, work / "home-inference")
    n_inference = quads(work / "home-inference")
    without = build(project, work / "home-plain", "--no-inference")
    n_plain = quads(work / "home-plain")
    no_dumps = build(project, work / "home-no-dumps", env={**os.environ, "OPENBAAR_DUMPS": "false"})
    timings = json.loads((work / "home-inference" / "live" / "release.json").read_text(encoding="utf-8"))["timings"]
    dump = work / "release.nq"
    subprocess.run(
        [sys.executable, "-c", DUMP, str(work / "home-inference" / "live" / "store"), str(dump)],
        check=True,
        capture_output=True,
    )
    bare = measure([sys.executable, "-c", BARE_LOAD, str(work / "bare-store"), str(dump)])

    def line(name: str, run: Run, n: int) -> None:
        print(f"{name:<34} {run.seconds:7.1f} s  {n / run.seconds:10,.0f} quads/s  {run.peak_mb:7.0f} MB  {n:,} quads")

    line("openbaar build (inference)", with_inference, n_inference)
    line("openbaar build (no inference)", without, n_plain)
    line("openbaar build (inference, no dumps)", no_dumps, n_inference)
    line("bare bulk_load + optimize", bare, n_inference)
    print()
    print(
        f"build vs bare bulk load (quads/s):        "
        f"{ratio(n_inference / with_inference.seconds, n_inference / bare.seconds)}  (target >= 0.8x)"
    )
    print(
        f"build without dumps vs bare bulk load:    "
        f"{ratio(n_inference / no_dumps.seconds, n_inference / bare.seconds)}  (in the build with dumps: "
        f"{timings.get('dumps_wait', 0) + timings.get('dumps_finish', 0):.1f} s on dumps after the load, "
        f"{timings.get('void_wait', 0):.1f} s waiting for VoID statistics beyond the compaction)"
    )
    print(
        f"build peak RSS vs bare bulk load:         {ratio(with_inference.peak_rss, bare.peak_rss)}  "
        f"({with_inference.peak_mb:.0f} MB vs {bare.peak_mb:.0f} MB; target <= 1.2x)"
    )
    print(
        f"inference: time with / without:           {ratio(with_inference.seconds, without.seconds)}  "
        f"({n_inference - n_plain:,} inferred quads)"
    )
    stages = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
    print(f"where the build's time went (with inference): {stages}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
