"""Every surface a withheld value could leak to, collected as text for a leak test to search.

Add a surface here when it appears (dumps are covered already: every file of the release directory
except the store's own files is read; the store itself is read back through SPARQL over every graph).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlparse

import requests

from service.config import Settings
from service.releases import live_release

#: The pages every leak test reads, besides those linked from them.
START_PAGES = ("/", "/register")
#: RDF views of the register, by ?format=.
REGISTER_FORMATS = ("ttl", "jsonld", "nt")
_HREF = re.compile(r'href="([^"#]+)"')
_LOC = re.compile(r"<loc>([^<]+)</loc>")
_PAGE = 5000
#: Every resource's document is read in these forms (the other RDF formats carry the same statements).
DOCUMENT_FORMATS = ("", ".ttl", ".trig")


def release_files(settings: Settings) -> Iterator[tuple[str, str]]:
    """Every file of the live release (the manifest, and dumps once they are written there), not the store."""
    release = live_release(settings)
    assert release is not None, "no live release"
    for path in sorted(release.path.rglob("*")):
        if path.is_file() and not path.is_relative_to(release.store_path):
            data = path.read_bytes()
            if path.suffix == ".gz":  # dumps are gzipped: search what a reader gets out of them
                data = gzip.decompress(data)
            yield str(path), data.decode("utf-8", "replace")


def report_files(settings: Settings) -> Iterator[tuple[str, str]]:
    """The build reports: the summary and every issue line."""
    for path in sorted(settings.reports_dir.glob("*")):
        if path.is_file():
            yield str(path), path.read_text(encoding="utf-8", errors="replace")


def pages(url: str, slugs: list[str]) -> Iterator[tuple[str, str]]:
    """The start pages, the register page of each dataset in HTML and RDF, and every local page they link to."""
    seen: set[str] = set()
    queue = [*START_PAGES, *(f"/register/{slug}" for slug in slugs)]
    queue += [f"/register?format={f}" for f in REGISTER_FORMATS]
    queue += [f"/register/{slug}?format={f}" for slug in slugs for f in REGISTER_FORMATS]
    first_level = set(queue)
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = requests.get(url + path, timeout=30)
        yield f"GET {path} ({response.status_code})", response.text
        if path not in first_level or "text/html" not in response.headers.get("Content-Type", ""):
            continue
        for href in _HREF.findall(response.text):
            target = urlparse(urljoin(url + path, href))
            if target.netloc == urlparse(url).netloc and not target.path.startswith("/assets/"):
                queue.append(target.path + (f"?{target.query}" if target.query else ""))


def documents(url: str, public_base: str) -> Iterator[tuple[str, str]]:
    """The sitemap, and the document of every /id/ resource it lists, as a page and in RDF."""
    sitemaps = [f"{url}/sitemap.xml"]
    while sitemaps:
        response = requests.get(sitemaps.pop(0), timeout=30)
        yield f"GET sitemap ({response.status_code})", response.text
        for loc in _LOC.findall(response.text):
            path = loc[len(public_base) :] if loc.startswith(public_base) else urlparse(loc).path
            if path.startswith("/sitemap"):
                sitemaps.append(url + path)
                continue
            for form in DOCUMENT_FORMATS:
                doc = path.replace("/id/", "/doc/", 1) + form
                page = requests.get(url + doc, timeout=30)
                assert page.status_code == 200, (doc, page.status_code)
                yield f"GET {doc}", page.text


def sparql_everything(
    url: str, shapes: tuple[str, ...] = ("GRAPH ?g { ?s ?p ?o }", "?s ?p ?o")
) -> Iterator[tuple[str, str]]:
    """Every quad of every named graph and of the default graph, through the public endpoint, a page at a time."""
    for shape in shapes:
        offset = 0
        while True:
            query = f"SELECT * WHERE {{ {shape} }} LIMIT {_PAGE} OFFSET {offset}"
            response = requests.get(
                url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=60
            )
            assert response.status_code == 200, response.text[:500]
            yield f"SPARQL {shape} from {offset}", response.text
            rows = response.text.count("\n") - 1
            if rows < _PAGE:
                break
            offset += _PAGE


def every_surface(settings: Settings, url: str, slugs: list[str], *extra: tuple[str, str]) -> list[tuple[str, str]]:
    """(where, text) for every published surface; ``extra`` adds captured build output and server logs."""
    return [
        *release_files(settings),
        *report_files(settings),
        *pages(url, slugs),
        *documents(url, settings.public_base),
        *sparql_everything(url),
        *extra,
    ]


def leaks(surfaces: list[tuple[str, str]], secrets: set[str]) -> list[str]:
    """Where each secret was found; empty when none leaked."""
    return [f"{secret!r} in {where}" for where, text in surfaces for secret in secrets if secret in text]


def project_with(root: Path, vocab: Path) -> Path:
    """A project folder with our vocabulary and empty data/ and mappings/, for a test's own tables."""
    import shutil

    shutil.copytree(vocab, root / "vocab")
    (root / "data").mkdir()
    (root / "mappings").mkdir()
    return root
