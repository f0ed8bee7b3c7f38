"""The outbox: events recorded with their change, processed by a worker, never twice."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.urls import reverse

from config.celery import app
from coordination import services as coordination_services
from notifications import contract, delivery, outbox, tasks
from notifications.models import Delivery, Event
from tests import factories

pytestmark = pytest.mark.django_db


def invite(secretariat, organisation, email="new.person@example.org"):
    return coordination_services.invitation_create(
        actor=secretariat, email=email, role="focal_point", organisation=organisation
    )


def test_the_change_records_an_event_and_the_request_renders_no_email(secretariat, organisation):
    invite(secretariat, organisation)  # on_commit callbacks do not run: no worker has it yet
    event = Event.objects.get()
    assert event.handler == "coordination.notify.invitation_email"
    assert event.status == Event.Status.PENDING
    assert not Delivery.objects.exists()


def test_a_change_rolled_back_leaves_no_event(secretariat, organisation):
    with pytest.raises(RuntimeError), transaction.atomic():
        invite(secretariat, organisation)
        raise RuntimeError("the change fails after recording its event")
    assert not Event.objects.exists()


def test_the_worker_turns_the_event_into_one_email(
    secretariat, organisation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(secretariat, organisation)
    assert Event.objects.get().status == Event.Status.DONE
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    # A relay running afterwards finds nothing left to do.
    assert outbox.process_due() == (0, 0)
    assert len(mail.outbox) == 1


def test_two_processes_cannot_claim_the_same_event(secretariat, organisation):
    invite(secretariat, organisation)
    first = outbox.claim()
    assert len(first) == 1
    assert outbox.claim() == []  # the second process finds it taken


def test_a_failing_handler_is_retried_later_then_marked_failed(
    secretariat, organisation, monkeypatch
):
    invite(secretariat, organisation)

    def broken(**kwargs):
        raise ValueError("the template is missing")

    monkeypatch.setattr("common.registry.event_handlers.named", lambda path: broken, raising=True)
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        Event.objects.update(next_attempt_at=Event.objects.get().created_at)
        assert outbox.process_due() == (0, 1)
        event = Event.objects.get()
        assert event.attempts == attempt and "template is missing" in event.last_error
    assert event.status == Event.Status.FAILED
    assert not Delivery.objects.exists()


def test_only_registered_handlers_can_be_recorded():
    def not_registered(**kwargs):
        return None

    with pytest.raises(ImproperlyConfigured):
        contract.record(not_registered, thing_id=1)


def test_a_muted_change_records_no_event(secretariat, organisation):
    with contract.muted():
        invite(secretariat, organisation)
    assert not Event.objects.exists()


def test_with_the_broker_down_pages_answer_at_once_and_the_beat_sends_later(
    client,
    secretariat,
    organisation,
    focal_point,
    broker_unreachable,
    django_capture_on_commit_callbacks,
):
    meeting = factories.MeetingFactory(status="draft")
    factories.MeetingInvitationFactory(meeting=meeting, organisation=organisation)
    client.force_login(secretariat)
    timings = []
    for url, data in (
        (reverse("meetings:meeting_status", args=[meeting.pk, "publish"]), {"confirmed": "yes"}),
        (
            reverse("coordination:invitation_list"),
            {"email": "later@example.org", "role": "focal_point", "organisation": organisation.pk},
        ),
    ):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        timings.append(time.monotonic() - started)
        assert response.status_code == 302
    assert max(timings) < 1.0, timings
    assert mail.outbox == [] and not Delivery.objects.exists()
    assert Event.objects.filter(status=Event.Status.PENDING).count() == 2

    # The broker is back: the beat's relay and sweep send each email once.
    app.conf.task_always_eager = True
    tasks.relay_events()
    delivery.deliver()
    tasks.relay_events()
    delivery.deliver()
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([focal_point.email, "later@example.org"])
