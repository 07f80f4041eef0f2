"""Safe counts per cell: small cells suppressed with complementary suppression, or CBS-style random rounding.

A cube over the ``by`` columns, with the totals over every dimension, is protected as a whole: every
line of the cube (the cells along one dimension and their total) has either no suppressed entry or at
least two whose sum is not itself small, so no suppressed cell follows from a total and its neighbours,
whether the totals are published here or elsewhere.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterable
from dataclasses import dataclass

#: A cell key: one value per dimension, None for "the total over this dimension".
Key = tuple[str | None, ...]


@dataclass
class Cube:
    dimensions: tuple[str, ...]
    values: list[list[str]]
    counts: dict[Key, int]
    suppressed: set[Key]

    def lines(self) -> Iterable[tuple[list[Key], Key]]:
        """Each line: the keys along one dimension, and the key of their total."""
        for d, values in enumerate(self.values):
            others = [[*v, None] if i != d else [None] for i, v in enumerate(self.values)]
            for total in itertools.product(*others):
                yield [(*total[:d], v, *total[d + 1 :]) for v in values], total


def build_cube(dimensions: tuple[str, ...], cells: dict[tuple[str, ...], int]) -> Cube:
    """Counts for every combination of the observed values (zeros included) and every total."""
    values = [sorted({key[d] for key in cells}) for d in range(len(dimensions))]
    counts: dict[Key, int] = {}
    for observed in itertools.product(*values):
        counts[observed] = cells.get(observed, 0)
    for key, n in list(counts.items()):
        for mask in itertools.product((False, True), repeat=len(dimensions)):
            if any(mask):
                total = tuple(None if m else k for m, k in zip(mask, key, strict=True))
                counts[total] = counts.get(total, 0) + n
    return Cube(dimensions, values, counts, set())


def suppress(cube: Cube, threshold: int) -> None:
    """Suppress every entry below ``threshold``, then add complementary suppressions until every line is safe."""
    counts, hidden = cube.counts, cube.suppressed
    hidden.update(k for k, n in counts.items() if n < threshold)
    changed = bool(hidden)
    while changed:
        changed = False
        for members, total in cube.lines():
            while _unsafe(members, total, counts, hidden, threshold):
                candidates = [k for k in members if k not in hidden]
                if candidates:
                    # The smallest neighbour costs the least information; prefer one that adds to the sum.
                    pick = min(candidates, key=lambda k: (counts[k] == 0, counts[k], k))
                elif total not in hidden:
                    pick = total
                else:
                    break
                hidden.add(pick)
                changed = True


def _unsafe(members: list[Key], total: Key, counts: dict[Key, int], hidden: set[Key], threshold: int) -> bool:
    gone = [k for k in members if k in hidden]
    if total in hidden:
        return len(gone) == 0 or (len(gone) == 1 and len(members) > 1)
    if not gone:
        return False
    # With the total known, the hidden entries' sum is known: it must be two or more, and not small.
    return len(gone) < 2 or sum(counts[k] for k in gone) < threshold


def random_round(value: int, base: int, seed: str) -> int:
    """Round to a multiple of ``base``, up with probability remainder/base, as CBS does ("aselect afronden").

    The draw is seeded by the cell, so every release rounds a cell the same way and averaging releases
    reveals nothing.
    """
    low, rest = divmod(value, base)
    if not rest:
        return value
    draw = random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")).random()
    return (low + (draw < rest / base)) * base


def protected_rows(
    dimensions: tuple[str, ...],
    cells: dict[tuple[str, ...], int],
    *,
    threshold: int,
    rounding: int,
    totals: dict[str, str],
    seed: str,
) -> tuple[list[tuple[str, ...]], int]:
    """The published table (dimension values, then the count; "" where suppressed) and the number suppressed."""
    cube = build_cube(dimensions, cells)
    if threshold:
        suppress(cube, threshold)
    published_totals = {dimensions.index(d) for d in totals}
    rows = []
    for key in sorted(cube.counts, key=lambda k: tuple((v is None, v or "") for v in k)):
        if any(v is None and d not in published_totals for d, v in enumerate(key)):
            continue
        labels = tuple(totals[dimensions[d]] if v is None else v for d, v in enumerate(key))
        if key in cube.suppressed:
            count = ""
        elif rounding:
            count = str(random_round(cube.counts[key], rounding, f"{seed}\x00{labels}"))
        else:
            count = str(cube.counts[key])
        rows.append((*labels, count))
    return rows, len(cube.suppressed)
