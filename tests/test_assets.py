"""Front-end libraries are served from our own server, from a fixed list only."""

from __future__ import annotations

import pytest
import requests

from service.web.assets import ASSETS, missing_assets

pytestmark = pytest.mark.slow


def test_every_listed_asset_is_installed() -> None:
    assert missing_assets() == [], "run: npm ci --prefix service/web/static"


@pytest.mark.parametrize("name", ["yasgui.min.js", "leaflet.css", "openbaar.css"])
def test_assets_are_served_with_caching(server, name: str) -> None:  # type: ignore[no-untyped-def]
    response = requests.get(f"{server.url}/assets/{name}", timeout=10)
    assert response.status_code == 200
    assert response.content == ASSETS[name].read_bytes()
    assert "max-age=86400" in response.headers["Cache-Control"]
    again = requests.get(f"{server.url}/assets/{name}", headers={"If-None-Match": response.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


@pytest.mark.parametrize("path", ["package.json", "node_modules/leaflet/package.json", "..%2Fassets.py", "x"])
def test_paths_outside_the_list_are_not_found(server, path: str) -> None:  # type: ignore[no-untyped-def]
    assert requests.get(f"{server.url}/assets/{path}", timeout=10).status_code == 404
