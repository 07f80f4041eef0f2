"""Gzipped dumps of a release: per dataset N-Triples, N-Quads and Turtle, and the whole release.

N-Triples and N-Quads are made from a copy of the mapper's N-Quads stream (the worker tees it), as it
is loaded: no second pass over the store. The stream is cut at line ends into blocks, split by graph,
and each block is gzipped in a thread (zlib frees the GIL) as one gzip member, so the files are
ordinary multi-member gzip; the whole-release files are the per-graph files joined end to end.
The dumps keep the mapper's lexical forms (``"3.0"^^xsd:decimal``), where the store writes its
canonical ones (``"3"``): the same values.
Turtle needs subjects grouped and prefixes, so it is serialised from the store, for datasets up to
``turtle_max`` triples (a big one would cost a pass over the store as long as the load).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from .. import store as stores
from ..catalog.facts import DUMP_FORMATS, FULL_DUMP, DumpFile
from ..prefixes import WELL_KNOWN

BLOCK = 4 << 20
#: Blocks in flight per output: bounds memory to a few tens of megabytes.
IN_FLIGHT = 4

Transform = Callable[[bytes], bytes]


class _Output:
    """One gzip file written in order from blocks compressed out of order."""

    def __init__(self, path: Path, level: int, transform: Transform | None) -> None:
        self.path, self.level, self.transform = path, level, transform
        self.file: BinaryIO = path.open("wb")
        self.sha = hashlib.sha256()
        self.size = 0
        self.pending: deque[Future[bytes]] = deque()

    def compress(self, block: bytes) -> bytes:
        data = self.transform(block) if self.transform else block
        packer = zlib.compressobj(self.level, zlib.DEFLATED, 31)
        return packer.compress(data) + packer.flush()

    def submit(self, pool: ThreadPoolExecutor, block: bytes) -> None:
        self.pending.append(pool.submit(self.compress, block))
        while len(self.pending) > IN_FLIGHT or (self.pending and self.pending[0].done()):
            self._write(self.pending.popleft().result())

    def _write(self, member: bytes) -> None:
        self.file.write(member)
        self.sha.update(member)
        self.size += len(member)

    def close(self) -> tuple[int, str]:
        while self.pending:
            self._write(self.pending.popleft().result())
        self.file.close()
        return self.size, self.sha.hexdigest()


class _Lines:
    """Collects written bytes and hands whole lines, in blocks, to ``emit``."""

    def __init__(self, emit: Callable[[bytes], None]) -> None:
        self.emit = emit
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        while len(self.buffer) >= BLOCK:
            # Cut by content, not by how the pipe delivered it, so the same data gives the same files.
            cut = self.buffer.rfind(b"\n", 0, BLOCK) + 1 or self.buffer.find(b"\n") + 1
            if not cut:
                break
            self.emit(bytes(self.buffer[:cut]))
            del self.buffer[:cut]
        return len(data)

    def flush(self) -> None:
        """The store flushes at the end; blocks are emitted on size or at close."""

    def close(self) -> None:
        if self.buffer:
            self.emit(bytes(self.buffer))
            self.buffer.clear()


def _suffix(graph: str) -> bytes:
    """N-Quads lines end in "<graph> .\\n"; a newline inside a literal is always escaped."""
    return f" <{graph}> .\n".encode()


class StreamDumps:
    """Reads the mapper's tee'd N-Quads from a FIFO in a thread and writes per-graph nt.gz and nq.gz."""

    def __init__(self, fifo: Path, folder: Path, graphs: dict[str, str], level: int) -> None:
        #: graph IRI → file stem (dataset slug, or a hidden part name for the inferred graph).
        self.graphs, self.folder, self.level = graphs, folder, level
        self.folder.mkdir(exist_ok=True)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="dump-gzip")
        self.outputs: dict[str, tuple[_Output, _Output]] = {}
        self.error: BaseException | None = None
        self.fifo = fifo
        self.thread = threading.Thread(target=self._run, name="dump-reader", daemon=True)
        self.thread.start()

    def _outputs(self, graph: str) -> tuple[_Output, _Output]:
        if graph not in self.outputs:
            stem = self.graphs[graph]
            suffix = _suffix(graph)
            self.outputs[graph] = (
                _Output(self.folder / f"{stem}.{DUMP_FORMATS['nq'].suffix}", self.level, None),
                _Output(
                    self.folder / f"{stem}.{DUMP_FORMATS['nt'].suffix}",
                    self.level,
                    lambda block: block.replace(suffix, b" .\n"),
                ),
            )
        return self.outputs[graph]

    def _graph_of_line(self, line: bytes) -> str:
        start = line.rindex(b" <", 0, len(line) - 2) + 2
        return line[start : line.rindex(b">")].decode()

    def _block(self, block: bytes) -> None:
        first = self._graph_of_line(block[: block.index(b"\n")])
        last = self._graph_of_line(block[block.rfind(b"\n", 0, len(block) - 1) + 1 : -1])
        present = [g for g in self.graphs if g in (first, last) or _suffix(g) in block]
        if len(present) == 1 and present[0] == first == last:
            groups = {first: block}
        else:
            lines = block.split(b"\n")
            groups = {}
            for graph in present:
                end = _suffix(graph)[:-1]
                mine = [line for line in lines if line.endswith(end)]
                if mine:
                    groups[graph] = b"\n".join(mine) + b"\n"
        for graph, data in groups.items():
            for output in self._outputs(graph):
                output.submit(self.pool, data)

    def _run(self) -> None:
        fd = os.open(self.fifo, os.O_RDONLY)
        lines = _Lines(self._block)
        try:
            while data := os.read(fd, 1 << 20):
                if self.error is None:
                    try:
                        lines.write(data)
                    except BaseException as exc:  # keep draining, or the mapper would block on the pipe
                        self.error = exc
            if self.error is None:
                lines.close()
        finally:
            os.close(fd)

    def abort(self) -> None:
        """After a failed build: end the reader (the mapper is gone), wait for the gzip threads, close files."""
        for _ in range(300):
            if not self.thread.is_alive():
                break
            with contextlib.suppress(OSError):  # a reader still waiting in open(): give it an end of file
                os.close(os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK))
            self.thread.join(0.1)
        self.pool.shutdown(wait=True, cancel_futures=True)
        for outputs in self.outputs.values():
            for output in outputs:
                output.pending.clear()
                output.file.close()

    def finish(self) -> dict[str, dict[str, tuple[int, str]]]:
        """Wait for the stream's end; (bytes, sha256) per graph and format."""
        self.thread.join()
        try:
            if self.error is not None:
                raise self.error
            return {graph: {"nq": nq.close(), "nt": nt.close()} for graph, (nq, nt) in self.outputs.items()}
        finally:
            self.pool.shutdown()


def _gzip_file(path: Path, data: bytes, level: int) -> None:
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    path.write_bytes(packer.compress(data) + packer.flush())


def _concatenate(parts: list[Path], target: Path) -> tuple[int, str]:
    """Gzip members joined end to end are one valid gzip file."""
    sha = hashlib.sha256()
    size = 0
    with target.open("wb") as out:
        for part in parts:
            with part.open("rb") as f:
                while block := f.read(1 << 20):
                    out.write(block)
                    sha.update(block)
                    size += len(block)
    return size, sha.hexdigest()


def _turtle(store: Any, graph: str, path: Path, level: int, prefixes: dict[str, str]) -> tuple[int, str]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        output = _Output(path, level, None)
        lines = _Lines(lambda block: output.submit(pool, block))
        stores.dump_graph(store, lines, "turtle", graph, prefixes)
        lines.close()
        return output.close()


def finish_dumps(
    store: Any,
    streamed: dict[str, dict[str, tuple[int, str]]],
    folder: Path,
    datasets: dict[str, str],
    stems: dict[str, str],
    extra: dict[str, bytes],
    counts: dict[str, int],
    *,
    level: int,
    turtle_max: int,
    prefixes: dict[str, str],
) -> list[DumpFile]:
    """List the per-dataset files, add Turtle, and join everything into the whole-release files.

    ``stems`` names the streamed file of each graph; ``extra`` holds N-Quads per graph that were loaded
    outside the mapper (the vocabulary, the vocabulary's own entailments).
    """
    files: list[DumpFile] = []
    parts: dict[str, list[Path]] = {"nt": [], "nq": []}
    for slug, graph in datasets.items():
        for fmt in ("nt", "nq"):
            name = f"{slug}.{DUMP_FORMATS[fmt].suffix}"
            if graph not in streamed:  # a dataset without triples still gets (empty) files
                _gzip_file(folder / name, b"", level)
            size, sha = streamed.get(graph, {}).get(fmt) or _digest(folder / name)
            files.append(DumpFile(name, slug, fmt, DUMP_FORMATS[fmt].media_type, size, sha))
            parts[fmt].append(folder / name)
        if counts.get(graph, 0) <= turtle_max:
            name = f"{slug}.{DUMP_FORMATS['ttl'].suffix}"
            size, sha = _turtle(store, graph, folder / name, level, {**WELL_KNOWN, **prefixes})
            files.append(DumpFile(name, slug, "ttl", DUMP_FORMATS["ttl"].media_type, size, sha))
    for graph, stem in stems.items():
        if graph in streamed and graph not in datasets.values():
            for fmt in parts:
                parts[fmt].append(folder / f"{stem}.{DUMP_FORMATS[fmt].suffix}")
    for i, (name, nquads) in enumerate(extra.items()):
        for fmt in parts:
            path = folder / f".extra-{i}.{DUMP_FORMATS[fmt].suffix}"
            data = nquads if fmt == "nq" else _strip(nquads, name)
            _gzip_file(path, data, level)
            parts[fmt].append(path)
    for fmt, paths in parts.items():
        name = f"{FULL_DUMP}.{DUMP_FORMATS[fmt].suffix}"
        size, sha = _concatenate(paths, folder / name)
        files.append(DumpFile(name, None, fmt, DUMP_FORMATS[fmt].media_type, size, sha))
    for leftover in [*folder.glob(".part-*"), *folder.glob(".extra-*")]:
        leftover.unlink()
    return files


def _strip(nquads: bytes, graph: str) -> bytes:
    return nquads.replace(_suffix(graph), b" .\n")


def _digest(path: Path) -> tuple[int, str]:
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()
