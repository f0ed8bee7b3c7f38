"""Reminding the organisations that have not answered a meeting's invitation: once a day at most,
to their people only, even those who turned immediate emails off; organisers only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from common.models import Reminder
from meetings.models import Invitation
from notifications.models import Preference
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation, focal_point):
    """A scheduled meeting: UNICEF answered, ILO did not (its focal point turned immediate
    emails off); a third organisation is not invited."""
    meeting = factories.MeetingFactory(title="Working Group meeting")
    factories.MeetingInvitationFactory(
        meeting=meeting, organisation=organisation, response=Invitation.Response.ONLINE
    )
    factories.MeetingInvitationFactory(meeting=meeting, organisation=other_organisation)
    ilo = factories.PersonFactory(organisation=other_organisation, email="focal.ilo@example.org")
    Preference.objects.create(person=ilo, immediate=False)
    outsider = factories.OrganisationFactory(acronym="OUT")
    factories.PersonFactory(organisation=outsider, email="focal.out@example.org")
    return {"meeting": meeting, "ilo": ilo}


def remind(client, meeting):
    return client.post(reverse("meetings:rsvp_remind", args=[meeting.pk]), follow=True)


def test_the_organisations_that_have_not_answered_are_reminded_once_a_day(
    client, secretariat, world, other_organisation, django_capture_on_commit_callbacks
):
    meeting = world["meeting"]
    client.force_login(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        first = remind(client, meeting)
    assert "were reminded" in first.content.decode()
    assert [m.to for m in mail.outbox] == [["focal.ilo@example.org"]]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers  # a service message
    # The page says when, by whom and to whom.
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "It went to ILO." in page and "the next can be sent from" in page

    with django_capture_on_commit_callbacks(execute=True):
        second = remind(client, meeting)
    assert "less than a day ago" in second.content.decode()
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().times == 1

    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        client.force_login(secretariat)  # the session of the day before has expired
        with django_capture_on_commit_callbacks(execute=True):
            third = remind(client, meeting)
    assert "were reminded" in third.content.decode(), [str(m) for m in third.context["messages"]]
    assert len(mail.outbox) == 2


def test_nobody_is_reminded_once_everyone_answered_or_the_meeting_started(
    client, secretariat, world, django_capture_on_commit_callbacks
):
    meeting = world["meeting"]
    client.force_login(secretariat)
    with time_machine.travel(meeting.starts_at + timedelta(minutes=1)):
        client.force_login(secretariat)
        started = remind(client, meeting)
    assert "has started" in started.content.decode(), [str(m) for m in started.context["messages"]]
    Invitation.objects.filter(meeting=meeting).update(response=Invitation.Response.ONLINE)
    with django_capture_on_commit_callbacks(execute=True):
        assert "nobody is left to remind" in remind(client, meeting).content.decode()
    assert mail.outbox == [] and not Reminder.objects.exists()


@pytest.mark.parametrize("role", ["focal_point", "principal", "observer"])
def test_only_the_organisers_remind(client, world, role, focal_point, principal, observer):
    person = {"focal_point": focal_point, "principal": principal, "observer": observer}[role]
    client.force_login(person)
    response = client.post(reverse("meetings:rsvp_remind", args=[world["meeting"].pk]))
    assert response.status_code == 403
    assert not Reminder.objects.exists()
    assert (
        "Remind those who have not answered"
        not in client.get(world["meeting"].get_absolute_url()).content.decode()
    )


def test_a_get_or_an_unknown_meeting_is_refused(client, secretariat, world):
    client.force_login(secretariat)
    assert (
        client.get(reverse("meetings:rsvp_remind", args=[world["meeting"].pk])).status_code == 405
    )
    assert client.post(reverse("meetings:rsvp_remind", args=[999999])).status_code == 404
