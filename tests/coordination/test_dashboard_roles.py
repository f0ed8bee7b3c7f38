"""The dashboard per role: the secretariat's group-wide blocks, the chair's, the observer's. Each
block is for its role only, links to the filtered list behind it, and takes a fixed number of
queries whatever the data."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination import dashboard_roles
from coordination.models import Person
from coordination.selectors import current_chair_term, dashboard_blocks
from meetings import dashboard as meetings_dashboard
from meetings.models import Minutes
from notifications import dashboard as notifications_dashboard
from notifications.models import Delivery
from tests import factories
from workplans import dashboard as workplans_dashboard
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 3, 9, 0, tzinfo=UTC)
TODAY = date(2026, 6, 3)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def chair(organisation):
    factories.ChairTermFactory(
        starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), organisations=[organisation]
    )
    return factories.PersonFactory(organisation=organisation, email="chair@example.org")


@pytest.fixture
def plain_focal_point(other_organisation):
    """A focal point of an organisation that does not chair."""
    return factories.PersonFactory(organisation=other_organisation, email="fp@example.org")


def fresh(person) -> Person:
    # Read afresh, as the dashboard's request does: nothing cached on the person.
    return Person.objects.get(pk=person.pk)


def rendered_queries(block_of: Callable[[Person], Any], person) -> int:
    """The queries a block takes to be computed and rendered."""
    person = fresh(person)
    with CaptureQueriesContext(connection) as captured:
        block = block_of(person)
        assert block is not None
        render_to_string(block.template, block.context)
    return len(captured)


def headings(client, person) -> list[str]:
    client.force_login(person)
    html = client.get(reverse("dashboard")).content.decode()
    return re.findall(r"<h2 id=\"[^\"]+\">(.*?)</h2>", html)


def item(organisation, **fields) -> WorkItem:
    return cast(WorkItem, factories.WorkItemFactory(lead_organisation=organisation, **fields))


# --- Items at risk, off track or overdue ---------------------------------------------------------


def test_the_secretariat_sees_items_in_trouble_counted_by_lead_organisation(
    client, secretariat, organisation, other_organisation
):
    item(organisation, status="at_risk")
    item(organisation, status="at_risk", due_on=TODAY - timedelta(days=1))
    item(organisation, status="off_track")
    item(other_organisation, status="on_track", due_on=TODAY - timedelta(days=5))
    item(other_organisation, status="done", percent_complete=100, due_on=date(2026, 1, 1))
    item(other_organisation, status="on_track", due_on=TODAY + timedelta(days=3))

    block = workplans_dashboard.items_at_risk(fresh(secretariat))
    assert block is not None
    rows = {row.acronym: (row.at_risk, row.off_track, row.overdue) for row in block.context["rows"]}
    assert rows == {"UNICEF": (2, 1, 1), "ILO": (0, 0, 1)}
    assert [row.acronym for row in block.context["rows"]] == ["UNICEF", "ILO"]  # most first
    assert (block.context["at_risk"], block.context["off_track"], block.context["overdue"]) == (
        2,
        1,
        2,
    )


def test_each_count_links_to_the_item_list_filtered_the_same_way(
    client, secretariat, organisation, other_organisation
):
    at_risk = item(organisation, status="at_risk")
    overdue = item(organisation, status="on_track", due_on=TODAY - timedelta(days=2))
    item(other_organisation, status="at_risk")
    item(organisation, status="on_track")
    block = workplans_dashboard.items_at_risk(fresh(secretariat))
    assert block is not None
    (row,) = [r for r in block.context["rows"] if r.acronym == "UNICEF"]
    client.force_login(secretariat)

    def listed(url: str) -> set[int]:
        return {i.pk for i in client.get(url).context["page"].object_list}

    assert listed(row.at_risk_url) == {at_risk.pk}
    assert listed(row.overdue_url) == {overdue.pk}
    assert len(listed(block.context["troubled_url"])) == 2


def test_the_chair_sees_the_items_in_trouble_and_a_focal_point_does_not(
    chair, plain_focal_point, principal, observer
):
    assert workplans_dashboard.items_at_risk(fresh(chair)) is not None
    for person in (plain_focal_point, principal, observer):
        assert workplans_dashboard.items_at_risk(fresh(person)) is None


# --- Members gone silent, members without a focal point --------------------------------------------


def test_members_whose_open_items_had_no_update_in_90_days_are_listed(
    secretariat, organisation, other_organisation
):
    silent = factories.OrganisationFactory(acronym="IOM")
    item(silent, last_progress_at=NOW - timedelta(days=120))
    item(silent, last_progress_at=NOW - timedelta(days=95))
    # One recent update on any of its items is enough.
    item(organisation, last_progress_at=NOW - timedelta(days=200))
    item(organisation, last_progress_at=NOW - timedelta(days=10))
    # Only closed items: nothing to report on.
    item(other_organisation, status="cancelled", last_progress_at=NOW - timedelta(days=300))
    # A former member is not followed up.
    former = factories.OrganisationFactory(acronym="OLD", left_on=date(2025, 1, 1))
    item(former, last_progress_at=NOW - timedelta(days=300))

    block = workplans_dashboard.organisations_without_updates(fresh(secretariat))
    assert block is not None
    (row,) = block.context["silent"]
    assert row.organisation == silent and row.open_items == 2
    assert row.items_url == reverse("workplans:item_list") + (
        f"?lead_organisation={silent.pk}&ordering=updated"
    )


def test_members_without_an_active_focal_point_are_listed(secretariat, organisation):
    nobody = factories.OrganisationFactory(acronym="IOM")
    factories.PrincipalFactory(organisation=nobody)
    gone = factories.OrganisationFactory(acronym="ILO")
    factories.PersonFactory(organisation=gone, is_active=False)
    with_alternate = factories.OrganisationFactory(acronym="OSCE")
    factories.PersonFactory(organisation=with_alternate, role=Person.Role.ALTERNATE)
    factories.PersonFactory(organisation=organisation)
    factories.OrganisationFactory(acronym="OLD", left_on=date(2025, 1, 1))

    block = dashboard_roles.organisations_without_focal_point(fresh(secretariat))
    assert block is not None
    # The secretariat's own organisation (UNODC) has no focal point in this test either.
    assert [o.acronym for o in block.context["organisations"]] == ["ILO", "IOM", "UNODC"]
    html = render_to_string(block.template, block.context)
    assert f'href="{nobody.get_absolute_url()}"' in html
    assert reverse("coordination:invitation_list") in html


def test_only_the_secretariat_gets_the_follow_up_blocks(
    chair, plain_focal_point, principal, observer
):
    for person in (chair, plain_focal_point, principal, observer):
        person = fresh(person)
        assert dashboard_roles.organisations_without_focal_point(person) is None
        assert workplans_dashboard.organisations_without_updates(person) is None
        assert meetings_dashboard.rsvps_missing_by_meeting(person) is None
        assert notifications_dashboard.failed_deliveries(person) is None


# --- Answers missing -------------------------------------------------------------------------------


def invite(meeting, *organisations, response="no_answer"):
    for organisation in organisations:
        factories.MeetingInvitationFactory(
            meeting=meeting, organisation=organisation, response=response
        )
    return meeting


def test_the_secretariat_sees_which_organisations_have_not_answered_this_month(
    secretariat, organisation, other_organisation
):
    answered = factories.OrganisationFactory(acronym="IOM")
    soon = invite(factories.MeetingFactory(starts_at=NOW + timedelta(days=10)), organisation)
    invite(soon, other_organisation)
    invite(soon, answered, response="online")
    invite(factories.MeetingFactory(starts_at=NOW + timedelta(days=40)), organisation)
    invite(factories.MeetingFactory(status="draft"), organisation)
    invite(factories.MeetingFactory(status="cancelled"), organisation)
    invite(factories.MeetingFactory(), organisation, response="in_person")

    block = meetings_dashboard.rsvps_missing_by_meeting(fresh(secretariat))
    assert block is not None
    (meeting,) = block.context["meetings"]
    assert meeting == soon
    assert [i.organisation.acronym for i in meeting.missing] == ["ILO", "UNICEF"]
    assert f'href="{soon.get_absolute_url()}#rsvps"' in render_to_string(
        block.template, block.context
    )


# --- Failed deliveries ----------------------------------------------------------------------------


def delivery(status: str, n: int) -> Delivery:
    return Delivery.objects.create(
        key=f"test:{status}:{n}:{Delivery.objects.count()}",
        kind="test",
        to=f"someone{n}@example.org",
        subject="A test",
        text="text",
        html="<p>html</p>",
        status=status,
    )


def test_the_secretariat_is_told_of_failed_emails_with_the_link_to_the_log(secretariat):
    assert notifications_dashboard.failed_deliveries(fresh(secretariat)) is None
    delivery("sent", 1)
    assert notifications_dashboard.failed_deliveries(fresh(secretariat)) is None
    delivery("failed", 2)
    delivery("failed", 3)
    delivery("retry", 4)
    block = notifications_dashboard.failed_deliveries(fresh(secretariat))
    assert block is not None
    assert (block.context["failed"], block.context["retrying"]) == (2, 1)
    html = render_to_string(block.template, block.context)
    assert f'href="{reverse("notifications:deliveries")}?status=failed"' in html
    assert "2 emails failed" in html


# --- The chair -------------------------------------------------------------------------------------


def test_the_chair_sees_the_meetings_to_prepare(chair, organisation):
    draft = factories.MeetingFactory(status="draft", starts_at=NOW + timedelta(days=30))
    no_agenda = factories.MeetingFactory(starts_at=NOW + timedelta(days=7))
    factories.MeetingFactory(
        starts_at=NOW + timedelta(days=8), agenda_published_at=NOW - timedelta(days=1)
    )
    factories.MeetingFactory(starts_at=NOW + timedelta(days=5), status="cancelled")
    factories.MeetingFactory(starts_at=NOW + timedelta(days=90))
    held = factories.MeetingFactory(starts_at=NOW - timedelta(days=3), status="held")
    drafted = factories.MeetingFactory(starts_at=NOW - timedelta(days=10))
    Minutes.objects.create(meeting=drafted, text="Draft minutes")
    circulated = factories.MeetingFactory(starts_at=NOW - timedelta(days=20), status="held")
    Minutes.objects.create(meeting=circulated, text="Minutes", status="circulated")
    factories.MeetingFactory(starts_at=NOW - timedelta(days=400), status="held")

    block = meetings_dashboard.meetings_to_prepare(fresh(chair))
    assert block is not None
    assert draft in block.context["upcoming"] and no_agenda in block.context["upcoming"]
    assert len(block.context["upcoming"]) == 3
    assert block.context["agendas_late"] == [no_agenda]
    assert block.context["minutes_due"] == [held, drafted]
    html = render_to_string(block.template, block.context)
    assert f'href="{no_agenda.get_absolute_url()}#agenda"' in html
    assert f'href="{held.get_absolute_url()}#minutes"' in html
    assert "Draft, not yet published" in html


def test_the_chair_sees_the_terms_pledges(chair, organisation, other_organisation):
    current = current_chair_term()
    assert current is not None
    pledge = factories.PledgeFactory(term=current, organisation=organisation, title="Our pledge")
    factories.PledgeFactory(
        term=factories.ChairTermFactory(
            starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31), organisations=[organisation]
        ),
        organisation=organisation,
        title="Last year's",
    )
    block = workplans_dashboard.term_pledges(fresh(chair))
    assert block is not None
    assert block.context["pledges"] == [pledge]
    html = render_to_string(block.template, block.context)
    assert f'href="{current.get_absolute_url()}#pledges"' in html


def test_the_chair_blocks_are_the_chairs(secretariat, plain_focal_point, principal, observer):
    for person in (secretariat, plain_focal_point, principal, observer):
        person = fresh(person)
        assert meetings_dashboard.meetings_to_prepare(person) is None
        assert workplans_dashboard.term_pledges(person) is None


# --- What each sees first ----------------------------------------------------------------------------


def test_the_secretariat_sees_the_group_wide_blocks_first(client, secretariat):
    assert headings(client, secretariat)[:2] == [
        "Items at risk, off track or overdue",
        "Members without a focal point",
    ]


def test_the_chair_sees_the_meetings_to_prepare_then_the_plan(client, chair):
    assert headings(client, chair)[:4] == [
        "Meetings to prepare",
        "Items at risk, off track or overdue",
        "The term's pledges",
        "Chairs",
    ]


def test_an_observer_sees_what_is_published_and_never_nothing_for_their_organisation(client):
    donor = factories.OrganisationFactory(acronym="DONOR")
    observer = factories.ObserverFactory(organisation=donor)
    meeting = invite(factories.MeetingFactory(title="Briefing to donors"), donor)
    item(donor, status="at_risk")
    client.force_login(observer)
    html = client.get(reverse("dashboard")).content.decode()
    assert headings(client, observer)[:2] == ["What the group publishes", "Meetings ahead"]
    assert "Your organisation is invited" in html
    assert meeting.get_absolute_url() in html
    for organisation_only in (
        "My organisation's work",
        "My organisation's meetings",
        "Nothing your organisation",
        "Your organisation has answered",
    ):
        assert organisation_only not in html


def test_the_observer_blocks_are_the_observers(secretariat, chair, principal):
    for person in (secretariat, chair, principal):
        person = fresh(person)
        assert dashboard_roles.published_for_observers(person) is None
        assert meetings_dashboard.meetings_for_observers(person) is None


def test_every_block_of_each_role_is_registered(secretariat, chair, principal, observer):
    assert {b.template for b in dashboard_blocks(fresh(secretariat))} >= {
        "workplans/dashboard_at_risk.html",
        "workplans/dashboard_silent.html",
        "coordination/dashboard_no_focal_point.html",
        "meetings/dashboard_rsvps_missing.html",
    }
    assert {b.template for b in dashboard_blocks(fresh(chair))} >= {
        "meetings/dashboard_prepare.html",
        "workplans/dashboard_at_risk.html",
        "workplans/dashboard_pledges.html",
    }


# --- A fixed number of queries ---------------------------------------------------------------------


def grow(size: int, organisations: list, term) -> None:
    """`size` of everything the role blocks count, for every organisation."""
    for n in range(size):
        for organisation in organisations:
            item(organisation, status="at_risk", last_progress_at=NOW - timedelta(days=100))
            item(organisation, status="off_track", due_on=TODAY - timedelta(days=n + 1))
            meeting = invite(
                factories.MeetingFactory(starts_at=NOW + timedelta(days=n + 1)), organisation
            )
            invite(meeting, factories.OrganisationFactory())
            factories.MeetingFactory(starts_at=NOW - timedelta(days=n + 1), status="held")
            factories.PledgeFactory(term=term, organisation=organisation)
            factories.OrganisationFactory()
            delivery("failed", len(organisations) * 1000 + n * 10 + organisation.pk)


BLOCKS = [
    ("secretariat", workplans_dashboard.items_at_risk),
    ("secretariat", workplans_dashboard.organisations_without_updates),
    ("secretariat", dashboard_roles.organisations_without_focal_point),
    ("secretariat", meetings_dashboard.rsvps_missing_by_meeting),
    ("secretariat", notifications_dashboard.failed_deliveries),
    ("chair", meetings_dashboard.meetings_to_prepare),
    ("chair", workplans_dashboard.items_at_risk),
    ("chair", workplans_dashboard.term_pledges),
    ("observer", meetings_dashboard.meetings_for_observers),
    ("observer", dashboard_roles.published_for_observers),
]


@pytest.mark.parametrize(("role", "block_of"), BLOCKS)
def test_each_role_block_takes_the_same_queries_for_little_or_much(
    request, role, block_of, chair, organisation, other_organisation
):
    observer = factories.ObserverFactory(organisation=other_organisation)
    person = observer if role == "observer" else request.getfixturevalue(role)
    term = current_chair_term()
    grow(1, [organisation, other_organisation], term)
    little = rendered_queries(block_of, person)
    grow(4, [organisation, other_organisation], term)
    assert rendered_queries(block_of, person) == little
