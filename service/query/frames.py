"""Length-prefixed messages between a server process and its query processes, over their pipes.

marshal carries only plain values (str, bytes, int, float, bool, None, lists, dicts), which is all we send.
"""

from __future__ import annotations

import marshal
import os
import select
import struct
import time
from typing import IO, Any, BinaryIO

_HEADER = struct.Struct(">I")


class PipeClosed(EOFError):
    """The other side went away (it exited, crashed or was killed)."""


class TimedOut(TimeoutError):
    """Nothing complete arrived before the given moment."""


def write_frame(stream: IO[bytes], message: dict[str, Any]) -> None:
    payload = marshal.dumps(message)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def read_frame(stream: BinaryIO) -> dict[str, Any] | None:
    """Blocking read for the query process; None when the server closed the pipe."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        return None
    return marshal.loads(payload)


class FrameReader:
    """Reads frames from a pipe descriptor, waiting at most until a given monotonic time."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._buffer = bytearray()

    def _fill(self, size: int, until: float) -> None:
        while len(self._buffer) < size:
            wait = until - time.monotonic()
            if wait <= 0:
                raise TimedOut
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                raise TimedOut
            chunk = os.read(self.fd, max(65536, size - len(self._buffer)))
            if not chunk:
                raise PipeClosed
            self._buffer += chunk

    def read(self, until: float) -> dict[str, Any]:
        self._fill(_HEADER.size, until)
        (size,) = _HEADER.unpack_from(self._buffer)
        self._fill(_HEADER.size + size, until)
        payload = bytes(self._buffer[_HEADER.size : _HEADER.size + size])
        del self._buffer[: _HEADER.size + size]
        return marshal.loads(payload)
