"""The mapper process of a build: N-Quads on stdout, progress and the outcome as JSON lines on a pipe.

Running the mapper in its own process lets it use one core while the store's bulk loader uses the
other; the build overlaps mapping with loading instead of doing one after the other.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import IO, Any, BinaryIO, Protocol

from ..errors import OpenbaarError
from ..mapping.materialize import Options, materialize
from ..mapping.plan import Entailment
from ..mapping.report import Report
from ..mapping.yarrrml import parse_mapping
from .guards import GUARDS


class _Sink(Protocol):
    """Where the N-Quads go: the loader's pipe, or that and the dump writer's together (``_Tee``)."""

    def write(self, data: bytes, /) -> object: ...

    def flush(self) -> object: ...


def run(job: dict[str, Any], out: _Sink, events: IO[str]) -> int:
    """Map every dataset of the job; 0 when all went well, 2 when the data or a mapping is at fault."""

    def emit(**event: Any) -> None:
        events.write(json.dumps(event) + "\n")
        events.flush()

    project = Path(job["project"])
    entailment = Entailment(**job["entailment"]) if job.get("entailment") else None
    options = Options(
        graph_base=job["graph_base"],
        chunk_rows=job["chunk_rows"],
        max_bad_row_share=job["max_bad_row_share"],
        id_base=job["id_base"],
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
                mappings, options=options, report=report, guards=GUARDS, entailment=entailment, progress=progress
            ):
                out.write(chunk)
            out.flush()
        except OpenbaarError as exc:
            emit(event="error", message=str(exc), tables=[t.as_dict() for t in report.tables.values()])
            return 2
        emit(event="done", tables=[t.as_dict() for t in report.tables.values()], issues=report.total)
    return 0


class _Tee:
    """Every chunk to the loader and to the dump writer (``job["tee"]``), in the same order."""

    def __init__(self, *files: BinaryIO) -> None:
        self.files = files

    def write(self, data: bytes) -> None:
        for f in self.files:
            f.write(data)

    def flush(self) -> None:
        for f in self.files:
            f.flush()


def main() -> None:
    job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    events = os.fdopen(int(sys.argv[2]), "w", encoding="utf-8")
    # Open the output first: the loader is waiting on the other end of it.
    with open(job["output"], "wb", buffering=1 << 20) as out:
        tee = open(job["tee"], "wb", buffering=1 << 20) if job.get("tee") else None  # noqa: SIM115
        try:
            code = run(job, _Tee(out, tee) if tee else out, events)
        except BrokenPipeError:
            code = 1
        finally:
            if tee is not None:
                try:
                    tee.close()
                except BrokenPipeError:
                    code = 1
    events.close()
    sys.exit(code)


if __name__ == "__main__":
    main()
