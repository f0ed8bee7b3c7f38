"""What is due for an organisation: the dashboard and the digest read it the same way."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import dashboard, digest, selectors
from meetings.models import ActionItem, Minutes
from tests import factories

pytestmark = pytest.mark.django_db

SECTIONS = (digest.MEETINGS_SOON, digest.RSVPS, digest.MINUTES, digest.ACTION_ITEMS)


def titles(lines: Sequence[Mapping[str, object]]) -> list[str]:
    return [str(line["title"]) for line in lines]


def test_the_dashboard_and_the_digest_agree_for_a_host_organisation():
    """A host need not be on its own invitation list: its meeting, and the minutes of it, are
    still its own, on the dashboard and in the digest alike."""
    host = factories.OrganisationFactory(acronym="HOST")
    person = factories.PersonFactory(organisation=host)
    now = timezone.now()
    factories.MeetingFactory(
        title="Hosted meeting", host_organisation=host, starts_at=now + timedelta(days=3)
    )
    invited = factories.MeetingFactory(title="Invited meeting", starts_at=now + timedelta(days=5))
    factories.MeetingInvitationFactory(meeting=invited, organisation=host)
    factories.MeetingFactory(title="Someone else's meeting", starts_at=now + timedelta(days=4))
    held = factories.MeetingFactory(
        title="Hosted last month",
        host_organisation=host,
        starts_at=now - timedelta(days=30),
        status="held",
    )
    minutes = Minutes.objects.create(
        meeting=held,
        text="We met.",
        status=Minutes.Status.CIRCULATED,
        approval_due_on=timezone.localdate() + timedelta(days=5),
    )

    block = dashboard.my_organisation_meetings(person)
    assert block is not None
    on_the_dashboard = [m.title for m in block.context["next_meetings"]]
    in_the_digest = titles(digest.MEETINGS_SOON.collect([person], now)[person.pk])
    assert on_the_dashboard == in_the_digest == ["Hosted meeting", "Invited meeting"]

    assert list(selectors.minutes_awaiting_approval({host.pk})) == [minutes]
    assert titles(digest.MINUTES.collect([person], now)[person.pk]) == ["Hosted last month"]


def test_a_batch_reads_each_organisations_own_lines_in_a_fixed_number_of_queries():
    now = timezone.now()

    def organisation_with_everything(n):
        organisation = factories.OrganisationFactory()
        person = factories.PersonFactory(organisation=organisation)
        hosted = factories.MeetingFactory(
            title=f"Hosted {n}",
            host_organisation=organisation,
            starts_at=now + timedelta(days=2),
            rsvp_deadline=now + timedelta(days=1),
        )
        factories.MeetingInvitationFactory(meeting=hosted, organisation=organisation)
        Minutes.objects.create(
            meeting=hosted,
            text="x",
            status=Minutes.Status.CIRCULATED,
            approval_due_on=timezone.localdate() + timedelta(days=3),
        )
        ActionItem.objects.create(
            meeting=hosted,
            text=f"Action {n}",
            owner_organisation=organisation,
            due_on=timezone.localdate() - timedelta(days=1),
        )
        return person

    def queries(people):
        with CaptureQueriesContext(connection) as captured:
            read = {
                section.kind: {
                    pk: titles(lines) for pk, lines in section.collect(people, now).items()
                }
                for section in SECTIONS
            }
        return len(captured), read

    few, _read = queries([organisation_with_everything(n) for n in range(2)])
    people = [organisation_with_everything(n) for n in range(2, 12)]
    many, read = queries(people)
    assert many == few
    first = people[0].pk
    assert read["meetings"][first] == read["rsvps"][first] == read["minutes"][first] == ["Hosted 2"]
    assert read["actions"][first] == ["Action 2"]
