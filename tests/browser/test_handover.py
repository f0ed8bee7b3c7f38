"""The whole handover in a browser: opened by the outgoing chair, a task worked on, a task added,
a comment, the three sign-offs (outgoing, incoming, secretariat), the frozen snapshot read."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from common.dates import group_today
from coordination.models import Handover, HandoverTask
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign(page, url, button):
    page.goto(url)
    page.get_by_role("button", name=button).click()
    # common.confirm: the page says what will happen before anything is recorded.
    assert page.get_by_text("This cannot be undone.").is_visible()
    page.get_by_role("button", name="Sign off", exact=True).click()


def test_the_chairs_hand_over_and_sign_off(page, new_page, settings):
    settings.MFA_REQUIRED_FOR = []  # the test's secretariat has no second factor
    # One organisation per side keeps it to three sign-offs (the demonstration has two a side).
    today = group_today()
    outgoing_org = factories.OrganisationFactory(acronym="OUTGO")
    incoming_org = factories.OrganisationFactory(acronym="INCOM")
    coordinator = factories.OrganisationFactory(acronym="UNODC", is_permanent_coordinator=True)
    factories.ChairTermFactory(
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=20),
        organisations=[outgoing_org],
    )
    term = factories.ChairTermFactory(
        starts_on=today + timedelta(days=21),
        ends_on=today + timedelta(days=385),
        organisations=[incoming_org],
    )
    factories.PersonFactory(
        organisation=outgoing_org, email="out@example.org", full_name="Olga Outgoing"
    )
    factories.PersonFactory(
        organisation=incoming_org, email="in@example.org", full_name="Ivan Incoming"
    )
    factories.SecretariatFactory(
        organisation=coordinator, email="sec@example.org", full_name="Sam Secretariat"
    )
    url = f"/chairs/{term.pk}/handover/"

    # The outgoing chair opens the handover: the checklist comes from live data.
    log_in(page, "out@example.org")
    page.goto(url)
    page.get_by_role("button", name="Open the handover").click()
    page.wait_for_url(re.compile(r"/handover/$"))
    assert page.get_by_text("The handover is open").is_visible()
    contact = HandoverTask.objects.get(title__startswith="Olga Outgoing")
    assert page.get_by_role("heading", name="Contacts").is_visible()

    # Work on a task the outgoing chair owns: mark it done, with a note.
    page.locator(f"#task-{contact.pk}").get_by_role("link", name="Work on this task").click()
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Note").fill("Introduced at the March call.")
    page.get_by_role("button", name="Save the task").click()
    assert page.get_by_text("The task was saved.").is_visible()
    contact.refresh_from_db()
    assert (contact.status, contact.note) == ("done", "Introduced at the March call.")
    page.get_by_label("Comment on this task").fill("She knows everyone.")
    page.get_by_role("button", name="Add the comment").click()
    assert page.get_by_text("She knows everyone.").is_visible()

    # Add a task and comment on the handover.
    page.get_by_role("link", name="Back to the checklist").click()
    assert page.get_by_text("She knows everyone.").is_visible()
    page.get_by_label("Task", exact=True).fill("Hand over the donor contacts")
    page.locator("#new-owner").select_option(label="Ivan Incoming (INCOM)")
    page.get_by_role("button", name="Add the task").click()
    assert page.get_by_text("The task was added.").is_visible()
    page.get_by_label("Comment on the handover").fill("Welcome aboard!")
    page.get_by_role("button", name="Add the comment").last.click()
    assert page.get_by_text("Welcome aboard!").is_visible()

    sign(page, url, "Sign off for OUTGO (Outgoing chair)")
    assert page.get_by_text("Your signature was recorded.").is_visible()

    incoming = new_page()
    log_in(incoming, "in@example.org")
    sign(incoming, url, "Sign off for INCOM (Incoming chair)")
    assert incoming.get_by_text("Your signature was recorded.").is_visible()

    secretariat = new_page()
    log_in(secretariat, "sec@example.org")
    sign(secretariat, url, "Sign off for the secretariat")
    assert secretariat.get_by_text("the handover is frozen").is_visible()
    assert Handover.objects.get().is_signed_off

    # The live task changes afterwards; the frozen snapshot shows it as it was.
    HandoverTask.objects.filter(pk=contact.pk).update(note="Changed later")
    page.goto(url)
    assert page.get_by_text("Signed off and frozen on").is_visible()
    assert page.get_by_text("Introduced at the March call.").is_visible()
    assert page.get_by_text("Changed later").count() == 0
    assert page.get_by_text("Hand over the donor contacts").is_visible()
    assert page.get_by_role("button", name="Save the task").count() == 0
