"""The board /metrics reads the query processes from: what one server process posts, another reads, and
entries of processes that ended unseen go (so pid labels never pile up)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from service.query.board import ProcessBoard


def child() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])


def test_states_posted_by_one_board_are_read_by_another_over_the_shared_folder(tmp_path: Path) -> None:
    idle, busy = child(), child()
    try:
        posting, reading = ProcessBoard(tmp_path), ProcessBoard(tmp_path)
        posting.ready(idle.pid)
        before = time.time()
        posting.evaluating(busy.pid)
        states = {s.pid: s for s in reading.states()}
        assert set(states) == {idle.pid, busy.pid}
        assert states[idle.pid].evaluating_since is None and states[idle.pid].server_pid == os.getpid()
        assert before <= (states[busy.pid].evaluating_since or 0) <= time.time()
        assert states[busy.pid].nice == os.getpriority(os.PRIO_PROCESS, busy.pid)
        posting.ready(busy.pid)
        assert [s.evaluating_since for s in reading.states()] == [None, None]
        posting.gone(idle.pid)
        assert [s.pid for s in reading.states()] == [busy.pid]
    finally:
        for process in (idle, busy):
            process.kill()
            process.wait()


def test_processes_that_ended_unseen_or_are_not_children_of_their_poster_are_dropped(tmp_path: Path) -> None:
    board = ProcessBoard(tmp_path)
    ended = child()
    board.ready(ended.pid)
    ended.kill()
    ended.wait()
    board.ready(1)  # alive, but not a child of this process: a reused pid, or a worker's orphan
    assert board.states() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_without_a_shared_folder_the_board_lives_in_the_process() -> None:
    board, process = ProcessBoard(None), child()
    try:
        board.evaluating(process.pid)
        (state,) = board.states()
        assert state.pid == process.pid and state.evaluating_since is not None
    finally:
        process.kill()
        process.wait()
    assert board.states() == []
