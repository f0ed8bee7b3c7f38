"""Each demo role's dashboard in Chromium: what they see first, that an observer is never told
"nothing for your organisation", and that the page fits a 1280-pixel screen."""

from __future__ import annotations

import re

import pytest

from coordination.demo import DEMO_PASSWORD, load_everything
from coordination.models import Organisation
from meetings.models import Invitation, Meeting
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 1280


def first_heading(page) -> str:
    # The page's h1 welcomes; the blocks' headings are the h2s, in the registry's order.
    return page.locator("main h2").first.inner_text().strip()


def overflows(page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth"))


@pytest.fixture
def demo(settings):
    settings.MFA_REQUIRED_FOR = []  # the demo secretariat has no second factor
    load_everything()


def test_each_role_sees_first_what_needs_them(page, live_server, demo):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    for email, first in [
        ("secretariat@demo.example", "Items at risk, off track or overdue"),
        # ICMPD chairs this year in the demonstration; nothing is asked of it there.
        ("focal.icmpd@demo.example", "Meetings to prepare"),
        ("principal.unicef@demo.example", "Waiting for your answer"),
        ("observer@demo.example", "What the group publishes"),
    ]:
        log_in(page, email, DEMO_PASSWORD)
        headings = [h.strip() for h in page.locator("main h2").all_inner_texts()]
        assert first_heading(page) == first, headings
        assert not overflows(page), f"{email}: the dashboard is wider than {WIDTH} px"


def test_the_secretariat_follows_a_count_to_the_filtered_item_list(page, live_server, demo):
    log_in(page, "secretariat@demo.example", DEMO_PASSWORD)
    block = page.locator("section", has=page.locator("#at-risk-block"))
    block.get_by_role("link", name="All items at risk or off track").click()
    page.wait_for_url(re.compile(r"/workplans/items/\?"))
    assert page.get_by_label("At risk").is_checked()
    assert page.get_by_label("Off track").is_checked()


def test_an_observer_is_never_told_of_nothing_for_their_organisation(page, live_server, demo):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    log_in(page, "observer@demo.example", DEMO_PASSWORD)
    text = page.locator("main").inner_text()
    for organisation_only in (
        "nothing for your organisation",
        "Nothing your organisation",
        "My organisation's work",
        "My organisation's meetings",
        "Your organisation has answered",
    ):
        assert organisation_only not in text
    page.get_by_role("link", name="Joint statements").click()
    page.wait_for_url(re.compile(r"/statements/$"))


def test_a_principal_answers_a_principals_meeting_from_the_dashboard(page, live_server, demo):
    # The chairs publish the principals' meeting the demonstration keeps as a draft.
    meeting = Meeting.objects.get(kind=Meeting.Kind.PRINCIPALS, status=Meeting.Status.DRAFT)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.SCHEDULED)
    # UNICEF is invited and has not answered yet.
    Invitation.objects.update_or_create(
        meeting=meeting,
        organisation=Organisation.objects.get(acronym="UNICEF"),
        defaults={"response": Invitation.Response.NO_ANSWER, "answered_at": None},
    )
    unicef = Invitation.objects.filter(meeting=meeting, organisation__acronym="UNICEF")
    log_in(page, "principal.unicef@demo.example", DEMO_PASSWORD)
    headings = [h.strip() for h in page.locator("main h2").all_inner_texts()]
    assert headings[:2] == ["Waiting for your answer", "Principals' meetings"]
    block = page.locator("section", has=page.locator("#principal-meetings-block"))
    block.get_by_role("link", name=re.compile(r"^Answer for UNICEF")).click()
    form = page.locator("form", has=page.get_by_role("button", name="Save our answer"))
    form.get_by_label("Attending in person").check()
    form.get_by_role("button", name="Save our answer").click()
    assert page.get_by_text("Your organisation's answer was saved.").is_visible()
    assert unicef.get().response == Invitation.Response.IN_PERSON
