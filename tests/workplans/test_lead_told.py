"""The lead organisation hears when another organisation changes the status or dates of an item
it leads: its focal points and alternates and the item's owner, never the person who changed
it; at once (an in-app notification, and an email if they want it) and in the digest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from coordination.models import Person
from notifications.models import Notification
from tests import factories
from workplans import services
from workplans.digest import LEAD_TOLD

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organisation, other_organisation, focal_point):
    """A UNICEF-led item with ILO contributing, owned by someone of ILO; UNICEF has a focal
    point, an alternate and a principal (who is not told: principals do not follow items)."""
    alternate = factories.PersonFactory(
        organisation=organisation, role=Person.Role.ALTERNATE, email="alternate@example.org"
    )
    owner = factories.PersonFactory(organisation=other_organisation, email="owner@example.org")
    principal = factories.PrincipalFactory(organisation=organisation, email="boss@example.org")
    contributor = factories.PersonFactory(
        organisation=other_organisation, email="contributor@example.org"
    )
    item = factories.WorkItemFactory(
        title="Guidance on child victims",
        lead_organisation=organisation,
        contributing_organisations=[other_organisation],
        owner=owner,
        due_on=date(2026, 9, 30),
    )
    return {
        "item": item,
        "focal_point": focal_point,
        "alternate": alternate,
        "owner": owner,
        "principal": principal,
        "contributor": contributor,
    }


def told() -> set[int]:
    return set(Notification.objects.filter(kind="lead_told").values_list("person_id", flat=True))


def post_update(item, actor, status="at_risk", **fields):
    return services.progress_update_post(
        item=item,
        actor=actor,
        narrative="Funding is late.",
        status=status,
        percent_complete=30,
        **fields,
    )


def test_a_contributor_setting_the_status_tells_the_lead_and_the_owner(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post_update(world["item"], world["contributor"])
    assert told() == {world["focal_point"].pk, world["alternate"].pk, world["owner"].pk}
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["alternate@example.org", "focal@example.org", "owner@example.org"]
    message = mail.outbox[0]
    assert message.subject == "ILO changed Guidance on child victims"
    assert "changed an item that UNICEF leads: status" in message.body
    assert "At risk" in message.body


def test_a_contributor_moving_the_dates_tells_the_lead(world, django_capture_on_commit_callbacks):
    item = world["item"]
    with django_capture_on_commit_callbacks(execute=True):
        services.work_item_update(
            item=item, actor=world["contributor"], version=item.version, due_on=date(2026, 12, 31)
        )
    assert told() == {world["focal_point"].pk, world["alternate"].pk, world["owner"].pk}
    assert "due on" in mail.outbox[0].body


def test_a_contributor_changing_only_the_text_tells_nobody(
    world, django_capture_on_commit_callbacks
):
    item = world["item"]
    with django_capture_on_commit_callbacks(execute=True):
        services.work_item_update(
            item=item, actor=world["contributor"], version=item.version, title="Guidance, v2"
        )
    assert told() == set()
    assert mail.outbox == []


def test_the_leads_own_change_tells_nobody(world, django_capture_on_commit_callbacks):
    item = world["item"]
    with django_capture_on_commit_callbacks(execute=True):
        post_update(item, world["focal_point"])
        item.refresh_from_db()
        services.work_item_update(
            item=item, actor=world["alternate"], version=item.version, start_on=date(2026, 2, 1)
        )
    assert told() == set()


def test_the_person_who_made_the_change_is_never_told(world, django_capture_on_commit_callbacks):
    """The owner (of the contributing organisation) changes the item: the lead is told, the
    owner is not."""
    with django_capture_on_commit_callbacks(execute=True):
        post_update(world["item"], world["owner"])
    assert told() == {world["focal_point"].pk, world["alternate"].pk}
    assert "owner@example.org" not in [address for m in mail.outbox for address in m.to]


def test_the_secretariat_is_another_organisation_for_the_lead(
    world, secretariat, django_capture_on_commit_callbacks
):
    item = world["item"]
    with django_capture_on_commit_callbacks(execute=True):
        services.work_item_update(
            item=item, actor=secretariat, version=item.version, status="off_track"
        )
    assert told() == {world["focal_point"].pk, world["alternate"].pk, world["owner"].pk}


def test_a_report_on_the_past_that_changes_nothing_tells_nobody(
    world, django_capture_on_commit_callbacks
):
    item = world["item"]
    post_update(item, world["focal_point"], status="on_track")
    item.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        post_update(
            item, world["contributor"], reported_on=timezone.localdate() - timedelta(days=30)
        )
    assert told() == set()


# --- The digest ----------------------------------------------------------------------------------


def titles(lines, person):
    return [line["title"] for line in lines.get(person.pk, [])]


def test_the_digest_lists_other_organisations_changes_for_the_lead_and_the_owner(
    world, other_organisation
):
    item = world["item"]
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        post_update(item, world["contributor"])
    item.refresh_from_db()
    post_update(item, world["focal_point"], status="on_track")  # the lead's own: not listed
    lines = LEAD_TOLD.collect(
        [
            world["focal_point"],
            world["alternate"],
            world["owner"],
            world["principal"],
            world["contributor"],
        ],
        timezone.now(),
    )
    for reader in ("focal_point", "alternate", "owner"):
        assert titles(lines, world[reader]) == ["Guidance on child victims"], reader
    assert titles(lines, world["principal"]) == []
    assert titles(lines, world["contributor"]) == []  # they made the change
    detail = str(lines[world["owner"].pk][0]["detail"])
    assert detail.startswith("status: At risk, by ") and "(ILO)" in detail


def test_the_digest_forgets_changes_older_than_a_week(world):
    with time_machine.travel(timezone.now() - timedelta(days=8)):
        post_update(world["item"], world["contributor"])
    assert LEAD_TOLD.collect([world["focal_point"]], timezone.now()) == {}


def test_the_digest_reads_a_fixed_number_of_queries_for_a_batch(
    world, organisation, other_organisation, django_assert_max_num_queries
):
    def changes(count):
        for _ in range(count):
            item = factories.WorkItemFactory(
                lead_organisation=organisation, contributing_organisations=[other_organisation]
            )
            post_update(item, world["contributor"])
        people = [factories.PersonFactory(organisation=organisation) for _ in range(count)]
        return people

    readers = changes(2)
    with django_assert_max_num_queries(3) as small:
        lines = LEAD_TOLD.collect(readers, timezone.now())
    assert len(lines[readers[0].pk]) == 2
    readers += changes(6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        lines = LEAD_TOLD.collect(readers, timezone.now())
    assert len(lines[readers[-1].pk]) == 8
