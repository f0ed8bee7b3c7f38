"""Who may read a meeting's minutes is one rule (meetings.permissions.can_read_minutes, and
Reading.minutes as a filter): the meeting's page and the search agree, role by role, for draft,
circulated and approved minutes."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from meetings import permissions, search
from meetings.models import Meeting, Minutes
from tests import factories

pytestmark = pytest.mark.django_db

TEXT = "The members agreed on the quokka toolkit."

ROLES = ["secretariat", "chair", "invited", "not_invited", "observer"]
# Draft minutes are their writers'; once circulated, the members who see the meeting read them;
# observers, who never read drafts, once approved.
READERS = {
    "draft": {"secretariat", "chair"},
    "circulated": set(ROLES) - {"observer"},
    "approved": set(ROLES),
}


@pytest.fixture
def people(secretariat, focal_point, other_organisation, observer):
    chair_organisation = factories.OrganisationFactory(acronym="ICMPD")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() - timedelta(days=5),
        ends_on=timezone.localdate() + timedelta(days=5),
        organisations=[chair_organisation],
    )
    return {
        "secretariat": secretariat,
        "chair": factories.PersonFactory(organisation=chair_organisation),
        "invited": focal_point,
        "not_invited": factories.PersonFactory(organisation=other_organisation),
        "observer": observer,
    }


def _minutes(organisation, status: str, meeting_status: str = "held") -> Minutes:
    meeting = cast(
        Meeting,
        factories.MeetingFactory(
            title="Working Group",
            status=meeting_status,
            starts_at=timezone.now() - timedelta(days=3),
        ),
    )
    factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    now = timezone.now()
    return Minutes.objects.create(
        meeting=meeting,
        text=TEXT,
        status=status,
        circulated_at=now if status != "draft" else None,
        approved_at=now if status == "approved" else None,
    )


def _page_shows(client, person, minutes: Minutes) -> bool:
    client.force_login(person)
    response = client.get(reverse("meetings:meeting_detail", args=[minutes.meeting_id]))
    if response.status_code == 404:
        return False
    assert response.status_code == 200
    return TEXT in response.content.decode()


def _search_finds(person, minutes: Minutes) -> bool:
    found = search.meetings(person, "quokka", 20)
    return any(r.url.endswith(f"/{minutes.meeting_id}/#minutes") for r in found)


def _filter_holds(person, minutes: Minutes) -> bool:
    rule = permissions.reading_of(person).minutes()
    rows = Minutes.objects.all() if rule is None else Minutes.objects.filter(rule)
    return rows.filter(pk=minutes.pk).exists()


@pytest.mark.parametrize("status", ["draft", "circulated", "approved"])
@pytest.mark.parametrize("role", ROLES)
def test_the_page_and_the_search_agree_on_who_reads_the_minutes(
    client, people, organisation, role, status
):
    minutes = _minutes(organisation, status)
    person = people[role]
    expected = role in READERS[status]

    assert permissions.can_read_minutes(person, minutes.meeting, minutes) is expected
    assert _filter_holds(person, minutes) is expected
    assert _page_shows(client, person, minutes) is expected
    assert _search_finds(person, minutes) is expected


@pytest.mark.parametrize("role", ROLES)
def test_minutes_of_a_draft_meeting_are_the_organisers_only(client, people, organisation, role):
    minutes = _minutes(organisation, "circulated", meeting_status="draft")
    person = people[role]
    expected = role in {"secretariat", "chair"}

    assert permissions.can_read_minutes(person, minutes.meeting, minutes) is expected
    assert _filter_holds(person, minutes) is expected
    assert _page_shows(client, person, minutes) is expected
    assert _search_finds(person, minutes) is expected


def test_the_incoming_chairs_read_the_draft_minutes_of_their_own_terms_drafts(client):
    incoming = factories.OrganisationFactory(acronym="OSCE")
    factories.ChairTermFactory(
        starts_on=timezone.localdate() + timedelta(days=30),
        ends_on=timezone.localdate() + timedelta(days=395),
        organisations=[incoming],
    )
    person = factories.PersonFactory(organisation=incoming)
    theirs = _minutes(incoming, "draft", meeting_status="draft")
    theirs.meeting.starts_at = timezone.now() + timedelta(days=40)
    theirs.meeting.ends_at = theirs.meeting.starts_at + timedelta(hours=2)
    theirs.meeting.save()
    scheduled = _minutes(incoming, "draft")

    for minutes, expected in ((theirs, True), (scheduled, False)):
        assert permissions.can_read_minutes(person, minutes.meeting, minutes) is expected
        assert _filter_holds(person, minutes) is expected
        assert _page_shows(client, person, minutes) is expected
        assert _search_finds(person, minutes) is expected


def test_nobody_logged_out_reads_minutes(organisation):
    minutes = _minutes(organisation, "approved")
    anonymous = AnonymousUser()

    assert not permissions.can_read_minutes(anonymous, minutes.meeting, minutes)
    assert not _filter_holds(anonymous, minutes)
