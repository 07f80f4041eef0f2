"""/releases publishes checksums only of what is published: never of a withheld dataset's or column's source."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import requests

from service.config import Settings
from service.publishing import build

from .conftest import serve, stop
from .support.tinyproject import new_project, write_mapping, write_table

pytestmark = pytest.mark.slow

ENTRY = 'ground: "5.1(2)e", motivation: "Proef.", since: 2024-01-01'


def body(name: str, po: str = "      - [def:identificatie, $(id)]\n") -> str:
    return f"""
sources:
  {name}: [data/{name}.csv~csv]
mappings:
  {name}:
    sources: {name}
    s: id:{name}/$(id)
    po:
      - [a, def:Boom]
{po}"""


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_releases_publish_no_checksum_of_a_withheld_source(tmp_path: Path) -> None:
    project = new_project(tmp_path / "project")
    write_table(project, "open", ["id"], [["O1"], ["O2"]])
    write_table(project, "geheim", ["id", "naam"], [["G1", "tkgeheim"]])
    write_table(project, "deels", ["id", "naam"], [["D1", "tkeerste"]])
    write_mapping(project, "open", body("open"))
    write_mapping(project, "geheim", body("geheim"), f"policy:\n  dataset: {{{ENTRY}}}\n")
    write_mapping(project, "deels", body("deels"), f"policy:\n  withheld:\n    - {{column: naam, {ENTRY}}}\n")
    settings = Settings(project=project, home=tmp_path / "home")
    data = project / "data"
    withheld = {digest(data / "geheim.csv"), digest(data / "deels.csv")}
    build(settings)
    # Only withheld content changes: the secret dataset's table and the withheld column.
    write_table(project, "geheim", ["id", "naam"], [["G1", "tkanders"]])
    write_table(project, "deels", ["id", "naam"], [["D1", "tktweede"]])
    withheld |= {digest(data / "geheim.csv"), digest(data / "deels.csv")}
    build(settings)
    served = serve(settings, workers=1)
    try:
        pages = {
            form: requests.get(
                served.url + "/releases",
                params={"format": form} if form else None,
                headers={"Accept": "text/html"} if not form else None,
                timeout=30,
            ).text
            for form in ("", "ttl", "jsonld", "nt")
        }
    finally:
        stop(served)
    manifests = "".join(p.read_text() for p in settings.releases_dir.glob("*/release.json"))
    for where, text in [*pages.items(), ("manifests", manifests)]:
        assert not [sha for sha in withheld if sha in text], f"a withheld source's checksum in {where or 'html'}"
    assert digest(data / "open.csv") in pages["ttl"], "a source published as a whole keeps its checksum"
    assert "data/geheim.csv" not in pages[""] and "data/deels.csv" not in pages[""], (
        "a change of withheld content only must not show as a changed source"
    )
