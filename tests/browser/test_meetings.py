from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from coordination.demo import DEMO_PASSWORD, load_demo_group
from meetings.models import Invitation, Meeting
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chair_schedules_a_meeting_and_a_focal_point_answers(page, new_page):
    load_demo_group()  # ICMPD and UNODC chair this year in the demonstration
    day = (timezone.localdate() + timedelta(days=21)).isoformat()

    log_in(page, "focal.icmpd@demo.example", DEMO_PASSWORD)
    page.goto("/meetings/")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.locator("#id_kind").select_option("working_group")
    page.locator("#id_title").fill("Working Group meeting on the work plan")
    page.locator("#id_starts_at").fill(f"{day}T09:30")
    page.locator("#id_ends_at").fill(f"{day}T17:00")
    page.locator("#id_time_zone").select_option("Europe/Vienna")
    page.locator("#id_venue").fill("ICMPD headquarters, Vienna")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r"/meetings/\d+/$"))
    assert page.get_by_text(
        "Draft: only the secretariat and the chairs see this meeting"
    ).is_visible()
    page.get_by_role("button", name="Publish the meeting").click()
    # The confirmation page says who is emailed before anyone is.
    assert page.get_by_text("organisations are emailed the invitation").is_visible()
    page.get_by_role("button", name="Publish and email them").click()
    assert page.get_by_text("The meeting is published").is_visible()
    meeting = Meeting.objects.get(title="Working Group meeting on the work plan")
    assert meeting.status == "scheduled" and meeting.local_starts_at.hour == 9

    other = new_page()
    log_in(other, "focal.unwomen@demo.example", DEMO_PASSWORD)
    # The dashboard says UN Women owes an answer, and leads there.
    other.get_by_role("link", name="Working Group meeting on the work plan").first.click()
    form = other.locator("form", has=other.get_by_role("button", name="Save our answer"))
    form.get_by_label("Attending online").check()
    form.get_by_label("Who will attend").fill("UN Women Focal Point (demo)")
    form.get_by_role("button", name="Save our answer").click()
    assert other.get_by_text("Your organisation's answer was saved.").is_visible()
    answer = Invitation.objects.get(meeting=meeting, organisation__acronym="UN Women")
    assert answer.response == "online"
    # The chair sees it at a glance.
    page.reload()
    assert (
        page.locator(f"#rsvp-{answer.organisation_id}").get_by_text("Attending online").is_visible()
    )
