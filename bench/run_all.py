"""Every benchmark in one command, and one table of its ratios against the targets.

    python -m bench.run_all [--full] [--only doc sparql ...] [--skip-morph]

Small sizes by default (a run of about a quarter of an hour on two cores); ``--full`` uses each benchmark's
own defaults (the sizes the figures in bench/README.md were measured at). Each benchmark runs as its own
process, its output is shown as it comes, and every line that states a ratio and its target is collected.
A benchmark that fails is named in the table; the others still run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

#: name → (script, arguments at small sizes); --full drops the arguments.
BENCHMARKS: dict[str, tuple[str, list[str]]] = {
    "mapping": ("bench_mapping.py", ["--rows", "200000", "--small-rows", "20000"]),
    "policy": ("bench_policy.py", ["--rows", "50000"]),
    "sparql": ("bench_sparql.py", ["--rows", "20000", "--points", "1500"]),
    "doc": ("bench_doc.py", ["--rows", "20000", "--requests", "2000"]),
    "servers": ("bench_servers.py", ["--rows", "20000", "--requests", "2000"]),
    "point-parts": ("bench_point_parts.py", ["--rows", "20000", "--queries", "1000"]),
    "build": ("bench_build.py", ["--rows", "100000"]),
    "catalogue": ("bench_catalogue.py", ["--datasets", "7", "50", "--repeat", "1"]),
}

_RATIO = re.compile(r"(\d+(?:\.\d+)?)x")
_TARGET = re.compile(r"target:?\s*(>=|<=|<|>)\s*(\d+(?:\.\d+)?)x")


@dataclass(frozen=True)
class Figure:
    benchmark: str
    what: str
    ratio: float | None
    target: str
    met: str


def figures(benchmark: str, output: str) -> list[Figure]:
    """The lines of a benchmark's output that name a target, with the ratio each states."""
    found = []
    for line in output.splitlines():
        if "target" not in line:
            continue
        target = _TARGET.search(line)
        ratios = _RATIO.findall(line[: line.index("target")])
        value = float(ratios[-1]) if ratios else None
        what = re.split(r"\s{2,}|:|\|| ours ", line.strip(), maxsplit=1)[0].strip()
        if target is None or value is None:
            found.append(Figure(benchmark, what, value, line[line.index("target") :].strip(" ()"), "see output"))
            continue
        op, bound = target.group(1), float(target.group(2))
        met = {">=": value >= bound, "<=": value <= bound, "<": value < bound, ">": value > bound}[op]
        found.append(Figure(benchmark, what, value, f"{op} {bound:g}x", "met" if met else "NOT MET"))
    return found


def run(name: str, full: bool, extra: list[str]) -> tuple[str, int]:
    """Run one benchmark, echoing its output; returns (output, exit code)."""
    script, small = BENCHMARKS[name]
    command = [sys.executable, str(HERE / script), *([] if full else small), *extra]
    print(f"\n== {name}: {' '.join(['bench/' + script, *command[2:]])}", flush=True)
    proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    assert proc.stdout is not None
    for line in proc.stdout:
        print(line, end="", flush=True)
        lines.append(line)
    return "".join(lines), proc.wait()


def table(rows: list[Figure], failed: list[str]) -> str:
    out = ["| benchmark | figure | ratio | target | |", "|---|---|---|---|---|"]
    for f in rows:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else "-"
        out.append(f"| {f.benchmark} | {f.what} | {ratio} | {f.target} | {f.met} |")
    out += [f"| {name} | the benchmark failed (see its output above) | - | - | FAILED |" for name in failed]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="each benchmark's own (full) sizes")
    parser.add_argument("--only", nargs="+", choices=list(BENCHMARKS), help="run only these")
    parser.add_argument("--skip-morph", action="store_true", help="leave Morph-KGC out of the mapping benchmark")
    args = parser.parse_args()
    rows: list[Figure] = []
    failed: list[str] = []
    for name in args.only or list(BENCHMARKS):
        extra = ["--skip-morph"] if name == "mapping" and args.skip_morph else []
        output, code = run(name, args.full, extra)
        rows += figures(name, output)
        if code != 0:
            failed.append(name)
    print("\n" + table(rows, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
