"""Resource pages draw polygons and lines on the map, not only points (headless Chromium)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import console_errors, screenshot

pytestmark = pytest.mark.slow


def drawn_paths(browser, url: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(d, fill) of each shape Leaflet drew on the page's map."""
    browser.get(url)
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#map[data-drawn='1']")))
    assert not browser.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile")
    assert console_errors(browser) == []
    paths = browser.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    return [(p.get_attribute("d") or "", p.get_attribute("fill") or "") for p in paths]


def test_a_buurt_page_draws_its_real_polygon(server, browser) -> None:  # type: ignore[no-untyped-def]
    (shape,) = drawn_paths(browser, f"{server.url}/doc/buurt/BU00140402")
    d, fill = shape
    assert d.count("L") > 10 and d.rstrip().endswith("z"), d[:80]  # a closed ring of many vertices
    assert fill != "none"
    screenshot(browser, "map-buurt-polygon")


def test_a_camera_line_page_draws_a_line(server, browser) -> None:  # type: ignore[no-untyped-def]
    (shape,) = drawn_paths(browser, f"{server.url}/doc/cameratoezichtlijn/73e")
    d, fill = shape
    assert "L" in d and not d.rstrip().endswith("z") and "a" not in d, d[:80]  # open, and not a circle
    assert fill == "none"
    screenshot(browser, "map-camera-line")


def test_a_camera_area_page_draws_a_polygon(server, browser) -> None:  # type: ignore[no-untyped-def]
    (shape,) = drawn_paths(browser, f"{server.url}/doc/cameratoezichtgebied/7c4")
    assert shape[0].rstrip().endswith("z")
