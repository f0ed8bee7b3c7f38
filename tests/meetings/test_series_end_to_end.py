"""A recurring series as its people meet it: published and changed through the pages, its emails
taken by a real SMTP server (one per person, the calendar attached), and a real Celery worker
over Redis keeping it a year ahead."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery import Celery
from django.urls import reverse
from icalendar import Calendar

from meetings import series, services
from meetings.models import Meeting, Series
from tests import factories
from tests.conftest import redis_available, redis_url, require
from tests.notifications.smtp import received
from tests.notifications.test_worker import start_workers, stop

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

VIENNA = ZoneInfo("Europe/Vienna")


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_payload(decode=True))


@pytest.fixture
def people():
    unicef = factories.OrganisationFactory(acronym="UNICEF", is_working_group_member=True)
    ilo = factories.OrganisationFactory(acronym="ILO", is_working_group_member=True)
    coordinator = factories.OrganisationFactory(
        acronym="UNODC", is_permanent_coordinator=True, is_working_group_member=False
    )
    secretariat = factories.SecretariatFactory(organisation=coordinator, email="sec@example.org")
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=secretariat, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    factories.PersonFactory(organisation=unicef, email="focal.unicef@example.org")
    factories.PersonFactory(organisation=ilo, email="focal.ilo@example.org")
    return secretariat


def test_a_series_reaches_a_real_smtp_server_once_per_person_with_its_calendar(
    client,
    people,
    smtp_server,
):
    call = series.series_create(
        actor=people,
        title="Working Group video call",
        kind=Meeting.Kind.VIDEO_CALL,
        online_link="https://meet.example.org/wg",
        starts_at=datetime(2027, 3, 2, 14, 0, tzinfo=VIENNA),
        duration=timedelta(hours=1),
        time_zone="Europe/Vienna",
        frequency=Series.Frequency.WEEKLY,
        until=date(2027, 4, 30),
    )
    client.force_login(people)
    client.post(reverse("meetings:series_publish", args=[call.pk]))  # asks first
    assert received(smtp_server, "Working Group video call") == []
    client.post(reverse("meetings:series_publish", args=[call.pk]), {"confirmed": "yes"})
    client.post(reverse("meetings:series_publish", args=[call.pk]), {"confirmed": "yes"})
    assert received(smtp_server, "Invitation: Working Group video call") == [
        "focal.ilo@example.org",
        "focal.unicef@example.org",
    ]
    invitation = smtp_server.messages[0]
    assert invitation["Content-Type"].startswith("multipart/")
    [master] = [e for e in calendar_of(invitation).walk("VEVENT")]
    assert master["RRULE"]["FREQ"] == ["WEEKLY"]

    # One meeting cancelled: its people hear of that meeting alone, the cancellation of that
    # occurrence of the series (the series' UID and the occurrence's RECURRENCE-ID).
    sixth = call.occurrences.order_by("recurrence_id")[5]
    services.meeting_cancel(meeting=sixth, actor=people)
    cancelled = [m for m in smtp_server.messages if str(m["Subject"]).startswith("Cancelled")]
    assert len(cancelled) == 2
    calendar = calendar_of(cancelled[0])
    assert calendar["METHOD"] == "CANCEL"
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{call.uid}@coordination-hub"
    assert event.decoded("RECURRENCE-ID") == sixth.recurrence_id
    assert event["STATUS"] == "CANCELLED" and event.get("RRULE") is None


def test_a_real_worker_keeps_the_series_a_year_ahead(people):
    require(redis_available(), "Redis")
    from django.utils import timezone

    call = series.series_create(
        actor=people,
        title="Open-ended call",
        kind=Meeting.Kind.VIDEO_CALL,
        online_link="https://meet.example.org/wg",
        starts_at=timezone.now() - timedelta(days=30),
        duration=timedelta(hours=1),
        time_zone="Europe/Vienna",
        frequency=Series.Frequency.WEEKLY,
    )
    stored = call.occurrences.count()
    call.occurrences.order_by("-recurrence_id").first().delete()  # as if a day had passed
    queue = f"test-{uuid.uuid4().hex[:8]}"
    processes = start_workers(1, queue, {})
    app = Celery(broker=redis_url(), backend=redis_url(), set_as_current=False)
    app.conf.task_default_queue = queue
    try:
        assert app.send_task("meetings.tasks.extend_series").get(timeout=60) == 1
        assert app.send_task("meetings.tasks.extend_series").get(timeout=60) == 0
    finally:
        stop(processes)
        app.close()
    assert call.occurrences.count() == stored
