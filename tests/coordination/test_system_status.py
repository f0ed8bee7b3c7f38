"""The secretariat's system status page: each part the site relies on, and what to do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from common import registry
from notifications import status, tasks
from notifications.models import Delivery, Event, Heartbeat

pytestmark = pytest.mark.django_db


def test_only_the_secretariat_sees_the_status(client, focal_point, principal, observer):
    for person in (focal_point, principal, observer):
        client.force_login(person)
        assert client.get(reverse("coordination:system_status")).status_code == 403


def test_a_quiet_site_says_what_is_wrong_and_what_to_do(client, secretariat):
    Event.objects.create(
        handler="coordination.notify.invitation_email",
        payload={"invitation_id": 1},
        created_at=timezone.now() - timedelta(hours=1),
    )
    Delivery.objects.create(
        key="k",
        kind="invitation",
        to="x@example.org",
        subject="s",
        text="t",
        html="h",
        status=Delivery.Status.FAILED,
    )
    client.force_login(secretariat)
    page = client.get(reverse("coordination:system_status")).content.decode()
    assert "Something needs attention" in page
    # Never a beat or a worker: each red line says what to do, in words.
    assert page.count("needs attention") >= 5
    assert "Start a worker" in page and "Start exactly one beat" in page
    assert "1 waiting" in page and "1 failed for good" in page


def test_heartbeats_turn_the_lines_green(client, secretariat):
    tasks.heartbeat()
    tasks.queue_due_digests()
    status.beat("beat")
    assert set(Heartbeat.objects.values_list("name", flat=True)) == {"worker", "beat", "digests"}
    lines = {line.name: line for line in (check() for check in registry.status_checks)}
    assert lines["Celery worker"].ok and lines["Celery beat"].ok and lines["Digest run"].ok
    assert lines["Database"].ok and lines["Outbox"].ok and lines["Emails"].ok
    assert all(line.ok for line in lines.values()), lines
    client.force_login(secretariat)
    page = client.get(reverse("coordination:system_status")).content.decode()
    assert "Everything the site relies on is working." in page


def test_an_unreachable_broker_is_a_red_line_not_an_error(settings):
    from config.celery import app

    # The check opens a connection of its own (not from the app's pool): only the URL changes.
    previous = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    try:
        line = status.broker()
    finally:
        app.conf.broker_url = previous
    assert not line.ok and "broker" in line.advice


def test_a_site_just_started_is_not_red_for_digests_nobody_ran_yet():
    line = status.digests()
    assert line.ok and "not run yet" in line.detail
    outbox_line = status.events()
    assert outbox_line.ok and outbox_line.detail == "nothing waiting"


def test_a_beat_running_for_a_while_without_a_digest_run_is_red(settings):
    from datetime import timedelta as _timedelta

    from notifications.models import Heartbeat as _Heartbeat

    _Heartbeat.objects.create(
        name="beat_started",
        at=timezone.now() - _timedelta(seconds=4 * settings.DIGEST_CHECK_SECONDS),
    )
    line = status.digests()
    assert not line.ok and "Digests are not being looked at" in line.advice
