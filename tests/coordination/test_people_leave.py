"""People leave: the secretariat deactivates a person and, in the same step, hands what they
hold (work items, handover tasks, drafts, action items) to a colleague of their organisation,
or leaves it without an owner on purpose; the secretariat's dashboard lists what is left so."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from common import registry
from coordination import services
from coordination.dashboard import left_without_owner
from coordination.models import Handover, HandoverTask, Person
from meetings.models import ActionItem
from statements.models import Statement
from tests import factories
from workplans.models import WorkItem

pytestmark = pytest.mark.django_db


# A year of its own for each signed-off handover a test makes (one term a year).
_YEARS = itertools.count()


def hold(person, *, count=1):
    """Give `person` `count` of everything each app lets a person own, plus what no longer
    needs anyone (a done item, an adopted statement, a task of a signed-off handover)."""
    organisation = person.organisation
    year = 2030 + next(_YEARS)
    term = factories.ChairTermFactory(
        starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), organisations=[organisation]
    )
    handover = Handover.objects.create(term=term)
    meeting = factories.MeetingFactory()
    for n in range(count):
        factories.WorkItemFactory(
            title=f"Item {person.pk}-{n}", lead_organisation=organisation, owner=person
        )
        HandoverTask.objects.create(handover=handover, title=f"Task {person.pk}-{n}", owner=person)
        factories.StatementFactory(
            title=f"Statement {person.pk}-{n}", lead_organisations=[organisation], drafters=[person]
        )
        ActionItem.objects.create(
            meeting=meeting,
            text=f"Action {person.pk}-{n}",
            owner_organisation=organisation,
            owner=person,
        )
    factories.WorkItemFactory(
        lead_organisation=organisation, owner=person, status="done", percent_complete=100
    )
    adopted = factories.StatementFactory(lead_organisations=[organisation], drafters=[person])
    Statement.objects.filter(pk=adopted.pk).update(adopted_at=timezone.now())
    signed = Handover.objects.create(
        term=factories.ChairTermFactory(
            starts_on=date(year + 60, 1, 1), ends_on=date(year + 60, 12, 31)
        ),
        signed_off_at=timezone.now(),
    )
    HandoverTask.objects.create(handover=signed, title="Signed off already", owner=person)


@pytest.fixture
def colleague(organisation):
    return factories.PersonFactory(organisation=organisation, email="colleague@example.org")


def still_held_by(person):
    return {
        "items": WorkItem.objects.open().filter(owner=person).count(),
        "tasks": HandoverTask.objects.filter(owner=person, status="open").count(),
        "drafts": Statement.objects.filter(drafters=person, adopted_at__isnull=True).count(),
        "actions": ActionItem.objects.filter(owner=person).count(),
    }


# --- What a person holds, app by app -------------------------------------------------------------


def test_every_app_says_what_a_person_holds(focal_point):
    hold(focal_point, count=2)
    held = {str(h.label): (h.count, h.items) for h in services.holdings_of(focal_point)}
    pk = focal_point.pk
    assert held == {
        "Work items they own": (2, [f"Item {pk}-0", f"Item {pk}-1"]),
        "Handover tasks they own": (2, [f"Task {pk}-0", f"Task {pk}-1"]),
        "Statements in progress they draft (and the comments to answer on them)": (
            2,
            [f"Statement {pk}-0", f"Statement {pk}-1"],
        ),
        "Meeting action items they own": (2, [f"Action {pk}-0", f"Action {pk}-1"]),
    }
    assert len(registry.ownership_sources) == 4


def test_someone_who_holds_nothing_has_nothing_listed(colleague):
    assert services.holdings_of(colleague) == []


# --- Deactivating ----------------------------------------------------------------------------------


def test_deactivating_hands_everything_to_the_successor_in_one_step(
    secretariat, focal_point, colleague
):
    hold(focal_point, count=2)
    handed = services.person_deactivate(
        person=focal_point, actor=secretariat, version=focal_point.version, successor=colleague
    )
    assert handed == 8
    focal_point.refresh_from_db()
    assert not focal_point.is_active
    assert still_held_by(colleague) == {"items": 2, "tasks": 2, "drafts": 2, "actions": 2}
    # Only what still needed someone moved; what is finished keeps who did it.
    assert still_held_by(focal_point) == {"items": 0, "tasks": 1, "drafts": 0, "actions": 0}
    assert Statement.objects.filter(drafters=focal_point, adopted_at__isnull=False).count() == 1
    assert WorkItem.objects.filter(owner=focal_point, status="done").count() == 1
    assert set(
        Statement.objects.filter(title__startswith="Statement").values_list("drafters", flat=True)
    ) == {colleague.pk}
    item = WorkItem.objects.filter(owner=colleague).first()
    assert LogEntry.objects.get_for_object(item).filter(actor=secretariat).exists()
    assert LogEntry.objects.get_for_object(focal_point).filter(actor=secretariat).exists()


def test_deactivating_someone_who_holds_something_needs_a_successor_or_a_choice(
    secretariat, focal_point
):
    hold(focal_point)
    with pytest.raises(ValidationError) as refused:
        services.person_deactivate(person=focal_point, actor=secretariat, version=1)
    assert "successor" in refused.value.message_dict
    focal_point.refresh_from_db()
    assert focal_point.is_active
    assert still_held_by(focal_point)["items"] == 1


def test_leaving_it_unassigned_keeps_the_owner_and_the_dashboard_lists_it(
    secretariat, focal_point, colleague
):
    hold(focal_point)
    services.person_deactivate(
        person=focal_point, actor=secretariat, version=1, leave_unassigned=True
    )
    focal_point.refresh_from_db()
    assert not focal_point.is_active
    block = left_without_owner(secretariat)
    assert block is not None
    pk = focal_point.pk
    assert sorted((str(o.kind), o.title) for o in block.context["orphans"]) == [
        ("Action item", f"Action {pk}-0"),
        ("Handover task", f"Task {pk}-0"),
        ("Statement", f"Statement {pk}-0"),
        ("Work item", f"Item {pk}-0"),
    ]
    assert {o.owner for o in block.context["orphans"]} == {focal_point.full_name}
    # A focal point does not see the secretariat's block.
    assert left_without_owner(colleague) is None


def test_nothing_left_without_an_owner_shows_no_block(secretariat, focal_point):
    hold(focal_point)
    assert left_without_owner(secretariat) is None


def test_a_statement_with_another_active_drafter_is_not_left_without_an_owner(
    secretariat, focal_point, colleague, organisation
):
    factories.StatementFactory(lead_organisations=[organisation], drafters=[focal_point, colleague])
    services.person_deactivate(
        person=focal_point, actor=secretariat, version=1, leave_unassigned=True
    )
    assert left_without_owner(secretariat) is None


def test_the_successor_must_be_an_active_colleague_of_the_same_organisation(
    secretariat, focal_point, colleague, other_organisation
):
    hold(focal_point)
    outsider = factories.PersonFactory(organisation=other_organisation)
    gone = factories.PersonFactory(organisation=focal_point.organisation, is_active=False)
    for successor in (outsider, gone, focal_point):
        with pytest.raises(ValidationError):
            services.person_deactivate(
                person=focal_point, actor=secretariat, version=1, successor=successor
            )
    focal_point.refresh_from_db()
    assert focal_point.is_active
    assert still_held_by(focal_point)["items"] == 1


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_only_the_secretariat_deactivates(request, role_fixture, colleague):
    hold(colleague)
    with pytest.raises(PermissionDenied):
        services.person_deactivate(
            person=colleague, actor=request.getfixturevalue(role_fixture), version=1
        )
    colleague.refresh_from_db()
    assert colleague.is_active


def test_the_edit_form_cannot_deactivate_someone_who_holds_something(
    secretariat, focal_point, colleague
):
    hold(focal_point)
    with pytest.raises(ValidationError) as refused:
        services.person_update(
            person=focal_point, actor=secretariat, version=focal_point.version, is_active=False
        )
    assert "is_active" in refused.value.message_dict
    # Someone holding nothing is still deactivated there.
    services.person_update(
        person=colleague, actor=secretariat, version=colleague.version, is_active=False
    )
    colleague.refresh_from_db()
    assert not colleague.is_active


# --- The page --------------------------------------------------------------------------------------


def url(person):
    return reverse("coordination:person_deactivate", args=[person.pk])


def test_the_page_lists_what_they_hold_and_offers_only_active_colleagues(
    client, secretariat, focal_point, colleague, other_organisation
):
    hold(focal_point)
    factories.PersonFactory(organisation=other_organisation, full_name="Someone Elsewhere")
    factories.PersonFactory(
        organisation=focal_point.organisation, full_name="Gone Already", is_active=False
    )
    client.force_login(secretariat)
    detail = client.get(focal_point.get_absolute_url()).content.decode()
    assert url(focal_point) in detail
    page = client.get(url(focal_point)).content.decode()
    assert f"Item {focal_point.pk}-0" in page and "Work items they own" in page
    assert colleague.full_name in page
    assert "Someone Elsewhere" not in page and "Gone Already" not in page


def test_the_page_asks_for_confirmation_then_does_it_once(
    client, secretariat, focal_point, colleague
):
    hold(focal_point)
    client.force_login(secretariat)
    fields = {"successor": colleague.pk, "version": focal_point.version, "once": "4" * 32}
    asked = client.post(url(focal_point), fields)
    page = asked.content.decode()
    assert "This cannot be undone." in page
    assert f"go to {colleague.full_name}" in page
    focal_point.refresh_from_db()
    assert focal_point.is_active  # nothing happens before the confirmation
    done = client.post(url(focal_point), {**fields, "confirmed": "yes"}, follow=True)
    assert "is deactivated" in done.content.decode()
    focal_point.refresh_from_db()
    assert not focal_point.is_active
    assert still_held_by(colleague)["items"] == 1
    again = client.post(url(focal_point), {**fields, "confirmed": "yes"}, follow=True)
    assert "saved already" in again.content.decode()


def test_the_page_refuses_without_a_successor_or_a_choice(client, secretariat, focal_point):
    hold(focal_point)
    client.force_login(secretariat)
    response = client.post(url(focal_point), {"version": focal_point.version, "confirmed": "yes"})
    assert response.status_code == 200
    assert "Choose who takes over" in response.content.decode()
    focal_point.refresh_from_db()
    assert focal_point.is_active


def test_the_page_leaves_it_unassigned_when_chosen(client, secretariat, focal_point):
    hold(focal_point)
    client.force_login(secretariat)
    client.post(
        url(focal_point),
        {"version": focal_point.version, "leave_unassigned": "on", "confirmed": "yes"},
    )
    focal_point.refresh_from_db()
    assert not focal_point.is_active
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Left without an owner" in dashboard
    assert f"Item {focal_point.pk}-0" in dashboard


@pytest.mark.parametrize("role_fixture", ["focal_point", "principal", "observer"])
def test_the_page_is_refused_to_anyone_but_the_secretariat(
    client, request, role_fixture, colleague
):
    hold(colleague)
    client.force_login(request.getfixturevalue(role_fixture))
    assert client.get(url(colleague)).status_code == 403
    response = client.post(
        url(colleague), {"version": colleague.version, "leave_unassigned": "on", "confirmed": "yes"}
    )
    assert response.status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active
    assert still_held_by(colleague)["items"] == 1


# --- Queries -----------------------------------------------------------------------------------


def test_the_page_reads_a_fixed_number_of_queries(
    client, secretariat, focal_point, django_assert_max_num_queries
):
    client.force_login(secretariat)
    hold(focal_point, count=1)
    factories.PersonFactory(organisation=focal_point.organisation)
    with django_assert_max_num_queries(40) as small:
        client.get(url(focal_point))
    hold(focal_point, count=6)
    for _ in range(5):
        factories.PersonFactory(organisation=focal_point.organisation)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(focal_point))


def test_the_orphan_block_reads_a_fixed_number_of_queries(
    secretariat, organisation, django_assert_max_num_queries
):
    def leavers(count):
        for _ in range(count):
            person = factories.PersonFactory(organisation=organisation)
            hold(person)
            Person.objects.filter(pk=person.pk).update(is_active=False)

    leavers(1)
    with django_assert_max_num_queries(8) as small:
        block = left_without_owner(secretariat)
    assert block is not None and len(block.context["orphans"]) == 4
    leavers(5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        block = left_without_owner(secretariat)
    assert block is not None and len(block.context["orphans"]) == 24
