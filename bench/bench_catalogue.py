"""The cost of checking the catalogue against the official DCAT-AP / DCAT-AP-NL shapes at build time,
against our own shapes alone (the check every build made before).

    python bench/bench_catalogue.py [--datasets 7 50 200] [--repeat 3]

The catalogue is described as a build describes it (three dumps per dataset); --datasets copies the
bundled mappings under new names to reach each size. It prints, per size, the best of --repeat runs
in CPU seconds (the machine may be shared, so CPU time is the fairer figure) and wall seconds, and
the ratio of the two checks. The shapes are parsed before timing: a build parses them once.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from rdflib import Graph  # noqa: E402

from service.catalog import check_catalogue  # noqa: E402
from service.catalog.official import PROFILES, official_shapes  # noqa: E402
from service.config import Settings  # noqa: E402
from tests.support.catalogues import bundled_mappings, described  # noqa: E402


def catalogue(settings: Settings, size: int) -> Graph:
    """The bundled mappings copied under new names up to ``size`` datasets, described as a build does."""
    bundled = bundled_mappings(settings)
    mappings = [
        dataclasses.replace(bundled[i % len(bundled)], slug=f"{bundled[i % len(bundled)].slug}-{i}")
        for i in range(size)
    ]
    return described(settings, mappings)


def best(graph: Graph, official: bool, repeat: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds), the best of ``repeat`` checks."""
    cpu, wall = [], []
    for _ in range(repeat):
        c, w = time.process_time(), time.perf_counter()
        problems = check_catalogue(graph, official=official).problems
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
        assert not problems, problems[:5]
    return min(cpu), min(wall)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, nargs="+", default=[7, 50, 200])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(project=REPO)
    for profile in PROFILES:
        official_shapes(profile)
    print("| datasets | triples | own shapes (CPU s / wall s) | own + official (CPU s / wall s) | ratio (CPU) |")
    print("|---|---|---|---|---|")
    for size in args.datasets:
        graph = catalogue(settings, size)
        own = best(graph, False, args.repeat)
        both = best(graph, True, args.repeat)
        print(
            f"| {size} | {len(graph)} | {own[0]:.2f} / {own[1]:.2f} | {both[0]:.2f} / {both[1]:.2f} "
            f"| {both[0] / own[0]:.1f}x |"
        )


if __name__ == "__main__":
    main()
