"""The mapping resource in a browser: a focal point edits their organisation's profile and submits
it, the secretariat reads the difference and publishes it, and a visitor who is not logged in
reads the change on the public page (and never the member-only contact)."""

from __future__ import annotations

import re

import pytest

from mapping.models import Revision
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_MANDATE = "To protect migrants, including victims of trafficking, along every route."


def test_a_profile_edited_reviewed_published_and_read_in_public(page, settings):
    settings.MFA_REQUIRED_FOR = []  # the test's secretariat has no second factor
    iom = factories.OrganisationFactory(
        acronym="IOM", name="International Organization for Migration"
    )
    unodc = factories.OrganisationFactory(acronym="UNODC", is_permanent_coordinator=True)
    factories.PersonFactory(organisation=iom, email="focal.iom@example.org")
    factories.SecretariatFactory(organisation=unodc, email="sec@example.org")
    labour = factories.term(taxonomy="form", code="forced-labour", label_en="Forced labour")
    factories.term(taxonomy="form", code="sexual-exploitation", label_en="Sexual exploitation")
    published = factories.published_profile(
        iom,
        mandate="To promote humane and orderly migration.",
        contact_email="contact.iom@example.org",
    )
    published.forms.set([labour])

    # The focal point starts a draft, changes the mandate, adds a form, and submits.
    log_in(page, "focal.iom@example.org")
    page.goto(f"/mapping/{iom.slug}/edit/")
    page.get_by_role("button", name="Start a draft").click()
    page.get_by_label("Mandate").fill(NEW_MANDATE)
    page.get_by_label("Sexual exploitation").check()
    page.get_by_role("button", name="Save and review before submitting").first.click()
    page.wait_for_url(re.compile(r"/mapping/revisions/\d+/(#submit)?$"))
    page.get_by_role("button", name="Submit for review").click()
    page.get_by_role("button", name="Submit for review", exact=True).click()  # common.confirm
    draft = Revision.objects.get(profile__organisation=iom, state=Revision.State.SUBMITTED)

    # Until it is published, the public page shows the published mandate.
    page.context.clear_cookies()
    page.goto(f"/mapping/{iom.slug}/")
    assert page.get_by_text("To promote humane and orderly migration.").is_visible()

    # The secretariat reads the difference, field by field, and publishes.
    log_in(page, "sec@example.org")
    page.goto(f"/mapping/revisions/{draft.pk}/")
    changes = page.locator("main")
    assert changes.locator("ins").filter(has_text="victims").count() == 1
    assert changes.locator("del").filter(has_text="orderly").count() == 1
    assert changes.get_by_text("Sexual exploitation").first.is_visible()
    page.get_by_role("button", name="Publish").click()
    page.get_by_role("button", name="Publish", exact=True).click()  # common.confirm
    draft.refresh_from_db()
    assert draft.state == Revision.State.PUBLISHED

    # A visitor without an account reads the new mandate, never the contact.
    page.context.clear_cookies()
    page.goto(f"/mapping/{iom.slug}/")
    assert page.get_by_text(NEW_MANDATE).is_visible()
    assert "contact.iom@example.org" not in page.content()
    page.goto("/mapping/")
    assert page.get_by_role("link", name=re.compile("International Organization for Migration"))
