"""Query processes a server process can kill: the deadline, the concurrency limit and crash replacement.

pyoxigraph cannot cancel a running query, so each query runs in a child process that is killed at the
deadline and replaced. A query that runs longer than a moment while other queries are in flight is
lowered in CPU priority, so a flood of heavy queries leaves cheap ones quick; its priority is restored
when it ends. A heavy query alone keeps normal priority: there is nobody of ours to make way for.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

from ..config import child_environment
from .board import ProcessBoard
from .frames import FrameReader, PipeClosed, TimedOut, write_frame

log = logging.getLogger(__name__)

#: The folder holding the ``service`` package, so a query process imports the same code as its server.
#: A query still running after this long is lowered to the lowest CPU priority, once others are in flight.
DEMOTE_AFTER = 0.3
#: How often a long query checks whether others have arrived.
CROWD_CHECK = 0.1
LOW_PRIORITY = 19
SPAWN_TIMEOUT = 60.0


class Busy(RuntimeError):
    """Every query slot of this server process is taken."""


class DeadlineExceeded(TimeoutError):
    """The query ran past the deadline; its process was killed."""


class WorkerLost(RuntimeError):
    """The query process died while evaluating (killed from outside, or crashed)."""


class QueryProcess:
    """One child running ``service.query.worker``; used by one request at a time."""

    def __init__(self, store_path: str | None, board: ProcessBoard) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "service.query.worker", store_path or ""],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=child_environment(),
            close_fds=True,
        )
        self.pid, self.board = self.popen.pid, board
        self.stdin, self.stdout = _pipes(self.popen)
        self.reader = FrameReader(self.stdout.fileno())
        try:
            hello = self.reader.read(time.monotonic() + SPAWN_TIMEOUT)
        except (TimedOut, PipeClosed):
            self.kill()
            raise WorkerLost("a query process failed to start") from None
        #: How the process was cut off from the network, or None when the OS allowed no isolation.
        self.isolation: str | None = hello.get("isolation")
        self.low_priority = False
        self.last_used = time.monotonic()
        board.ready(self.pid)

    def call(
        self, request: dict[str, Any], deadline: float, crowded: Callable[[], bool] = lambda: True
    ) -> dict[str, Any]:
        """Send one query and wait for its document until ``deadline`` seconds from now."""
        self.board.evaluating(self.pid)
        started = time.monotonic()
        try:
            write_frame(self.stdin, request)
            until = started + min(DEMOTE_AFTER, deadline)
            while True:
                try:
                    reply = self.reader.read(until)
                    self.board.ready(self.pid)
                    return reply
                except TimedOut:
                    if until >= started + deadline:
                        raise
                if not self.low_priority and crowded():
                    self._set_priority(LOW_PRIORITY)
                step = started + deadline if self.low_priority else time.monotonic() + CROWD_CHECK
                until = min(step, started + deadline)
        except TimedOut:
            self.kill()
            raise DeadlineExceeded from None
        except (PipeClosed, BrokenPipeError, OSError):
            self.kill()
            raise WorkerLost("the query process stopped while evaluating") from None
        finally:
            self.last_used = time.monotonic()

    def _set_priority(self, value: int) -> bool:
        try:
            os.setpriority(os.PRIO_PROCESS, self.pid, value)
        except OSError:
            return False
        self.low_priority = value > 0
        return True

    def restore_priority(self) -> bool:
        """Back to normal priority; False when the OS does not allow it (not root), so it must retire."""
        return not self.low_priority or self._set_priority(0)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        self.board.gone(self.pid)
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(5)
        for stream in (self.stdin, self.stdout):
            with contextlib.suppress(OSError):
                stream.close()

    def close(self) -> None:
        """Ask an idle process to end (closing its input ends its loop), then make sure."""
        self.board.gone(self.pid)
        with contextlib.suppress(OSError):
            self.stdin.close()
        try:
            self.popen.wait(2)
        except subprocess.TimeoutExpired:
            self.kill()


def _pipes(popen: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    """The child's input and output pipes: never None when opened with PIPE, which ``Popen`` cannot type."""
    if popen.stdin is None or popen.stdout is None:
        raise RuntimeError("a query process was started without its pipes")
    return popen.stdin, popen.stdout


class QueryPool:
    """At most ``limit`` queries at once per server process, ``warm`` processes kept ready."""

    def __init__(self, *, warm: int, limit: int, board: ProcessBoard | None = None, idle_seconds: float = 60.0) -> None:
        self.board = board or ProcessBoard(None)
        self.warm_count, self.limit, self.idle_seconds = warm, limit, idle_seconds
        self._slots = threading.BoundedSemaphore(limit)
        self._in_flight = 0
        self._lock = threading.Lock()
        self._idle: list[QueryProcess] = []
        self._alive = 0
        self._store_path: str | None = None
        self.replaced = 0
        self._closed = False
        self._isolation = "unknown"
        atexit.register(self.close)

    def warm(self, store_path: str | None) -> None:
        """Start the warm processes in the background, so the first queries find them ready."""
        self._store_path = store_path
        threading.Thread(target=self._replenish, daemon=True, name="query-pool-warm").start()

    def _replenish(self) -> None:
        while not self._closed:
            with self._lock:
                if self._alive >= self.warm_count:
                    return
                self._alive += 1
            try:
                process = QueryProcess(self._store_path, self.board)
            except WorkerLost:
                with self._lock:
                    self._alive -= 1
                log.exception("could not start a query process")
                return
            self._started(process)
            with self._lock:
                self._idle.append(process)

    def isolation(self) -> str:
        """How the query processes are cut off from the network, 'none', or 'unknown' before one started."""
        return self._isolation

    def _started(self, process: QueryProcess) -> None:
        """Say once, loudly, when query processes run with network access."""
        found = process.isolation or "none"
        if found == "none" and self._isolation != "none":
            log.warning(
                "query processes cannot be isolated from the network here (no user or network namespaces); "
                "SERVICE is refused by the query parse check alone"
            )
        self._isolation = found

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """One of the ``limit`` query slots, wherever the query is evaluated; Busy when none is free."""
        if not self._slots.acquire(blocking=False):
            raise Busy
        with self._lock:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1
            self._slots.release()

    def crowded(self) -> bool:
        """More than one query of this server process in flight."""
        return self._in_flight > 1

    def run(self, request: dict[str, Any], store_path: str, deadline: float) -> dict[str, Any]:
        with self.slot():
            self._store_path = store_path
            process = self._take(store_path)
            try:
                reply = process.call(request, deadline, self.crowded)
            except (DeadlineExceeded, WorkerLost):
                self._lost()
                raise
            self._give_back(process)
            return reply

    def _take(self, store_path: str) -> QueryProcess:
        with self._lock:
            while self._idle:
                process = self._idle.pop()
                if process.alive():
                    return process
                self.board.gone(process.pid)
                self._alive -= 1
                self.replaced += 1
            self._alive += 1
        try:
            process = QueryProcess(store_path, self.board)
            self._started(process)
            return process
        except WorkerLost:
            with self._lock:
                self._alive -= 1
            raise

    def _give_back(self, process: QueryProcess) -> None:
        if not process.restore_priority():
            process.close()
            self._lost()
            return
        now = time.monotonic()
        retire: list[QueryProcess] = []
        with self._lock:
            self._idle.append(process)
            # Processes started for a burst above the warm count leave once they have been idle a while.
            while self._alive > self.warm_count and self._idle and now - self._idle[0].last_used > self.idle_seconds:
                retire.append(self._idle.pop(0))
                self._alive -= 1
        for old in retire:
            old.close()

    def _lost(self) -> None:
        with self._lock:
            self._alive -= 1
            self.replaced += 1
        threading.Thread(target=self._replenish, daemon=True, name="query-pool-replace").start()

    def close(self) -> None:
        self._closed = True
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()
