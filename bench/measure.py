"""Run a command and measure its wall time and peak memory (RSS) without disturbing it.

The peak is the larger of: the kernel's own maximum RSS of the largest process in the tree (exact, from
wait4), and the RSS summed over the tree, sampled four times a second (for commands that run several
processes at once, such as a build with its mapper process). Sampling more often costs CPU that the
measured command would miss on a two-core machine.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss: int  # bytes

    @property
    def peak_mb(self) -> float:
        return self.peak_rss / 1e6


def measure(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Wall time and peak RSS of ``cmd``; raises with its stderr when it fails."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampled = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal sampled
        root = psutil.Process(proc.pid)
        while not done.wait(0.25):
            try:
                tree = [root, *root.children(recursive=True)]
                sampled = max(sampled, sum(p.memory_info().rss for p in tree))
            except psutil.Error:
                pass

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])}… failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    return Run(seconds, max(sampled, usage.ru_maxrss * 1024))


def ratio(ours: float, reference: float) -> str:
    return f"{ours / reference:.2f}x" if reference else "n/a"
