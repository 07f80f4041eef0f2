"""The municipality's real 2017 exports, published as they come with one mapping file each."""

from __future__ import annotations

import hashlib

import pyoxigraph as ox
import pytest
import requests
from rdflib import DCAT, DCTERMS, Graph, URIRef

from service.config import Settings

from .conftest import REPO, Served

BASE = "https://data.groningen.nl"
#: Git blob ids of the files as published by the municipality (its repository at 36bb014a, 2017-11-20).
BLOBS = {
    "wijkindeling.csv": "bc0ed521f3b96a4fc786705e7e911810ab99e08e",
    "buurtindeling.csv": "c52eeee433680f95a26ecb1a37170f68ecb699d5",
    "onth_verg_drank_en_horeca.csv": "44308baca9aa3e2bef87c9c90d1a2f56b39a2c3c",
    "slaapopvang_en_methadon.csv": "fabda45e9f8fbcda44cecd2416097777b0f5f495",
    "cameratoezicht_vlak.csv": "01542568068cc45b6174e0a204d7669d11d51852",
    "cameratoezicht_lijn.csv": "abb2b7dba51fed4086bb9ba9acd0200d61aad18f",
}
REAL = ["wijken-buurten", "drank-horecabesluiten", "slaapopvang-methadonposten", "cameratoezicht"]
LICENCE = URIRef(
    "https://definities.geostandaarden.nl/dcat-ap-nl/id/waardelijst/licenties/naamsvermelding_gelijkdelen30"
)
CRS84 = "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"


@pytest.mark.parametrize("name", sorted(BLOBS))
def test_the_exports_are_bundled_unchanged(name: str) -> None:
    data = (REPO / "data" / name).read_bytes()
    assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == BLOBS[name]


@pytest.mark.parametrize("slug", REAL)
def test_each_real_dataset_is_one_mapping_file_and_no_code(slug: str) -> None:
    files = [p for p in (REPO / "mappings").iterdir() if p.stem == slug]
    assert [p.suffix for p in files] == [".yml"]
    assert "generate" not in files[0].read_text(encoding="utf-8").split("sources:")[1]


def store(built: Settings) -> ox.Store:
    return ox.Store.read_only(str((built.home / "live").resolve() / "store"))


def count(s: ox.Store, query: str) -> int:
    (row,) = list(
        s.query(
            "PREFIX def: <https://data.groningen.nl/def/> PREFIX geo: <http://www.opengis.net/ont/geosparql#> " + query,
            use_default_graph_as_union=True,
        )
    )
    return int(row[0].value)


SHAPES = (
    "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a def:{cls} ; geo:hasGeometry/geo:asWKT ?w . "
    "FILTER (STRSTARTS(STR(?w), '{crs} {kind}')) }}"
)


@pytest.mark.parametrize(
    ("cls", "kind", "n"),
    [
        ("Wijk", "POLYGON", 15),
        ("Buurt", "POLYGON", 112),
        ("DrankHorecabesluit", "POINT", 1527),
        ("Hulpverleningslocatie", "POINT", 4),
        ("Cameratoezichtgebied", "POLYGON", 11),
        ("Cameratoezichtlijn", "LINESTRING", 10),
    ],
)
def test_real_tables_publish_their_rows_and_shapes(built: Settings, cls: str, kind: str, n: int) -> None:
    assert count(store(built), SHAPES.format(cls=cls, crs=CRS84, kind=kind)) == n


def test_the_real_wijken_and_buurten_replace_the_generated_ones(built: Settings) -> None:
    s = store(built)
    names = list(
        s.query(
            f"SELECT ?n WHERE {{ <{BASE}/id/wijk/WK001407> <{BASE}/def/naam> ?n }}", use_default_graph_as_union=True
        )
    )
    assert [r[0].value for r in names] == ["Zuidwest"]  # one name per wijk: the 2017 one
    # A buurt lies in the wijk its CBS code names.
    link = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{BASE}/id/buurt/BU00140402> def:ligtInWijk <{BASE}/id/wijk/WK001404> }}"
    assert count(s, link) == 1


def test_within_uses_the_real_boundaries(built: Settings) -> None:
    query = (REPO / "mappings" / "queries" / "hulpverlening-per-buurt.rq").read_text(encoding="utf-8")
    rows = {r["adres"].value: r["buurtnaam"].value for r in store(built).query(query, use_default_graph_as_union=True)}
    assert len(rows) == 4
    assert rows["Schoolstraat 11, 9712 JP Groningen"] == "Binnenstad-Noord"


def test_their_catalogue_records_state_the_licence_and_the_attribution(server: Served) -> None:
    g = Graph().parse(data=requests.get(f"{server.url}/catalog?format=ttl", timeout=60).text, format="turtle")
    for slug in REAL:
        dataset = URIRef(f"{BASE}/id/dataset/{slug}")
        distributions = list(g.objects(dataset, DCAT.distribution))
        assert distributions and all((d, DCTERMS.license, LICENCE) in g for d in distributions), slug
        texts = [str(o) for o in g.objects(dataset, DCTERMS.description)]
        assert len(texts) == 2 and all("Gemeente Groningen" in t and "CC BY-SA 3.0 NL" in t for t in texts), slug


def test_generated_datasets_keep_their_own_licence(server: Served) -> None:
    g = Graph().parse(data=requests.get(f"{server.url}/catalog?format=ttl", timeout=60).text, format="turtle")
    dataset = URIRef(f"{BASE}/id/dataset/bomen")
    assert not any((d, DCTERMS.license, LICENCE) in g for d in g.objects(dataset, DCAT.distribution))


def test_the_register_lists_left_out_columns_apart_from_exceptions(server: Served) -> None:
    page = requests.get(f"{server.url}/register/cameratoezicht", timeout=30)
    assert page.status_code == 200
    html = page.text
    assert "Weggelaten kolommen (geen uitzondering)" in html
    assert (
        "Kolom &#39;LvlDesc&#39; niet gepubliceerd: leeg" in html or "Kolom 'LvlDesc' niet gepubliceerd: leeg" in html
    )
    assert "Voor deze dataset geldt geen uitzondering" in html  # no Woo exception
    g = Graph().parse(data=requests.get(f"{server.url}/register/cameratoezicht?format=ttl", timeout=30).text)
    left_out = set(g.objects(URIRef(f"{BASE}/id/dataset/cameratoezicht"), URIRef(f"{BASE}/def/nietGepubliceerd")))
    assert len(left_out) == 3
    assert all((u, URIRef(f"{BASE}/def/reden"), None) in g for u in left_out)
