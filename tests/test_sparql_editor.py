"""The editor in a real headless Chromium, and the example queries at /queries over real HTTP."""

from __future__ import annotations

import csv
import io
import time
from urllib.parse import urlparse

import pytest
import rdflib
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from service.config import Settings
from service.web.sparql import examples

from .conftest import REPO, Served

pytestmark = pytest.mark.slow

TYPED = (
    "SELECT ?wijk ?naam WHERE { ?wijk a <https://data.groningen.nl/def/Wijk> ; "
    "<https://data.groningen.nl/def/naam> ?naam } ORDER BY ?naam"
)


def _result_rows(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [row.text for row in driver.find_elements(By.CSS_SELECTOR, ".yasr table tbody tr")]


def _only_our_server(driver, server: Served) -> None:  # type: ignore[no-untyped-def]
    """Every script, style, font and request the page made went to this server: it works offline."""
    hosts = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    ours = urlparse(server.url).netloc
    foreign = [h for h in hosts if urlparse(h).scheme in ("http", "https") and urlparse(h).netloc != ours]
    assert foreign == []


def test_typing_a_query_and_running_it_shows_rows(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    from tests.support.browser import console_errors, screenshot

    browser.get(server.url + "/sparql?lang=en")
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    console_errors(browser)
    editor = browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror")
    editor.click()
    area = browser.find_element(By.CSS_SELECTOR, ".yasqe .CodeMirror textarea")
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(TYPED)
    typed = browser.execute_script("return window.openbaarYasgui.getTab().getYasqe().getValue()")
    # The editor closes brackets as one types; whatever it added, it must still be our query.
    assert typed.startswith("SELECT ?wijk ?naam WHERE {")
    browser.execute_script("window.openbaarYasgui.getTab().getYasqe().setValue(arguments[0])", TYPED)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    WebDriverWait(browser, 60).until(lambda d: len(_result_rows(d)) >= 5)
    rows = _result_rows(browser)
    screenshot(browser, "sparql-editor")
    assert any("wijk" in row for row in rows)
    assert not [e for e in console_errors(browser) if "favicon" not in e]
    _only_our_server(browser, server)


def test_an_example_opens_in_the_editor_and_runs_with_one_click(server: Served, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(server.url + "/queries/boomsoorten?lang=en")
    browser.find_element(By.CSS_SELECTOR, "a.button").click()
    WebDriverWait(browser, 60).until(lambda d: len(_result_rows(d)) >= 5)
    value = browser.execute_script("return window.openbaarYasgui.getTab().getYasqe().getValue()")
    assert "def:boomsoort" in value
    _only_our_server(browser, server)


# --- /queries over HTTP --------------------------------------------------------------------------------


def test_every_example_file_has_titles_a_dataset_and_runs(server: Served) -> None:
    settings = Settings(project=REPO)
    found = examples.load(settings)
    datasets = {path.stem for path in settings.mappings_dir.glob("*.yml")}
    assert {e.dataset for e in found} == datasets  # every dataset has at least one
    for example in found:
        assert example.titles.keys() == {"nl", "en"} and example.dataset in datasets
        fmt = "turtle" if example.form == "graph" else "json"
        r = requests.get(f"{server.url}/queries/{example.name}", params={"format": fmt}, timeout=60)
        assert r.status_code == 200, (example.name, r.text)
        if fmt == "json":
            assert r.json()["results"]["bindings"], example.name
        else:
            assert len(rdflib.Graph().parse(data=r.text, format="turtle")) > 0


@pytest.mark.parametrize(
    ("fmt", "media"),
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_example_results_in_every_format(server: Served, fmt: str, media: str) -> None:
    r = requests.get(f"{server.url}/queries/boomsoorten", params={"format": fmt}, timeout=60)
    assert r.status_code == 200 and r.headers["Content-Type"].split(";")[0] == media
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) == 20 and int(rows[0]["aantal"]) >= int(rows[-1]["aantal"])


def test_example_by_accept_header_and_as_text(server: Served) -> None:
    r = requests.get(f"{server.url}/queries/wijk-beschrijving", headers={"Accept": "application/n-triples"}, timeout=60)
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert len(rdflib.Graph().parse(data=r.text, format="nt")) > 10
    text = requests.get(f"{server.url}/queries/boomsoorten", params={"format": "rq"}, timeout=30)
    assert text.headers["Content-Type"].startswith("application/sparql-query") and "SELECT" in text.text
    page = requests.get(f"{server.url}/queries/boomsoorten", headers={"Accept": "text/html"}, timeout=30)
    assert page.headers["Content-Type"].startswith("text/html") and "/sparql?query=" in page.text
    listing = requests.get(f"{server.url}/queries", timeout=30)
    assert listing.status_code == 200 and "/queries/terrassen" in listing.text


def test_unknown_example_is_404(server: Served) -> None:
    for name in ("nope", "..%2f..%2fetc%2fpasswd", "Boomsoorten"):
        assert requests.get(f"{server.url}/queries/{name}", timeout=30).status_code == 404


def test_example_results_are_cached_and_revalidated(server: Served) -> None:
    url = f"{server.url}/queries/afval-per-fractie?format=json"
    first = requests.get(url, timeout=60)
    time.sleep(0.05)
    again = requests.get(url, headers={"If-None-Match": first.headers["ETag"]}, timeout=60)
    assert again.status_code == 304
