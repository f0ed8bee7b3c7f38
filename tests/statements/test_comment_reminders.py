"""Drafters remind the organisations that have not answered a comment period: once a day, to
those that neither commented nor said "no comments", through the shared reminder."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from common.models import Reminder
from statements import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_and_answered(statement, other_organisation, focal_point):
    """ILO has said nothing; a third member commented."""
    factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")
    commenter_org = factories.OrganisationFactory(acronym="OHCHR")
    commenter = factories.PersonFactory(organisation=commenter_org, email="focal.ohchr@example.org")
    version = statement.versions.get()
    services.comment_add(
        statement=statement,
        version=version,
        actor=commenter,
        paragraph_key=version.paragraphs.first().key,
        text="A comment.",
    )
    return statement


def test_a_drafter_reminds_the_silent_organisations_once_a_day(
    client, focal_point, silent_and_answered, django_capture_on_commit_callbacks
):
    statement = silent_and_answered
    url = reverse("statements:comment_remind", args=[statement.pk])
    client.force_login(focal_point)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert url in page  # offered on the statement's page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        again = client.post(url, follow=True)
    assert "less than a day ago" in again.content.decode()
    reminded = sorted(m.to[0] for m in mail.outbox)
    # ILO was asked; OHCHR commented; UNICEF (the lead, which drafts) is not reminded of its own
    # statement's comments unless it is silent too.
    assert "focal.ilo@example.org" in reminded and "focal.ohchr@example.org" not in reminded
    assert len(reminded) == len(set(reminded))
    assert Reminder.objects.get().times == 1
    assert "It went to" in client.get(statement.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["colleague", "other_focal_point", "principal", "observer"])
def test_only_drafters_remind(client, who, request, silent_and_answered):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("statements:comment_remind", args=[silent_and_answered.pk]))
    assert response.status_code in {403, 404}
    assert not Reminder.objects.exists()
