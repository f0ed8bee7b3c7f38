"""Browser tests: Playwright drives Debian's headless Chromium against the live test server."""

from __future__ import annotations

import os
import re

import pytest

from tests import factories
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


def _open_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
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
    # Chromium reports what the Content-Security-Policy blocked as a console error, and a feature
    # of the Permissions-Policy it does not know as a warning: the pages must work under both.
    refused: list[str] = []
    page.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if (m.type == "error" and "Security Policy" in m.text)
            or (m.type in {"error", "warning"} and "Permissions-Policy" in m.text)
            else None
        ),
    )
    yield page
    context.close()
    assert foreign == [], f"pages loaded assets from other hosts: {foreign}"
    assert refused == [], f"the browser refused parts of pages: {refused}"


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def page_without_csp(browser, live_server):
    """For a test that injects its own inline script (axe-core), which the site's
    Content-Security-Policy rightly refuses. Only such a test may use it: every other browser
    test runs under the policy, to prove the pages work with it."""
    yield from _open_page(browser, live_server, bypass_csp=True)


def log_in(page, email, password=factories.PASSWORD):
    """Log `page` in as `email` (whoever it was logged in as before is logged out first)."""
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
