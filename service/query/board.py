"""Which query processes are alive and which are evaluating, since when: what /metrics tells operators.

Each server process posts the state of its own query processes; any server process's /metrics reads
them all. Under ``openbaar serve`` the board is a folder in the shared metrics folder, one small file
per query process (prometheus_client's multiprocess files cannot drop a label, and a pid label must
go when its process does). Without a shared folder (one process) it is a dict. Entries of processes
that are gone, or no longer children of the server process that posted them, are dropped when read.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ..config import shared_metrics_dir

#: The board's folder inside the shared metrics folder (prometheus_client reads only ``*.db`` at its top).
FOLDER = "query-processes"


@dataclass(frozen=True)
class QueryProcessState:
    """One live query process as the operating system and its server process see it now."""

    pid: int
    server_pid: int
    #: When it started evaluating its current query (Unix time), or None while idle.
    evaluating_since: float | None
    #: Its CPU priority: 0, or 19 once lowered to make way for other queries.
    nice: int


class ProcessBoard:
    """Query processes' states, posted by the server process that runs them."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._posted: dict[int, tuple[int, float | None]] = {}
        self._lock = threading.Lock()
        if folder is not None:
            folder.mkdir(exist_ok=True)

    @classmethod
    def for_server(cls) -> ProcessBoard:
        """Shared by all server processes when ``openbaar serve`` set up a metrics folder; else private."""
        shared = shared_metrics_dir()
        return cls(Path(shared) / FOLDER if shared else None)

    def ready(self, pid: int) -> None:
        """The query process started and waits for a query."""
        self._post(pid, None)

    def evaluating(self, pid: int) -> None:
        """The query process was just given a query."""
        self._post(pid, time.time())

    def gone(self, pid: int) -> None:
        """The query process ended (closed, killed at the deadline, or died)."""
        if self.folder is None:
            with self._lock:
                self._posted.pop(pid, None)
        else:
            with contextlib.suppress(OSError):
                (self.folder / str(pid)).unlink()

    def _post(self, pid: int, since: float | None) -> None:
        server = os.getpid()
        if self.folder is None:
            with self._lock:
                self._posted[pid] = (server, since)
            return
        draft = self.folder / f".{pid}"
        with contextlib.suppress(OSError):  # a full disk costs the metric, never the query
            draft.write_text(f"{server} {'-' if since is None else repr(since)}\n")
            draft.replace(self.folder / str(pid))  # readers see the old line or the new one, never half

    def states(self) -> list[QueryProcessState]:
        """Every posted query process still alive under its server process, by pid."""
        found = []
        for pid, (server, since) in sorted(self._read().items()):
            seen = _process(pid)
            if seen is None or seen[0] != server:
                self.gone(pid)  # ended unseen (its server process was killed), or the pid was reused
                continue
            found.append(QueryProcessState(pid, server, since, seen[1]))
        return found

    def _read(self) -> dict[int, tuple[int, float | None]]:
        if self.folder is None:
            with self._lock:
                return dict(self._posted)
        posted: dict[int, tuple[int, float | None]] = {}
        for entry in os.scandir(self.folder):
            if entry.name.startswith("."):
                continue
            with contextlib.suppress(OSError, ValueError):
                server, since = Path(entry.path).read_text().split()
                posted[int(entry.name)] = (int(server), None if since == "-" else float(since))
        return posted


def _process(pid: int) -> tuple[int, int] | None:
    """The parent pid and nice value of a live (not zombie) process, from /proc; None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command name: state, ppid, …; nice is field 19 of proc(5), the 17th after the name.
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[1]), int(fields[16])
