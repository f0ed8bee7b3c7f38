"""Browser tests: Playwright drives Debian's headless Chromium against the live test server."""

from __future__ import annotations

import contextlib
import os
import re
from urllib.parse import urlsplit

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


PHONE = {"width": 390, "height": 844}

# What a phone shows wrong: the document wider than the screen (a table in a scrolling region
# may be wider: the region scrolls, the page does not), and the head of a page (its title and
# buttons) overlapping the line below it. Each finding names the elements, for the message.
# And, whatever the width, what leaves a field without its own label: an id given twice (the
# label names the first), a label for an id the page does not have.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('')
    + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const placed = style => style.position === 'absolute' || style.position === 'fixed';
  // Whether a scrolling (or clipping) box holds the element. One placed absolutely escapes
  // every box up to its containing block, the nearest positioned ancestor.
  const inScrollingRegion = el => {
    let escaping = placed(getComputedStyle(el));
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (escaping && style.position === 'static') continue;
      if (style.overflowX !== 'visible') return true;
      escaping = placed(style);
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5 && !inScrollingRegion(el))
    .slice(-3).map(el => name(el) + ' ends at ' + Math.round(el.getBoundingClientRect().right));
  const overlaps = [...document.querySelectorAll('.page-head')].flatMap(head => {
    const next = head.nextElementSibling;
    if (!next || !next.getClientRects().length) return [];
    const bottom = Math.max(...[...head.children].map(c => c.getBoundingClientRect().bottom));
    const top = next.getBoundingClientRect().top;
    return top < bottom - 0.5 ? [name(next) + ' is ' + Math.round(bottom - top) + ' px under the page head'] : [];
  });
  const counted = {};
  document.querySelectorAll('[id]').forEach(el => { counted[el.id] = (counted[el.id] || 0) + 1; });
  const labels = [...Object.entries(counted)].filter(([, n]) => n > 1)
    .map(([id, n]) => 'id "' + id + '" is used ' + n + ' times')
    .concat([...document.querySelectorAll('label[for]')]
      .filter(label => !document.getElementById(label.htmlFor))
      .map(label => 'the label "' + label.textContent.trim() + '" is for "' + label.htmlFor + '", which is not on the page'));
  return {scrollWidth: document.documentElement.scrollWidth, wide, overlaps, labels};
}"""


class CheckedPage:
    """A Playwright page that also looks at every document it shows on a phone's width.

    Each load is counted as it happens; the next time the test touches the page (any attribute,
    so in the test's own flow, never racing its clicks) the document is laid out at 390 px,
    measured and its labels checked (see MEASURE), and given back its viewport. What is found is
    asserted when the page is closed, with the address, so that every browser test checks every
    page it visits."""

    def __init__(self, page) -> None:
        self.__dict__.update(_page=page, _loads=0, _measured=0, problems=[])
        self.__dict__["unchecked"] = page  # the page itself, for a step that must not measure
        page.on("load", self._loaded)

    def _loaded(self, _page) -> None:
        self.__dict__["_loads"] += 1

    def __getattr__(self, name):
        self.measure_on_a_phone()
        return getattr(self._page, name)

    def measure_on_a_phone(self) -> None:
        page = self._page
        if self._measured == self._loads or page.is_closed():
            return
        self.__dict__["_measured"] = self._loads
        from playwright.sync_api import Error

        viewport = page.viewport_size
        try:
            page.wait_for_load_state()
            page.set_viewport_size(PHONE)
            found = page.evaluate(MEASURE)
        except Error as error:
            if "destroyed" in str(error) or "navigat" in str(error):
                return  # the test has moved on to another page, whose load is measured next
            raise
        finally:
            if viewport:
                page.set_viewport_size(viewport)
        if found["scrollWidth"] > PHONE["width"]:
            self.problems.append(
                f"{page.url} is {found['scrollWidth']} px wide at {PHONE['width']}: {found['wide']}"
            )
        self.problems.extend(f"{page.url}: {problem}" for problem in found["overlaps"])
        if not urlsplit(page.url).path.startswith("/admin/"):
            # The admin's own markup is Django's: its script replaces a filter_horizontal
            # select, whose label is left naming the select that was there.
            self.problems.extend(f"{page.url}: {problem}" for problem in found["labels"])


def _open_page(browser, live_server, **context_options):
    context = browser.new_context(base_url=live_server.url, **context_options)
    raw = context.new_page()
    raw.set_default_timeout(15_000)
    # No page may load anything from another host.
    foreign: list[str] = []
    raw.on(
        "request",
        lambda r: (
            foreign.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None
        ),
    )
    # Chromium reports what the Content-Security-Policy blocked as a console error, and a feature
    # of the Permissions-Policy it does not know as a warning: the pages must work under both.
    refused: list[str] = []
    raw.on(
        "console",
        lambda m: (
            refused.append(m.text)
            if (m.type == "error" and "Security Policy" in m.text)
            or (m.type in {"error", "warning"} and "Permissions-Policy" in m.text)
            else None
        ),
    )
    page = CheckedPage(raw)
    yield page
    page.measure_on_a_phone()  # the last page the test saw
    context.close()
    assert foreign == [], f"pages loaded assets from other hosts: {foreign}"
    assert refused == [], f"the browser refused parts of pages: {refused}"
    assert page.problems == [], "pages do not fit a phone or mislabel fields:\n" + "\n".join(
        page.problems
    )


@pytest.fixture
def page(browser, live_server):
    yield from _open_page(browser, live_server)


@pytest.fixture
def new_page(browser, live_server):
    """Another person's page in a browser of their own (a context without the first one's
    cookies), checked as `page` is: `other = new_page()`."""
    opened = []

    def open_one():
        pages = _open_page(browser, live_server)
        opened.append(pages)
        return next(pages)

    yield open_one
    for pages in opened:
        # Each generator runs its checks after its one page; it has nothing more to give.
        with contextlib.suppress(StopIteration):
            next(pages)


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
