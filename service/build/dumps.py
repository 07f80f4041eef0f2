"""Gzipped dumps of a release: per dataset N-Triples, N-Quads and Turtle, and the whole release.

Each graph is streamed out of the store once per syntax (serialised in Rust); the stream is cut at
line ends into blocks that are gzipped in parallel threads (zlib frees the GIL), each block a gzip
member, so the files are ordinary multi-member gzip. N-Quads is the N-Triples stream with the graph
name added to each line, and the whole-release files are the per-graph files joined end to end.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

from .. import store as stores
from ..catalog.facts import DUMP_FORMATS, DUMPS_DIR, FULL_DUMP, DumpFile

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


class _BlockSink:
    """The binary file-like object the store writes into; hands whole lines to the outputs."""

    def __init__(self, pool: ThreadPoolExecutor, outputs: list[_Output]) -> None:
        self.pool, self.outputs = pool, outputs
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= BLOCK:
            cut = self.buffer.rfind(b"\n") + 1
            if cut:
                self._emit(bytes(self.buffer[:cut]))
                del self.buffer[:cut]
        return len(data)

    def flush(self) -> None:
        """The store flushes at the end; blocks are emitted on size or at close."""

    def _emit(self, block: bytes) -> None:
        for output in self.outputs:
            output.submit(self.pool, block)

    def close(self) -> None:
        if self.buffer:
            self._emit(bytes(self.buffer))
            self.buffer.clear()


def _with_graph(graph: str) -> Transform:
    """N-Triples lines end in " .\\n" (a newline inside a literal is escaped), so the graph goes before it."""
    suffix = f" <{graph}> .\n".encode()
    return lambda block: block.replace(b" .\n", suffix)


def _dump_graph(
    store: Any, pool: ThreadPoolExecutor, graph: str, stem: Path, level: int, turtle: bool
) -> dict[str, tuple[int, str]]:
    outputs = {
        "nt": _Output(stem.with_name(f"{stem.name}.{DUMP_FORMATS['nt'].suffix}"), level, None),
        "nq": _Output(stem.with_name(f"{stem.name}.{DUMP_FORMATS['nq'].suffix}"), level, _with_graph(graph)),
    }
    sink = _BlockSink(pool, list(outputs.values()))
    stores.dump_graph(store, sink, "ntriples", graph)
    sink.close()
    done = {fmt: out.close() for fmt, out in outputs.items()}
    if turtle:
        out = _Output(stem.with_name(f"{stem.name}.{DUMP_FORMATS['ttl'].suffix}"), level, None)
        sink = _BlockSink(pool, [out])
        stores.dump_graph(store, sink, "turtle", graph)
        sink.close()
        done["ttl"] = out.close()
    return done


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


def write_dumps(
    store: Any, release_dir: Path, datasets: dict[str, str], others: list[str], *, level: int = 3
) -> list[DumpFile]:
    """Dump each dataset graph (slug → graph IRI), then the whole release including ``others``."""
    folder = release_dir / DUMPS_DIR
    folder.mkdir()
    files: list[DumpFile] = []
    parts: dict[str, list[Path]] = {"nt": [], "nq": []}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for slug, graph in datasets.items():
            for fmt, (size, sha) in _dump_graph(store, pool, graph, folder / slug, level, turtle=True).items():
                name = f"{slug}.{DUMP_FORMATS[fmt].suffix}"
                files.append(DumpFile(name, slug, fmt, DUMP_FORMATS[fmt].media_type, size, sha))
                if fmt in parts:
                    parts[fmt].append(folder / name)
        for i, graph in enumerate(others):
            stem = folder / f".part-{i}"
            _dump_graph(store, pool, graph, stem, level, turtle=False)
            for fmt in parts:
                parts[fmt].append(stem.with_name(f"{stem.name}.{DUMP_FORMATS[fmt].suffix}"))
    for fmt, paths in parts.items():
        name = f"{FULL_DUMP}.{DUMP_FORMATS[fmt].suffix}"
        size, sha = _concatenate(paths, folder / name)
        files.append(DumpFile(name, None, fmt, DUMP_FORMATS[fmt].media_type, size, sha))
    for leftover in folder.glob(".part-*"):
        leftover.unlink()
    return files
