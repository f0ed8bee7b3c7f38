"""notifications' public contract, as another app uses it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import registry
from notifications import contract, delivery, services
from notifications.models import Delivery, Preference
from tests import factories

pytestmark = pytest.mark.django_db


@dataclass
class LaterSection:
    """A reminder kind an app adds after people chose theirs."""

    kind: str = "later"
    label: str = "Later reminders"
    roles: frozenset[str] = frozenset({"focal_point"})
    title: str = "Later"

    def collect(self, people, now):
        return {person.pk: [{"title": "New thing", "url": "/", "detail": ""}] for person in people}


LATER = LaterSection()


@pytest.fixture
def later_kind():
    registry.digest_sections.add("tests.notifications.test_contract.LATER")
    yield LATER
    registry.digest_sections.remove("tests.notifications.test_contract.LATER")


def test_a_kind_added_later_reaches_the_roles_that_have_it_unless_switched_off(
    focal_point, principal, later_kind
):
    services.ensure_preferences(timezone.now(), people=[focal_point, principal])
    chose_before = services.preference_for(focal_point)
    # As if chosen before the kind existed.
    Preference.objects.filter(pk=chose_before.pk).update(
        kinds=["meetings"],
        kinds_known=[
            "work_items",
            "lead_told",
            "meetings",
            "rsvps",
            "minutes",
            "actions",
            "news",
            "handover",
            "statement_comments",
            "statement_endorsements",
            "mapping_profile",
            "mapping_reviews",
        ],
    )
    chose_before.refresh_from_db()
    assert services.wanted_kinds(chose_before, focal_point.role) == {"meetings", "later"}
    # A principal's role does not have it by default.
    assert "later" not in services.wanted_kinds(services.preference_for(principal), principal.role)
    # Once offered and switched off, it stays off.
    services.preference_update(person=focal_point, kinds=["meetings"])
    assert services.wanted_kinds(services.preference_for(focal_point), focal_point.role) == {
        "meetings"
    }


def test_notify_records_in_app_and_email_once_per_event(
    focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(2):
            contract.notify(
                people=[focal_point],
                kind="item_assigned",
                key="test:1",
                title=_("Assigned to you: {title}"),
                url="/",
                template="workplans/email/item_assigned",
                context={"item": factories.WorkItemFactory()},
            )
    assert Delivery.objects.filter(person=focal_point).count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_recorded_while_muted(focal_point):
    with contract.muted():
        contract.record(
            contract.notify,
            people=[focal_point],
            kind="item_assigned",
            key="muted:1",
            title="t",
            url="/",
            template="workplans/email/item_assigned",
            context={},
        )
    assert not Delivery.objects.exists()


def test_an_email_about_an_object_no_app_finishes_is_skipped_not_sent():
    Delivery.objects.create(
        key="orphan:1",
        kind="invitation",
        to="someone@example.org",
        subject="s",
        text="t",
        html="h",
        subject_type="nowhere.thing",
        subject_id=1,
    )
    delivery.deliver()
    row = Delivery.objects.get()
    assert row.status == Delivery.Status.SKIPPED and "nowhere.thing" in row.last_error
    assert not mail.outbox


def test_the_delivery_log_is_read_by_whom_coordination_says(secretariat, focal_point):
    from notifications.permissions import can_read_delivery_log

    assert can_read_delivery_log(secretariat)
    assert not can_read_delivery_log(focal_point)


def test_someone_who_turned_off_immediate_emails_reads_the_event_in_the_digest(
    focal_point, principal, organisation, django_capture_on_commit_callbacks
):
    from notifications import digests

    services.preference_update(person=focal_point, immediate=False, frequency="daily")
    services.preference_for(principal)  # immediate emails on: the email went already
    item = factories.WorkItemFactory(lead_organisation=organisation, title="Toolkit chapter")
    with django_capture_on_commit_callbacks(execute=True):
        for person in (focal_point, principal):
            contract.notify(
                people=[person],
                kind="item_assigned",
                key=f"assigned:{item.pk}:{person.pk}",
                title=_("Assigned to you: {title}").format(title=item.title),
                url=item.get_absolute_url(),
                template="workplans/email/item_assigned",
                context={"item": item},
            )
    assert [m.to for m in mail.outbox] == [[principal.email]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        digests.send_digest_batch([focal_point.pk, principal.pk], timezone.now(), period="test")
    by_reader = {m.to[0]: m.body for m in mail.outbox}
    assert "Assigned to you: Toolkit chapter" in by_reader[focal_point.email]
    assert "Assigned to you" not in by_reader.get(principal.email, "")


def test_a_service_message_reaches_people_who_turned_immediate_emails_off(
    focal_point, django_capture_on_commit_callbacks
):
    services.preference_update(person=focal_point, immediate=False)
    with django_capture_on_commit_callbacks(execute=True):
        for n, service in enumerate((False, True)):
            contract.notify(
                people=[focal_point],
                kind="handover_reminder",
                key=f"service:{n}",
                title="Sign the handover",
                url="/",
                template="workplans/email/item_assigned",
                context={"item": factories.WorkItemFactory()},
                service=service,
            )
    (sent,) = mail.outbox  # only the service message
    assert "List-Unsubscribe" not in sent.extra_headers
