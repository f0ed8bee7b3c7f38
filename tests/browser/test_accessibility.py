"""axe-core (vendored in tests/browser/vendor, version 4.14.1) checks the main pages against
WCAG 2.1 A and AA rules in the real browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coordination.demo import DEMO_PASSWORD, load_everything
from meetings.models import Meeting
from workplans.models import WorkItem, WorkPlan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]


def test_main_pages_pass_wcag_21_aa_checks(page_without_csp, settings):
    # axe-core goes in as an inline script, which the site's policy refuses: this context, and
    # only this one, bypasses the CSP (test_csp.py walks the same pages under it).
    page = page_without_csp
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()
    plan = WorkPlan.objects.get()
    item = WorkItem.objects.filter(status="at_risk").first()
    meeting = Meeting.objects.filter(status="scheduled").first()

    page.goto("/accounts/login/")
    assert violations(page) == []
    page.get_by_label("Email").fill("secretariat@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    found = {}
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
    ]:
        page.goto(path)
        problems = violations(page)
        if problems:
            found[path] = problems
    assert found == {}
