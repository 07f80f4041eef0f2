"""Linked data at its edges, on a small project built and served for real: references with reserved and
non-ASCII characters resolve, a huge literal does not make a huge page, and a re-crawl after a release that
changed a few rows finds only those resources modified (Last-Modified per resource, not per release)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from service.config import Settings
from service.publishing import build

from .conftest import Served, serve, stop
from .support.rdf import triples
from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

BASE = "https://data.groningen.nl"
#: References as people write them: a slash, a percent sign, a question mark, a hash, a plus, spaces, letters
#: beyond ASCII, and one made of reserved characters only.
REFERENCES = [
    "Station Groningen / Stationsrijwielshop Kuis",
    "100% fiets",
    "waar?",
    "rek #3",
    "65+",
    "Ebbingestraat 1",
    "Ütrechtsestraat ß é",
    "a/b/c",
    "/",
    "%2F",
]
LONG = "lang " * 200_000  # a 1 MB literal
MAPPING = """
sources:
  stallingen: [data/stallingen.csv~csv]
mappings:
  stalling:
    sources: stallingen
    s: id:stalling/$(ref)
    po:
      - [a, def:Fietsenstalling]
      - [def:identificatie, $(ref)]
      - [def:naam, $(naam), nl~lang]
      - [def:opmerking, $(opmerking), nl~lang]
"""


def _write(project: Path, changed: dict[str, str] | None = None) -> None:
    rows = []
    for i, ref in enumerate(REFERENCES):
        note = LONG if i == 0 else f"stalling {i}"
        rows.append([ref, (changed or {}).get(ref, f"Stalling {i}"), note])
    write_table(project, "stallingen", ["ref", "naam", "opmerking"], rows)
    write_mapping(project, "stallingen", MAPPING)


def iri_path(ref: str) -> str:
    """The path the mapper mints for a reference: every reserved character percent-encoded."""
    return "/id/stalling/" + quote(ref, safe="~")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path]:
    root = new_project(tmp_path_factory.mktemp("edges") / "project")
    _write(root)
    settings = Settings(project=root, home=root.parent / "home")
    build(settings)
    return settings, root


@pytest.fixture(scope="module")
def served(project: tuple[Settings, Path]) -> Iterator[Served]:
    running = serve(project[0], workers=1)
    yield running
    stop(running)


def get(served: Served, path: str, **headers: str) -> requests.Response:
    return requests.get(served.url + path, headers=headers, allow_redirects=False, timeout=60)


@pytest.mark.parametrize("ref", REFERENCES)
def test_a_reference_with_reserved_characters_resolves(served: Served, ref: str) -> None:
    path = iri_path(ref)
    redirect = get(served, path, Accept="text/turtle")
    assert redirect.status_code == 303, f"{path}: {redirect.status_code}"
    doc = redirect.headers["Location"]
    assert doc == path.replace("/id/", "/doc/", 1) + ".ttl"
    for target in (doc, doc[: -len(".ttl")] + ".nt", doc[: -len(".ttl")]):
        response = get(served, target)
        assert response.status_code == 200, f"{target}: {response.status_code}"
    subjects = {t.subject.value for t in triples(get(served, doc).content, "ttl", served.url)}
    assert BASE + path in subjects
    # The page links to the resource as minted, its reserved characters still encoded.
    page = get(served, path.replace("/id/", "/doc/", 1)).text
    assert f'href="{path.replace("/id/", "/doc/", 1)}.ttl"' in page or path.replace("/id/", "/doc/", 1) in page


def test_the_sitemap_lists_every_reference_and_each_resolves(served: Served) -> None:
    sitemap = get(served, "/sitemap/1.xml").text
    for ref in REFERENCES:
        assert f"<loc>{BASE}{iri_path(ref)}</loc>" in sitemap.replace("&amp;", "&")


def test_a_long_literal_is_cut_on_the_page_and_whole_in_rdf(served: Served) -> None:
    doc = iri_path(REFERENCES[0]).replace("/id/", "/doc/", 1)
    page = get(served, doc)
    assert page.status_code == 200
    assert len(page.content) < 100_000, f"the page is {len(page.content):,} bytes"
    assert f'href="{doc}.ttl"' in page.text, "the cut value links to the document that holds it whole"
    notes = [t.object.value for t in triples(get(served, doc + ".nt").content, "nt", served.url)]
    assert LONG in notes


def test_a_recrawl_after_a_release_finds_only_the_changed_resources_modified(
    project: tuple[Settings, Path], served: Served
) -> None:
    settings, root = project
    paths = [iri_path(ref).replace("/id/", "/doc/", 1) + ".ttl" for ref in REFERENCES]
    first = {p: get(served, p) for p in paths}
    before = {p: response.headers["Last-Modified"] for p, response in first.items()}
    time.sleep(1.1)  # Last-Modified counts whole seconds
    changed = {REFERENCES[2]: "Nieuwe naam", REFERENCES[5]: "Andere naam"}
    _write(root, changed)
    build(settings)
    modified = []
    for path in paths:
        # The client's copy is the one from before; the server answers 304 unless the resource changed.
        response = get(served, path, **{"If-Modified-Since": before[path]})
        assert response.status_code in (200, 304), f"{path}: {response.status_code}"
        if response.status_code == 200:
            modified.append(path)
            assert response.headers["Last-Modified"] != before[path]
    assert sorted(modified) == sorted(iri_path(r).replace("/id/", "/doc/", 1) + ".ttl" for r in changed)
    # A client that revalidates by ETag is answered the same way: an unchanged document keeps its ETag.
    revalidated = [p for p in paths if get(served, p, **{"If-None-Match": first[p].headers["ETag"]}).status_code == 200]
    assert sorted(revalidated) == sorted(modified)
    # The sitemap says the same: a crawler reading its lastmod fetches only the changed resources.
    sitemap = get(served, "/sitemap/1.xml").text.replace("&amp;", "&")
    lastmod = dict(re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", sitemap))
    unchanged = {lastmod[BASE + iri_path(ref)] for ref in REFERENCES if ref not in changed}
    assert len(unchanged) == 1, "the resources this release left alone keep the first release's date"
    assert all(lastmod[BASE + iri_path(ref)] not in unchanged for ref in changed)


def test_every_iri_the_release_history_mints_dereferences(served: Served) -> None:
    history = get(served, "/releases", Accept="text/turtle")
    assert history.status_code == 200
    minted = {
        term.value
        for t in triples(history.content, "ttl", served.url)
        for term in (t.subject, t.object)
        if getattr(term, "value", "").startswith(BASE + "/id/release/")
    }
    assert any("/bron/" in iri for iri in minted) and any(iri.endswith("/controlegetal") for iri in minted)
    assert any("/graph/" in iri for iri in minted)
    for iri in sorted(minted):
        path = iri[len(BASE) :]
        redirect = get(served, path, Accept="application/n-triples")
        assert redirect.status_code == 303, f"{path}: {redirect.status_code}"
        document = get(served, redirect.headers["Location"])
        assert document.status_code == 200, f"{redirect.headers['Location']}: {document.status_code}"
        assert iri in {t.subject.value for t in triples(document.content, "nt", served.url)}
        assert get(served, path.replace("/id/", "/doc/", 1)).status_code == 200  # the page too
