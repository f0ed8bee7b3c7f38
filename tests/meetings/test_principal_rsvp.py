"""A principal answers their organisation's invitation to a principals' meeting (and only that),
and sees the answer owed first on their dashboard, with the link to give it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination.models import Person
from coordination.selectors import dashboard_blocks
from meetings import dashboard, permissions
from meetings.models import Invitation
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def principals_meeting(*organisations, **fields):
    fields = {"title": "Principals' meeting 2026", "starts_at": NOW + timedelta(days=20)} | fields
    meeting = factories.MeetingFactory(kind="principals", **fields)
    for organisation in organisations:
        factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    return meeting


def answer(client, meeting, **data):
    return client.post(reverse("meetings:rsvp", args=[meeting.pk]), data)


def response_of(meeting, organisation) -> str:
    return Invitation.objects.get(meeting=meeting, organisation=organisation).response


def test_a_principal_answers_for_their_organisation_to_a_principals_meeting(
    client, principal, organisation
):
    meeting = principals_meeting(organisation)
    client.force_login(principal)
    page = client.get(meeting.get_absolute_url())
    assert page.context["can_answer"]  # the form is offered to them
    response = answer(client, meeting, response="in_person", attendees="The Principal")
    assert response.status_code == 302
    invitation = Invitation.objects.get(meeting=meeting, organisation=organisation)
    assert invitation.response == "in_person" and invitation.answered_by == principal


def test_a_principal_never_answers_for_another_organisation(
    client, principal, organisation, other_organisation
):
    meeting = principals_meeting(organisation, other_organisation)
    client.force_login(principal)
    response = answer(client, meeting, response="online", organisation=other_organisation.pk)
    assert response.status_code == 403
    assert response_of(meeting, other_organisation) == "no_answer"
    assert response_of(meeting, organisation) == "no_answer"


def test_a_principal_does_not_answer_a_working_group_meeting(client, principal, organisation):
    meeting = factories.MeetingFactory(kind="working_group", starts_at=NOW + timedelta(days=20))
    factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    client.force_login(principal)
    assert not client.get(meeting.get_absolute_url()).context["can_answer"]
    assert answer(client, meeting, response="online").status_code == 403
    assert response_of(meeting, organisation) == "no_answer"


@pytest.mark.parametrize("kind", ["working_group", "briefing", "side_event", "video_call"])
def test_only_the_principals_meeting_is_theirs_to_answer(principal, organisation, kind):
    meeting = factories.MeetingFactory(kind=kind, online_link="https://example.org/call")
    invitation = factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    assert not permissions.can_answer(principal, invitation)


def test_an_inactive_principal_and_an_observer_do_not_answer(client, principal, organisation):
    meeting = principals_meeting(organisation)
    observer = factories.ObserverFactory(organisation=organisation)
    client.force_login(observer)
    assert answer(client, meeting, response="online").status_code == 403
    Person.objects.filter(pk=principal.pk).update(is_active=False)
    principal.refresh_from_db()
    assert not permissions.can_answer(principal, meeting.invitations.get())
    assert response_of(meeting, organisation) == "no_answer"


def test_focal_points_and_the_secretariat_still_answer_a_principals_meeting(
    focal_point, secretariat, organisation
):
    invitation = principals_meeting(organisation).invitations.get()
    assert permissions.can_answer(focal_point, invitation)
    assert permissions.can_answer(secretariat, invitation)


# --- The principal's dashboard ---------------------------------------------------------------------


def test_the_principal_sees_the_answer_owed_with_the_link_to_give_it(
    client, principal, organisation, other_organisation
):
    owed = principals_meeting(organisation)
    principals_meeting(other_organisation, title="Not theirs")
    factories.MeetingInvitationFactory(
        meeting=factories.MeetingFactory(title="A Working Group meeting"), organisation=organisation
    )
    client.force_login(principal)
    html = client.get(reverse("dashboard")).content.decode()
    assert '<h2 id="principal-meetings-block">Principals\' meetings</h2>' in html
    assert f'href="{owed.get_absolute_url()}#rsvps"' in html
    assert "Answer for UNICEF" in html
    assert "Not theirs" not in html

    answer(client, owed, response="online")
    block = dashboard.principal_invitations(Person.objects.get(pk=principal.pk))
    assert block is not None
    assert block.context["owed"] == []
    assert [i.meeting for i in block.context["answered"]] == [owed]


def test_the_principal_block_comes_right_after_the_endorsement_rounds(principal, organisation):
    principals_meeting(organisation)
    templates = [b.template for b in dashboard_blocks(Person.objects.get(pk=principal.pk))]
    # The statements' block (what awaits their decision) always comes first for a principal.
    assert templates[:2] == ["statements/dashboard_asked.html", "meetings/dashboard_principal.html"]


def test_nobody_else_gets_the_principal_block(focal_point, secretariat, observer, organisation):
    principals_meeting(organisation)
    for person in (focal_point, secretariat, observer):
        assert dashboard.principal_invitations(person) is None


def test_no_principal_block_without_an_invitation_ahead(principal, organisation):
    principals_meeting(organisation, status="cancelled")
    past = principals_meeting(organisation)
    past.starts_at, past.ends_at = NOW - timedelta(days=3), NOW - timedelta(days=2)
    past.save()
    assert dashboard.principal_invitations(principal) is None


def _queries_for_block(person) -> int:
    with CaptureQueriesContext(connection) as captured:
        block = dashboard.principal_invitations(person)
        assert block is not None
        render_to_string(block.template, block.context)
    return len(captured)


def test_the_principal_block_takes_the_same_queries_for_one_meeting_or_many(
    principal, organisation
):
    principals_meeting(organisation)
    few = _queries_for_block(principal)
    for n in range(6):
        meeting = principals_meeting(organisation, title=f"Principals {n}")
        if n % 2:
            Invitation.objects.filter(meeting=meeting).update(response="online")
    assert _queries_for_block(principal) == few
