"""End to end: the bundled data built into a real on-disk store, queried, rebuilt, broken and rolled back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from service.config import Settings
from service.errors import BuildError
from service.publishing import build
from service.releases import list_releases, live_release, live_release_id, rollback

from .conftest import REPO, built_copy, serve, stop

pytestmark = pytest.mark.slow  # builds releases or starts servers

GEO = "http://www.opengis.net/ont/geosparql#"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
MAPPINGS = sorted(p.stem for p in (REPO / "mappings").glob("*.yml"))


def store_of(settings: Settings) -> ox.Store:
    release = live_release(settings)
    assert release is not None
    return ox.Store.read_only(str(release.store_path))


def select(store: ox.Store, query: str) -> list[dict[str, str]]:
    """Rows of a SELECT over the union of the named graphs, as the endpoint answers it."""
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: row[n].value for n in names if row[n] is not None} for row in result]  # type: ignore[union-attr]


def test_every_bundled_dataset_has_its_own_graph(built: Settings) -> None:
    release = live_release(built)
    assert release is not None
    assert sorted(release.manifest["datasets"]) == MAPPINGS
    for slug in MAPPINGS:
        assert release.manifest["graphs"][f"{built.graph_base}{slug}"] > 0
    for side in ("vocab", "catalog", "inferred"):
        assert release.manifest["graphs"][f"{built.graph_base}{side}"] > 0


def test_at_least_five_bundled_datasets_with_hundreds_of_rows(built: Settings) -> None:
    release = live_release(built)
    assert release is not None
    assert len(MAPPINGS) >= 5
    rows: dict[str, int] = {}
    for table in release.manifest["tables"]:
        rows[table["dataset"]] = rows.get(table["dataset"], 0) + table["rows"]
    # The real 2017 exports are small as they come (4 care posts, 21 camera shapes); five others are large.
    assert sum(n >= 100 for n in rows.values()) >= 5, rows


def test_a_release_directory_holds_only_its_store_manifest_and_dumps(built: Settings) -> None:
    release = live_release(built)
    assert release is not None
    # search.sqlite: the search and sitemap index (service/search.py); catalog.nt: the validated catalogue;
    # dumps/: the release's downloads (service/publishing/dumps.py); modified.sqlite: when each resource last
    # changed (service/modified.py).
    expected = ["catalog.nt", "dumps", "modified.sqlite", "release.json", "search.sqlite", "store"]
    assert sorted(p.name for p in release.path.iterdir()) == expected


def test_manifest_records_source_checksums(built: Settings) -> None:
    release = live_release(built)
    assert release is not None
    for dataset in release.manifest["datasets"].values():
        assert dataset["sources"]
        policy = dataset["policy"]
        for source in dataset["sources"]:
            assert (REPO / source["file"]).is_file()
            if policy["dataset"] is not None:  # withheld whole: no checksum confirms a guessed file
                assert "sha256" not in source and "published_sha256" not in source
            elif policy["columns"] or policy["rows"] or policy["aggregates"]:
                # a file with withheld content: only a checksum of what was published from it
                assert "sha256" not in source and len(source["published_sha256"]) == 64
            else:
                assert len(source["sha256"]) == 64


def test_store_answers_a_query_per_dataset(built: Settings) -> None:
    store = store_of(built)
    rows = select(store, "SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?g")
    counts = {r["g"]: int(r["n"]) for r in rows}
    for slug in MAPPINGS:
        assert counts[f"{built.graph_base}{slug}"] > 0


def test_every_geometry_has_a_source_crs_form_and_a_crs84_form(built: Settings) -> None:
    store = store_of(built)
    rows = select(
        store,
        f"""
        SELECT ?geom (COUNT(?wkt) AS ?n) (SUM(IF(STRSTARTS(STR(?wkt), "<{CRS84}>"), 1, 0)) AS ?crs84)
        WHERE {{ ?geom <{GEO}asWKT> ?wkt }} GROUP BY ?geom""",
    )
    assert rows, "the bundled data has geometries"
    assert all(int(r["n"]) == 2 and int(r["crs84"]) == 1 for r in rows)


def test_crs84_geometries_work_with_geosparql_functions(built: Settings) -> None:
    store = store_of(built)
    groningen = "POLYGON((6.4 53.1, 6.8 53.1, 6.8 53.35, 6.4 53.35, 6.4 53.1))"
    rows = select(
        store,
        f"""
        PREFIX geo: <{GEO}> PREFIX geof: <http://www.opengis.net/def/function/geosparql/>
        SELECT (COUNT(*) AS ?n) WHERE {{
          ?g geo:asWKT ?wkt FILTER(STRSTARTS(STR(?wkt), "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"))
          FILTER(geof:sfWithin(?wkt, "{groningen}"^^geo:wktLiteral)) }}""",
    )
    assert int(rows[0]["n"]) > 100


def test_inferred_graph_holds_entailed_types_and_the_dataset_graphs_do_not(built: Settings) -> None:
    store = store_of(built)
    inferred = f"{built.graph_base}inferred"
    rows = select(
        store,
        f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{inferred}> {{ ?s a <{GEO}Feature> }} }}""",
    )
    assert int(rows[0]["n"]) > 100
    asserted = select(
        store,
        f"""
        SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s a <{GEO}Feature> }} FILTER(?g != <{inferred}>) }}""",
    )
    assert int(asserted[0]["n"]) == 0


def test_municipality_is_the_tooi_iri(built: Settings) -> None:
    store = store_of(built)
    tooi = "https://identifier.overheid.nl/tooi/id/gemeente/gm0014"
    assert bool(store.query(f"ASK {{ GRAPH ?g {{ ?s ?p <{tooi}> }} }}"))


def test_subjects_are_minted_under_id_with_one_concept_per_dataset(built: Settings) -> None:
    store = store_of(built)
    rows = select(
        store,
        f"""
        SELECT DISTINCT ?g ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
          FILTER(STRSTARTS(STR(?g), "{built.graph_base}") && STRSTARTS(STR(?s), "{built.id_base}")) }}""",
    )
    owner: dict[str, str] = {}
    for r in rows:
        concept = r["s"][len(built.id_base) :].split("/", 1)[0]
        if r["g"].endswith(("/catalog", "/vocab", "/inferred")):
            continue
        assert owner.setdefault(concept, r["g"]) == r["g"], f"id/{concept}/ minted in two graphs"


def test_build_twice_gives_the_same_triples(built: Settings, tmp_path: Path) -> None:
    again = Settings(project=REPO, home=tmp_path / "again")
    build(again)
    first, second = store_of(built), store_of(again)
    graphs = [f"{built.graph_base}{g}" for g in [*MAPPINGS, "vocab", "catalog", "inferred"]]
    for graph in graphs:
        a = {str(q) for q in first.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
        b = {str(q) for q in second.quads_for_pattern(None, None, None, ox.NamedNode(graph))}
        assert a == b, graph


@pytest.fixture
def project(built: Settings, tmp_path: Path) -> Settings:
    return built_copy(built, tmp_path, keep_releases=2)


def break_mapping(settings: Settings, old: str, new: str) -> Path:
    path = sorted(settings.mappings_dir.glob("*.yml"))[0]
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_failed_build_leaves_the_previous_release_serving(project: Settings) -> None:
    before = live_release_id(project)
    served = serve(project, workers=1)
    try:
        path = break_mapping(project, "$(", "$(NO_SUCH_COLUMN_")
        with pytest.raises(BuildError) as failure:
            build(project)
        assert path.name in "\n".join(failure.value.problems)
        assert "NO_SUCH_COLUMN_" in "\n".join(failure.value.problems)
        assert live_release_id(project) == before
        response = requests.get(
            served.url + "/sparql",
            params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=10,
        )
        assert response.status_code == 200
        assert response.json()["boolean"] is True
        assert response.headers["X-Openbaar-Release"] == before
    finally:
        stop(served)
    assert not [p for p in project.releases_dir.iterdir() if p.name.startswith(".staging")]


def test_a_build_failing_while_mapping_removes_its_new_store(project: Settings) -> None:
    before = live_release_id(project)
    strict = project.replace(max_bad_row_share=0.0)
    tables = live_release(project).manifest["tables"]  # type: ignore[union-attr]
    if not any(t["bad_rows"] and t["rows"] >= 20 for t in tables):
        pytest.fail("the bundled data should plant a few bad values")
    with pytest.raises(BuildError, match="rows"):
        build(strict)
    assert live_release_id(project) == before
    assert len(list_releases(project)) == 1
    assert not [p for p in project.releases_dir.iterdir() if p.name.startswith(".staging")]
    summaries = sorted(project.reports_dir.glob("*.json"))
    assert json.loads(summaries[-1].read_text())["status"] == "failed"


def test_two_datasets_minting_the_same_concept_fail_the_build(project: Settings) -> None:
    first, second = sorted(project.mappings_dir.glob("*.yml"))[:2]
    shutil.copy(first, project.mappings_dir / "kopie.yml")
    with pytest.raises(BuildError) as failure:
        build(project)
    assert any("already minted" in p for p in failure.value.problems)
    assert second.exists()


def test_releases_are_kept_to_n_and_rollback_restores_the_previous(project: Settings) -> None:
    first = live_release_id(project)
    build(project)
    second = live_release_id(project)
    build(project)
    third = live_release_id(project)
    assert len({first, second, third}) == 3
    assert [r.id for r in list_releases(project)] == [second, third]
    assert rollback(project).id == second
    assert live_release_id(project) == second


def test_bundled_exports_are_read_with_their_quirks(built: Settings) -> None:
    """cp1252 and ';' (bomen, fietsenstallingen), BOM and an index column (horeca), day-first dates,
    integers written as floats, postcodes with and without a space, decimal commas in coordinates."""
    store = store_of(built)
    d = "https://data.groningen.nl/def/"
    accents = select(store, f'SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{d}straatnaam> ?v FILTER(REGEX(?v, "[éëè]")) }}')
    assert int(accents[0]["n"]) > 0
    postcodes = select(store, f"SELECT DISTINCT ?p WHERE {{ ?s <{d}postcode> ?p }}")
    assert postcodes and all(len(r["p"]) == 6 and " " not in r["p"] for r in postcodes)
    dates = select(store, f"SELECT ?v WHERE {{ ?s <{d}datumAanvraag> ?v }}")
    assert dates and all(len(r["v"]) == 10 and r["v"][4] == "-" for r in dates)
    seats = select(store, f"SELECT ?v WHERE {{ ?s <{d}aantalZitplaatsen> ?v }}")
    assert seats and all("." not in r["v"] for r in seats)
    columns = select(store, "SELECT ?p WHERE { ?s ?p ?o } GROUP BY ?p")
    assert not any(r["p"].endswith(("/aanvrager", "/")) for r in columns), "withheld and index columns stay out"


def test_every_rejected_value_is_in_the_report_with_file_row_and_column(built: Settings) -> None:
    from service.mapping.report import read_issues

    release = live_release(built)
    assert release is not None
    issues = read_issues(built.reports_dir / release.manifest["issues_file"])
    bad_rows = {(i.file, i.row) for i in issues if i.level != "note"}
    assert len(bad_rows) == sum(t["bad_rows"] for t in release.manifest["tables"])
    onbekend = [i for i in issues if "Onbekend" in i.reason or "onbekend" in i.reason]
    assert onbekend, "the bundled tables plant 'Onbekend' in numeric columns"
    for issue in issues:
        assert issue.file.startswith("data/") and issue.row >= 1 and issue.column and issue.reason
