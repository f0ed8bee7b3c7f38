"""On a phone (390 px): what a person owes comes before the details (a meeting's RSVP, an item's
progress update), and the month calendar is a list of the days that have meetings, each
meeting's title on full lines rather than broken letter by letter in a seventh of the screen.
(Every browser test also measures every page it visits at this width: see conftest.)"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coordination.demo import DEMO_PASSWORD, load_everything
from coordination.models import Person
from tests.browser.conftest import PHONE, log_in
from tests.browser.pages import item_of, scheduled_meeting_owed_by

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def top(locator) -> float:
    return locator.bounding_box()["y"]


def test_on_a_phone_what_is_owed_comes_first_and_the_month_is_a_list(page):
    load_everything()
    meeting = scheduled_meeting_owed_by("UN Women")
    item = item_of("UN Women")
    page.set_viewport_size(PHONE)
    log_in(page, "focal.unwomen@demo.example", DEMO_PASSWORD)

    page.goto(meeting.get_absolute_url())
    owed = page.get_by_role("heading", name="Answer for UN Women")
    details = page.locator("section[aria-labelledby=about]")
    assert top(owed) < top(details)
    form = page.locator("form", has=page.get_by_role("button", name="Save our answer"))
    form.get_by_label("Attending online").check()
    form.get_by_role("button", name="Save our answer").click()
    assert page.get_by_text("Your organisation's answer was saved.").is_visible()
    # Answered, it is no longer owed: the form to change the answer is with everyone's.
    answer = page.locator("#rsvps").get_by_role("heading", name="Answer for UN Women")
    assert top(details) < top(answer)

    page.goto(item.get_absolute_url())
    update = page.get_by_role("heading", name="Post an update", exact=True)
    assert top(update) < top(page.locator("section[aria-labelledby=about]"))

    person = Person.objects.get(email="focal.unwomen@demo.example")
    starts = timezone.localtime(meeting.starts_at, ZoneInfo(person.time_zone))  # as it is shown
    page.goto(reverse("meetings:month", args=[starts.year, starts.month]))
    days = page.locator("table.month td")
    shown = [days.nth(i) for i in range(days.count()) if days.nth(i).is_visible()]
    assert shown, "the days with meetings are listed"
    assert all(day.locator(".month-meeting").count() for day in shown)
    chip = page.locator(".month-meeting", has_text=meeting.title).first
    assert chip.bounding_box()["width"] > PHONE["width"] * 0.75
    day = chip.locator("xpath=ancestor::td").locator(".day-number")
    assert day.inner_text().startswith(starts.strftime("%A"))  # the weekday, in the list
