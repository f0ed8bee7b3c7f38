from __future__ import annotations

import re

import pytest

from coordination.demo import DEMO_PASSWORD, load_everything
from workplans.models import WorkItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_focal_point_posts_an_update_and_sees_the_overview_change(page):
    load_everything()
    item = WorkItem.objects.get(
        title="Issue brief update: Trafficking in persons in humanitarian crises"
    )
    plan = item.priority_area.plan
    area_id = f"#area-{item.priority_area_id}"

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("focal.unhcr@demo.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.goto(plan.get_absolute_url())
    area = page.locator(area_id)
    assert area.get_by_text("At risk: 1").is_visible()
    assert area.get_by_text("Off track").count() == 0

    # From the dashboard to the item, as a focal point would go.
    page.goto("/")
    page.get_by_role("link", name=item.title).first.click()
    page.wait_for_url(re.compile(rf"/workplans/items/{item.pk}/$"))
    form = page.locator("form", has=page.get_by_role("button", name="Post the update"))
    form.get_by_label("Status").select_option("off_track")
    form.get_by_label("Percent complete").fill("55")
    form.get_by_label("Progress").fill(
        "Clearance delayed: two contributors still reviewing the new chapter."
    )
    form.get_by_role("button", name="Post the update").click()
    page.wait_for_url(re.compile(rf"/workplans/items/{item.pk}/$"))
    assert page.get_by_text("Your progress update was posted.").is_visible()
    assert page.get_by_text("Clearance delayed").is_visible()

    page.goto(plan.get_absolute_url())
    area = page.locator(area_id)
    assert area.get_by_text("Off track: 1").is_visible()
    assert area.get_by_text("At risk").count() == 0
