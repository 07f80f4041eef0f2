"""A real remote SPARQL engine on loopback: Oxigraph's own server (the ``oxigraph`` package) over a release."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import requests


def start_oxigraph(store: Path, port: int, timeout_s: float) -> subprocess.Popen[bytes]:
    """``oxigraph serve-read-only`` on 127.0.0.1:port, ready to answer; its own timeout a little past ours."""
    binary = shutil.which("oxigraph")
    if binary is None:
        raise RuntimeError("the oxigraph server is not installed: run sh tests/setup.sh (the test extra has it)")
    arguments = ["--location", str(store), "--bind", f"127.0.0.1:{port}", "--timeout-s", str(int(timeout_s) + 1)]
    process = subprocess.Popen(
        [binary, "serve-read-only", *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("oxigraph serve-read-only exited at start")
        try:
            requests.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1)
            return process
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("oxigraph serve-read-only did not answer within 30 s")


def stop_oxigraph(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
