"""axe-core (vendored in tests/browser/vendor, version 4.14.1) checks the pages of every app
against WCAG 2.1 A and AA rules in the real browser, on a screen (1280 px) and on a phone
(390 px), where the layout changes (the calendar becomes a list, forms move first)."""

from __future__ import annotations

from pathlib import Path

import pytest

from coordination.demo import DEMO_PASSWORD, load_everything
from tests.browser.conftest import PHONE, log_in
from tests.browser.pages import demo_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREEN = {"width": 1280, "height": 800}


def violations(page) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_the_pages_of_every_app_pass_wcag_21_aa_checks_on_a_screen_and_a_phone(
    page_without_csp, settings
):
    # axe-core goes in as an inline script, which the site's policy refuses: this context, and
    # only this one, bypasses the CSP (test_csp.py walks the main pages under it). Each page is
    # also measured on a phone by the page fixture (conftest.CheckedPage), as in every test.
    page = page_without_csp
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()
    found = {}

    def check(path):
        page.goto(path)
        for viewport in (SCREEN, PHONE):
            page.set_viewport_size(viewport)
            if problems := violations(page):
                found[f"{path} at {viewport['width']} px"] = problems
        page.set_viewport_size(SCREEN)

    check("/accounts/login/")
    check("/mapping/")  # the public resource, read without an account
    for email, paths in demo_pages().items():
        log_in(page, email, DEMO_PASSWORD)
        for path in paths:
            check(path)

    assert found == {}
