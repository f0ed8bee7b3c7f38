"""A joint statement's whole path in a browser: started and drafted, commented on, a change
proposal accepted, an endorsement round opened, two principals answering (one with a
reservation), the board read, the round closed, the adoption recorded, and the PDF and DOCX
downloaded and read back."""

from __future__ import annotations

import re
from datetime import timedelta

import docx
import pytest
from django.utils import timezone
from pypdf import PdfReader

from common.dates import group_time_zone
from statements.models import Comment, EndorsementRound, Statement
from tests import factories
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESERVATION = "ILO reads paragraph 2 as covering the informal economy as well."


def confirm(page, button):
    """common.confirm: the page says what will happen before anything is recorded."""
    page.get_by_role("button", name=button, exact=True).click()


def test_a_statement_from_first_draft_to_adopted_documents(page):
    unicef = factories.OrganisationFactory(acronym="UNICEF", name="UNICEF")
    ilo = factories.OrganisationFactory(acronym="ILO", name="International Labour Organization")
    factories.PersonFactory(organisation=unicef, email="drafter@example.org", full_name="Dana")
    factories.PersonFactory(organisation=ilo, email="focal.ilo@example.org", full_name="Femi")
    factories.PrincipalFactory(organisation=unicef, email="head.unicef@example.org")
    factories.PrincipalFactory(organisation=ilo, email="head.ilo@example.org")

    # The drafter starts the statement, open for comments for a week.
    log_in(page, "drafter@example.org")
    page.goto("/statements/new/")
    page.get_by_label("Title").fill("World Day against Trafficking in Persons")
    deadline = timezone.localtime(timezone.now() + timedelta(days=7), group_time_zone())
    page.get_by_label("Comment deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("First text").fill(
        "States must act now to protect victims.\n\nWe call on all partners to join us."
    )
    page.get_by_role("button", name="Start the statement").click()
    page.wait_for_url(re.compile(r"/statements/\d+/$"))
    statement = Statement.objects.get()
    assert statement.stage == Statement.Stage.OPEN_FOR_COMMENTS

    # It drafts further in the editor: one box per paragraph, each keeping its identifier.
    page.get_by_role("link", name="Edit the text").click()
    page.get_by_label("Text", exact=False).first.fill(
        "States must act <em>now</em> to protect victims."
    )
    page.get_by_role("button", name="Save as version 2").first.click()
    page.wait_for_url(re.compile(rf"/statements/{statement.pk}/"))
    assert statement.versions.count() == 2
    keys = [p.key for p in statement.versions.get(number=1).paragraphs.all()]
    assert [p.key for p in statement.versions.get(number=2).paragraphs.all()] == keys

    # ILO's focal point proposes a new text for the second paragraph.
    log_in(page, "focal.ilo@example.org")
    page.goto(statement.get_absolute_url())
    second = page.locator(f"#p-{keys[1]}")
    second.get_by_text("Propose a new text for this paragraph").click()
    second.get_by_label("Proposed text").fill(
        "We call on all partners, in every economy, to join us."
    )
    second.get_by_role("button", name="Propose the change").click()
    assert page.get_by_text("Your change proposal was added.").is_visible()
    proposal = Comment.objects.get()

    # The drafter accepts it: the next version carries it, under the same identifier.
    log_in(page, "drafter@example.org")
    page.goto(statement.get_absolute_url())
    answer = page.locator(f"#comment-{proposal.pk}")
    answer.locator("summary").click()
    answer.get_by_label("Answer").select_option("accepted")
    answer.get_by_role("button", name="Save the answer").click()
    assert page.get_by_text("The answer was saved.").is_visible()
    latest = statement.versions.order_by("-number").first()
    assert latest.number == 3
    assert latest.paragraphs.get(key=keys[1]).text == (
        "We call on all partners, in every economy, to join us."
    )

    # The drafter opens an explicit round on version 3, and confirms.
    page.get_by_role("link", name="Open an endorsement round").click()
    page.get_by_label("Explicit endorsement").check()
    page.get_by_label("Deadline").fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Continue").click()
    confirm(page, "Open the round")
    round = EndorsementRound.objects.get()
    assert round.endorsed_version == latest
    assert set(round.addressed_organisations.all()) == {unicef, ilo}

    # Both principals answer from their dashboards; ILO's with a reservation.
    for email, organisation, choice in [
        ("head.ilo@example.org", ilo, "Endorse with a reservation"),
        ("head.unicef@example.org", unicef, "Endorse"),
    ]:
        log_in(page, email)
        page.get_by_role("link", name=f"Answer for {organisation.acronym}").first.click()
        page.get_by_label(choice, exact=True).check()
        if organisation == ilo:
            page.get_by_label("Reservation, reason or objection").fill(RESERVATION)
        page.get_by_role("button", name="Record the answer").click()
        page.wait_for_url(re.compile(r"/statements/"))
    assert round.endorsements.count() == 2

    # The drafter reads the board: both answers, the reservation in full, in words.
    log_in(page, "drafter@example.org")
    page.goto(f"/statements/rounds/{round.pk}/")
    row = page.locator(f"#org-{ilo.pk}")
    assert row.get_by_text(RESERVATION).is_visible()
    assert row.get_by_text("Endorse with a reservation").first.is_visible()
    assert page.locator(f"#org-{unicef.pk}").get_by_text("Endorse").first.is_visible()

    # Everyone answered: the round can close before its deadline; then the adoption.
    page.get_by_role("button", name="Close the round").first.click()
    confirm(page, "Close the round")
    page.goto(statement.get_absolute_url())
    page.get_by_role("link", name="Record the adoption").first.click()
    page.get_by_role("button", name="Record the adoption").click()
    statement.refresh_from_db()
    assert statement.stage == Statement.Stage.ADOPTED
    assert set(statement.endorsing_organisations.all()) == {unicef, ilo}

    # The documents, downloaded from the statement's page and read back.
    page.goto(statement.get_absolute_url())
    with page.expect_download() as pdf_download:
        page.locator("#final").get_by_role("link", name=re.compile("^PDF")).first.click()
    pdf = PdfReader(pdf_download.value.path())
    pdf_text = " ".join(p.extract_text() for p in pdf.pages)
    with page.expect_download() as docx_download:
        page.locator("#final").get_by_role("link", name=re.compile("^DOCX")).first.click()
    document = docx.Document(docx_download.value.path())
    docx_text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    for text in (pdf_text, docx_text):
        flat = " ".join(text.split())
        assert "World Day against Trafficking in Persons" in flat
        assert "States must act now to protect victims." in flat
        assert "We call on all partners, in every economy, to join us." in flat
        assert "International Labour Organization" in flat
        assert RESERVATION in flat
