"""The page layout in a real browser: the stylesheet loads from our server and nothing logs an error."""

from __future__ import annotations

import pytest

from tests.support.browser import console_errors, screenshot

pytestmark = pytest.mark.slow


def test_browser_loads_our_assets_without_console_errors(server, browser) -> None:  # type: ignore[no-untyped-def]
    browser.get(f"{server.url}/assets/openbaar.css")
    assert ":root" in browser.page_source
    assert console_errors(browser) == []
    screenshot(browser, "layout-stylesheet")
