"""Resource pages and search in headless Chromium: label, map without tiles, incoming links, no console errors."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import console_errors, screenshot

pytestmark = pytest.mark.slow


def test_tree_page_shows_label_map_and_incoming_links(server, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{server.url}/id/boom/100008?lang=nl")
    assert browser.current_url.endswith("/doc/boom/100008?lang=nl")
    assert browser.find_element(By.TAG_NAME, "h1").text == "boom 100008"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    assert "Plataan" in browser.find_element(By.CSS_SELECTOR, "section.statements").text
    # The map is drawn from the CRS84 geometry on a blank map: no tile server is contacted.
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "#map[data-drawn='1']")))
    assert browser.find_elements(By.CSS_SELECTOR, "#map path.leaflet-interactive")
    assert not browser.find_elements(By.CSS_SELECTOR, "#map img.leaflet-tile")
    incoming = browser.find_element(By.CSS_SELECTOR, "section.incoming")
    assert "Hoornse Plas" in incoming.text
    assert console_errors(browser) == []
    screenshot(browser, "linked-tree")


def test_search_finds_a_tree_by_its_species_name(server, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{server.url}/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("Plataan")
    box.submit()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "ol.results li a")))
    first = browser.find_element(By.CSS_SELECTOR, "ol.results li a")
    assert first.get_attribute("href").split(server.url)[-1].startswith("/doc/boom/")
    screenshot(browser, "linked-search")
    first.click()
    WebDriverWait(browser, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, "section.statements")))
    assert "Plataan" in browser.find_element(By.CSS_SELECTOR, "section.statements").text
    assert console_errors(browser) == []


def test_pages_fit_a_phone_and_switch_to_english(server, browser) -> None:  # type: ignore[no-untyped-def]
    browser.set_window_size(390, 844)
    try:
        for path in ("/", "/doc/buurt/BU00140106", "/doc/dataset/horecavergunningen", "/def/Boom"):
            browser.get(server.url + path)
            assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), path
            assert browser.title
        screenshot(browser, "linked-phone-term")
        browser.get(f"{server.url}/doc/boom/100008?lang=en")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        assert browser.find_element(By.TAG_NAME, "h1").text == "tree 100008"
        assert console_errors(browser) == []
        screenshot(browser, "linked-phone-tree-en")
    finally:
        browser.set_window_size(1280, 900)
