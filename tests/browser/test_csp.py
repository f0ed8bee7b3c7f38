"""The pages work under the site's Content-Security-Policy: nothing is refused (the `page`
fixture fails a test on any refusal the browser reports) and what used inline style still
draws."""

from __future__ import annotations

import re

import pytest

from coordination.demo import DEMO_PASSWORD, load_everything
from meetings.models import Meeting
from workplans.models import WorkItem, WorkPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_main_pages_load_under_the_policy(page, settings):
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()
    plan = WorkPlan.objects.get()
    item = WorkItem.objects.filter(status="at_risk").first()
    meeting = Meeting.objects.filter(status="scheduled").first()

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("secretariat@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    for path in [
        "/",
        "/members/",
        "/members/unodc/",
        "/people/",
        "/invitations/",
        "/history/",
        "/profile/",
        plan.get_absolute_url(),
        "/workplans/items/",
        item.get_absolute_url(),
        f"/workplans/{plan.pk}/report/{plan.last_year - 1}/",
        "/meetings/",
        "/meetings/calendar/",
        meeting.get_absolute_url(),
        "/notifications/",
        "/notifications/preferences/",
        "/notifications/deliveries/",
        "/admin/",
        "/admin/coordination/chairterm/",
        "/admin/coordination/chairterm/add/",
    ]:
        page.goto(path)
        # The stylesheet applied: the site's header is laid out, not browser defaults.
        assert page.locator("link[rel=stylesheet]").count() >= 1
        assert page.evaluate("document.styleSheets.length") >= 1

    page.goto(plan.get_absolute_url())
    # The status bars once took their widths from style=""; SVG width attributes draw them now.
    bar = page.locator(".status-bar").first
    bar_width = bar.bounding_box()["width"]
    segments = [
        box["width"]
        for box in bar.locator("svg").evaluate_all(
            "nodes => nodes.map(n => n.getBoundingClientRect().toJSON())"
        )
    ]
    assert segments and all(width > 0 for width in segments)
    assert sum(segments) == pytest.approx(bar_width - 2, abs=3)  # less its 1px border
    colour = bar.locator("svg").first.evaluate("n => getComputedStyle(n).backgroundColor")
    assert colour not in ("", "transparent", "rgba(0, 0, 0, 0)")
    swatch = page.locator(".legend li").first.evaluate(
        "n => getComputedStyle(n, '::before').backgroundColor"
    )
    assert swatch == "rgb(170, 180, 190)"  # #aab4be, "Not started"
