"""The bundled data uses the policy for real: withheld names and shelters, safe Wmo counts, the public register."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
import requests
from rdflib import Graph, Namespace, URIRef

from .conftest import REPO
from .support.surfaces import sparql_everything

pytestmark = pytest.mark.slow

DEF = Namespace("https://data.groningen.nl/def/")
WOO = Namespace("https://data.groningen.nl/def/woo/")
DCT = Namespace("http://purl.org/dc/terms/")
ACCESS = "http://publications.europa.eu/resource/authority/access-right/"


def table(name: str) -> list[dict[str, str]]:
    with (REPO / "data" / f"{name}.csv").open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def select(url: str, query: str) -> list[dict[str, str]]:
    response = requests.get(
        url + "/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
    )
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_withheld_columns_rows_and_person_records_are_nowhere_in_the_store(server) -> None:  # type: ignore[no-untyped-def]
    facilities = table("voorzieningen")
    shelters = [r for r in facilities if r["soort"] == "vrouwenopvang"]
    assert shelters, "the bundled data has shelters to withhold"
    secrets = {r["id"] for r in shelters} | {r["naam"] for r in shelters} | {r["telefoon"] for r in shelters}
    secrets |= {f"{r['x']}" for r in shelters} | {r["contactpersoon"] for r in facilities}
    secrets |= {r["aanvrager"] for r in table("horecavergunningen")}
    wmo = table("wmo-clienten")
    secrets |= {r["bsn"] for r in wmo[:400]}
    # The default graph is the union of the named graphs on this endpoint: the named graphs cover it.
    everything = "\n".join(text for _, text in sparql_everything(server.url, ("GRAPH ?g { ?s ?p ?o }",)))
    assert "https://data.groningen.nl/id/voorziening/" in everything  # the other facilities are published
    assert sorted(s for s in secrets if s in everything) == []
    words = set(re.findall(r"[A-Za-z0-9]+", everything))  # C000001 is also inside AC000001, a container
    assert "AC000001" in words and not {r["clientnummer"] for r in wmo} & words


def test_suppressed_wmo_cells_cannot_be_recomputed_through_sparql(server) -> None:  # type: ignore[no-untyped-def]
    rows = select(
        server.url,
        """PREFIX def: <https://data.groningen.nl/def/>
        PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
        PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?code ?kind ?n WHERE {
          ?o a def:WmoTelling ; def:wmoVoorziening ?kind ; sdmx-dimension:refArea ?area .
          BIND(REPLACE(STR(?area), "^.*/", "") AS ?code)
          OPTIONAL { ?o sdmx-measure:obsValue ?n } }""",
    )
    published = {(r["code"], r["kind"]): int(r["n"]) if "n" in r else None for r in rows}
    truth = Counter((r["buurtcode"], r["voorziening"]) for r in table("wmo-clienten"))
    kinds = sorted({k for _, k in truth})
    areas = sorted({a for a, _ in truth})
    hidden = {key for key, n in published.items() if n is None and key[1] != "totaal"}
    assert hidden and all(published[(a, k)] is None for (a, k), n in truth.items() if n < 10)
    assert all(n is None or n >= 10 for n in published.values())
    # The strongest attacker: every published number, plus the exact municipal total of each kind.
    known = {key: n for key, n in published.items() if n is not None}
    known |= {("*", k): sum(truth[(a, k)] for a in areas) for k in kinds}
    known |= {("*", "totaal"): sum(truth.values())}
    lines = [([(a, k) for k in kinds], (a, "totaal")) for a in [*areas, "*"]]
    lines += [([(a, k) for a in areas], ("*", k)) for k in [*kinds, "totaal"]]
    recovered = set()
    progress = True
    while progress:
        progress = False
        for members, total in lines:
            unknown = [m for m in [*members, total] if m not in known]
            if len(unknown) == 1:
                (cell,) = unknown
                if cell == total:
                    known[cell] = sum(known[m] for m in members)
                else:
                    known[cell] = known[total] - sum(known[m] for m in members if m != cell)
                recovered.add(cell)
                progress = True
    assert recovered & hidden == set()
    for members, total in lines:  # where a total is known, the hidden cells it covers are not small together
        gone = [m for m in members if m in hidden]
        if gone and total in known:
            assert len(gone) >= 2 and sum(truth[m] for m in gone) >= 10


def test_register_pages_in_html_and_rdf(server) -> None:  # type: ignore[no-untyped-def]
    overview = requests.get(server.url + "/register", timeout=30)
    assert overview.status_code == 200 and overview.headers["Content-Type"].startswith("text/html")
    assert "Maatschappelijke voorzieningen" in overview.text and "5.1(2)h" in overview.text
    assert 'href="/register/wmo-voorzieningen"' in overview.text
    page = requests.get(server.url + "/register/voorzieningen?lang=en", timeout=30)
    assert "Rows where column &#39;soort&#39; has one of the withheld values, not published (" in page.text
    assert "vrouwenopvang" not in page.text.lower()  # the register names the column and the kind, not the value
    assert "contactpersoon" in page.text and "2024-01-01" in page.text
    turtle = requests.get(server.url + "/register/voorzieningen", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.headers["Content-Type"].startswith("text/turtle") and "Accept" in turtle.headers["Vary"]
    g = Graph().parse(data=turtle.text, format="turtle")
    dataset = URIRef("https://data.groningen.nl/id/dataset/voorzieningen")
    grounds = {g.value(e, DEF.woogrond) for e in g.objects(dataset, DEF.uitzondering)}
    assert grounds == {WOO["5-1-2-e"], WOO["5-1-2-h"]}
    jsonld = requests.get(server.url + "/register/horecavergunningen?format=jsonld", timeout=30)
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert "aanvrager" in json.dumps(jsonld.json())
    assert requests.get(server.url + "/register/bestaat-niet", timeout=30).status_code == 404
    # An unknown ?format= word is a bad parameter (400) on every route; tests/test_negotiation.py covers the rest.
    assert requests.get(server.url + "/register?format=pdf", timeout=30).status_code == 400


def test_register_is_queryable_and_grounds_resolve_in_the_vocabulary(server) -> None:  # type: ignore[no-untyped-def]
    rows = select(
        server.url,
        """PREFIX def: <https://data.groningen.nl/def/> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?dataset ?notation ?since WHERE {
          ?dataset def:uitzondering ?e . ?e def:woogrond ?g ; def:geldtVanaf ?since . ?g skos:notation ?notation }""",
    )
    found = {(r["dataset"].rsplit("/", 1)[-1], r["notation"]) for r in rows}
    assert {("horecavergunningen", "5.1(2)e"), ("voorzieningen", "5.1(2)h"), ("wmo-voorzieningen", "5.1(2)e")} <= found


def test_catalogue_access_rights_follow_the_policy(server) -> None:  # type: ignore[no-untyped-def]
    rows = select(
        server.url,
        """PREFIX dct: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?d ?access ?text WHERE { ?d a dcat:Dataset ; dct:accessRights ?access .
          OPTIONAL { ?d dct:rights ?r . ?r rdfs:label ?text FILTER(LANG(?text) = "nl") } }""",
    )
    by_slug = {r["d"].rsplit("/", 1)[-1]: r for r in rows}
    assert all(r["access"].startswith(ACCESS) for r in rows), "only EU access-right IRIs in dct:accessRights"
    assert by_slug["voorzieningen"]["access"] == ACCESS + "PUBLIC"
    assert "5.1(2)h" in by_slug["voorzieningen"]["text"] and "kolom 'soort'" in by_slug["voorzieningen"]["text"]
    assert "vrouwenopvang" not in by_slug["voorzieningen"]["text"].lower()
    assert "5.1(2)e" in by_slug["horecavergunningen"]["text"]
    assert "text" not in by_slug["bomen"]
