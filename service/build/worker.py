"""The mapper process of a build: N-Quads in segment files, progress and outcome as JSON lines on a pipe.

Running the mapper in its own process lets it use one core while the store's bulk loader uses the
other: the loader takes each finished segment while the mapper writes the next. Segments are files,
not a pipe, because the loader parses a file by path in parallel.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Any

from ..errors import OpenbaarError
from ..mapping.materialize import Options, materialize
from ..mapping.plan import Entailment
from ..mapping.report import Report
from ..mapping.yarrrml import parse_mapping


class Segments:
    """Writes N-Quads into numbered files of about ``size`` bytes, announcing each one when it is complete.

    At most ``pending`` finished segments wait on disk: past that the mapper waits for the loader.
    """

    def __init__(self, folder: Path, size: int, pending: int, announce: Any) -> None:
        self.folder, self.size, self.pending, self.announce = folder, size, pending, announce
        self.number = 0
        self.file: IO[bytes] | None = None
        self.written = 0

    def write(self, data: bytes) -> None:
        if self.file is None:
            while len(list(self.folder.glob("*.nq"))) >= self.pending:
                time.sleep(0.05)
            self.number += 1
            self.file = open(self.folder / f"{self.number:05d}.nq.part", "wb", buffering=1 << 20)  # noqa: SIM115
            self.written = 0
        self.file.write(data)
        self.written += len(data)
        if self.written >= self.size:
            self.close()

    def close(self) -> None:
        if self.file is None:
            return
        self.file.close()
        self.file = None
        part = self.folder / f"{self.number:05d}.nq.part"
        done = part.with_suffix("")
        part.rename(done)
        self.announce(str(done))


def run(job: dict[str, Any], events: IO[str]) -> int:
    """Map every dataset of the job; 0 when all went well, 2 when the data or a mapping is at fault."""

    def emit(**event: Any) -> None:
        events.write(json.dumps(event) + "\n")
        events.flush()

    project = Path(job["project"])
    entailment = Entailment(**job["entailment"]) if job.get("entailment") else None
    options = Options(
        graph_base=job["graph_base"], chunk_rows=job["chunk_rows"], max_bad_row_share=job["max_bad_row_share"]
    )
    out = Segments(
        Path(job["segments"]),
        job["segment_bytes"],
        job["segments_pending"],
        lambda path: emit(event="segment", path=path),
    )
    with open(job["issues_path"], "w", encoding="utf-8") as sink:
        report = Report(sink)
        try:
            mappings = [
                parse_mapping(Path(p), project=project, id_base=job["id_base"], def_base=job["def_base"])
                for p in job["mappings"]
            ]
            progress = lambda dataset, rows: emit(event="progress", dataset=dataset, rows=rows)  # noqa: E731
            for chunk in materialize(
                mappings, options=options, report=report, entailment=entailment, progress=progress
            ):
                out.write(chunk)
            out.close()
        except OpenbaarError as exc:
            emit(event="error", message=str(exc), tables=[t.as_dict() for t in report.tables.values()])
            return 2
        emit(event="done", tables=[t.as_dict() for t in report.tables.values()], issues=report.total)
    return 0


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    with os.fdopen(int(sys.argv[2]), "w", encoding="utf-8") as events:
        code = run(job, events)
    sys.exit(code)


if __name__ == "__main__":
    main()
