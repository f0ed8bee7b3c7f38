"""The checks every browser test makes on every page it visits (conftest.CheckedPage) find what
they look for: a page wider than a phone, a page head over the line below it, an id given
twice and a label for nothing; and they let pass a wide table that scrolls in its region."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WRONG = """<!doctype html><html lang="en"><head><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/hub.css"></head><body><main class="wrap">
<div class="page-head"><h1>A title long enough to fill the line</h1>
<div class="actions"><a class="button" href="#">One</a></div></div>
<p id="lead" class="lead">The lead</p>
<label for="id_text">Minutes</label><textarea id="id_text"></textarea>
<label for="id_title">Decision</label><textarea id="id_text"></textarea>
<p><svg width="600" height="10"></svg></p>
</main></body></html>"""

RIGHT = """<!doctype html><html lang="en"><head><title>t</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/css/hub.css"></head><body><main class="wrap">
<div class="page-head"><h1>A title long enough to fill the line</h1>
<div class="actions"><a class="button" href="#">One</a></div></div>
<p class="lead">The lead</p>
<div class="table-wrap" role="region" tabindex="0" aria-label="Wide">
<table><tr><td><svg width="900" height="10"></svg><span class="visually-hidden">hidden</span></td>
<td><span class="visually-hidden">far to the right</span></td></tr></table></div>
</main></body></html>"""


def test_the_checks_find_a_page_too_wide_an_overlap_and_a_repeated_id(page, live_server):
    page.goto("/static/css/hub.css")  # any page of the site, for its address
    page.unchecked.set_content(WRONG)
    # The stylesheet is the site's, without the rule that keeps the buttons off the lead.
    page.unchecked.evaluate(
        "() => { document.querySelector('.page-head .actions').style.marginBottom = '0'; }"
    )
    page.measure_on_a_phone()
    found = "\n".join(page.problems)
    page.problems.clear()
    assert "px wide at 390" in found and "svg" in found
    assert 'p#lead.lead "The lead" is 8 px under the page head' in found
    assert 'id "id_text" is used 2 times' in found
    assert 'the label "Decision" is for "id_title", which is not on the page' in found


def test_a_wide_table_in_its_region_and_the_lead_under_the_buttons_pass(page, live_server):
    page.goto("/static/css/hub.css")
    page.unchecked.set_content(RIGHT)
    page.measure_on_a_phone()
    assert page.problems == []
