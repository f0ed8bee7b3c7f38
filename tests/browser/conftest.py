"""Browser tests: Playwright drives Debian's headless Chromium against the live test server."""

from __future__ import annotations

import os

import pytest

from tests.conftest import CHROMIUM, chromium_available, require

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make between
# browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    require(chromium_available(), f"Chromium ({CHROMIUM})")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "the playwright package")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    # No page may load anything from another host.
    foreign: list[str] = []
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None
        ),
    )
    yield page
    context.close()
    assert foreign == [], f"pages loaded assets from other hosts: {foreign}"
