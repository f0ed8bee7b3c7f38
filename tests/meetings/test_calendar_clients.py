"""Each calendar file the hub makes, read by a real calendar client: khal imports the download of
a meeting and of a series, the subscription feed, the invitation an email carries (with the
reader's reminder) and the cancellation that follows it, and lists what a person would see."""

from __future__ import annotations

import email
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from email import policy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from meetings import series, services
from meetings.models import CalendarFeed, Meeting
from tests.conftest import require
from tests.meetings.test_series import members, published_call, weekly_call  # noqa: F401  # fixtures

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")
LISTED = "{start} {title} {cancelled}{alarm-symbol}"

Khal = Callable[..., str]


@pytest.fixture
def khal(tmp_path: Path) -> Khal:
    """khal with a calendar of its own in a temporary folder, in Vienna's time."""
    executable = shutil.which("khal")
    require(executable is not None, "khal")
    (tmp_path / "cal").mkdir()
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[hub]]\npath = {tmp_path / 'cal'}\n\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Europe/Vienna\ndefault_timezone = Europe/Vienna\n"
        f"\n[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )

    def run(*args: str) -> str:
        return subprocess.run(
            [str(executable), "-c", str(config), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TZ": "Europe/Vienna"},
        ).stdout

    return run


def imported(khal: Khal, body: bytes, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.ics"
    path.write_bytes(body)
    khal("import", "--batch", "-a", "hub", str(path))


def listed(khal: Khal, start: str, end: str) -> list[str]:
    shown = khal("list", "--format", LISTED, "--day-format", "", start, end)
    return [" ".join(line.split()) for line in shown.splitlines() if line.strip()]


def attached_calendar(message: Any) -> bytes:
    """The calendar of an email, from the bytes that went out."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=policy.default)
    [part] = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


@pytest.fixture
def meeting(secretariat, organisation):
    """A meeting on Wednesday 10 February 2027, 10:00–12:00 in Vienna."""
    start = datetime(2027, 2, 10, 10, 0, tzinfo=VIENNA)
    return services.meeting_create(
        actor=secretariat,
        kind="working_group",
        title="Working Group meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="Europe/Vienna",
        venue="Vienna",
        invite=[organisation],
    )


def test_the_download_of_a_meeting(client, khal, tmp_path, secretariat, focal_point, meeting):
    services.meeting_publish(meeting=meeting, actor=secretariat)
    client.force_login(focal_point)
    body = client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    imported(khal, body, tmp_path, "meeting")
    assert listed(khal, "2027-02-01", "2027-03-01") == ["2027-02-10 10:00 Working Group meeting"]


def test_the_download_of_a_series(
    client,
    khal,
    tmp_path,
    published_call,  # noqa: F811
    focal_point,
):
    client.force_login(focal_point)
    body = client.get(reverse("meetings:series_ics", args=[published_call.pk])).content
    imported(khal, body, tmp_path, "series")
    starts = [line[:16] for line in listed(khal, "2027-03-01", "2027-05-01")]
    assert starts == [
        "2027-03-02 14:00",
        "2027-03-09 14:00",
        "2027-03-17 10:00",  # moved from Tuesday 16 March
        "2027-03-23 14:00",
        "2027-03-30 14:00",
        "2027-04-13 14:00",  # 6 April cancelled
        "2027-04-20 14:00",
        "2027-04-27 14:00",
    ]


def test_the_feed_with_the_persons_reminder(
    client,
    khal,
    tmp_path,
    secretariat,
    published_call,  # noqa: F811
    focal_point,
    meeting,
):
    services.meeting_publish(meeting=meeting, actor=secretariat)
    services.calendar_feed_alarm_set(person=focal_point, minutes=60)
    feed = CalendarFeed.objects.get(person=focal_point)
    imported(khal, client.get(feed.get_absolute_url()).content, tmp_path, "feed")
    assert listed(khal, "2027-02-01", "2027-03-01") == ["2027-02-10 10:00 Working Group meeting ⏰"]
    march = listed(khal, "2027-03-01", "2027-04-01")
    assert len(march) == 5 and all(line.endswith("Working Group video call ⏰") for line in march)


def test_an_invitation_then_its_cancellation(
    khal, tmp_path, secretariat, focal_point, meeting, django_capture_on_commit_callbacks
):
    services.calendar_feed_alarm_set(person=focal_point, minutes=15)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting, actor=secretariat)
    [invitation] = mail.outbox
    imported(khal, attached_calendar(invitation), tmp_path, "request")
    assert listed(khal, "2027-02-01", "2027-03-01") == ["2027-02-10 10:00 Working Group meeting ⏰"]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=Meeting.objects.get(pk=meeting.pk), actor=secretariat)
    [_, cancellation] = mail.outbox
    imported(khal, attached_calendar(cancellation), tmp_path, "cancel")
    # The same event (its UID), now cancelled: khal keeps one, and says so.
    assert listed(khal, "2027-02-01", "2027-03-01") == [
        "2027-02-10 10:00 Working Group meeting CANCELLED"
    ]


def test_a_series_invitation_and_the_cancellation_of_one_of_its_meetings(
    khal,
    tmp_path,
    secretariat,
    members,  # noqa: F811
    focal_point,
    django_capture_on_commit_callbacks,
):
    call = weekly_call(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        series.series_publish(series=call, actor=secretariat)
    [invitation] = [m for m in mail.outbox if m.to == [focal_point.email]]
    imported(khal, attached_calendar(invitation), tmp_path, "series-request")
    assert len(listed(khal, "2027-03-01", "2027-05-01")) == 9
    sixth = call.occurrences.order_by("recurrence_id")[5]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=sixth, actor=secretariat)
    [cancellation] = [m for m in mail.outbox if m.to == [focal_point.email]]
    # khal is a calendar, not a scheduling agent: an import replaces what it holds under the
    # UID, so the cancellation of one occurrence is read in a calendar of its own.
    (tmp_path / "cal").rename(tmp_path / "series-cal")
    (tmp_path / "cal").mkdir()
    (tmp_path / "khal.db").unlink()
    imported(khal, attached_calendar(cancellation), tmp_path, "series-cancel")
    assert listed(khal, "2027-03-01", "2027-05-01") == [
        "2027-04-06 14:00 Working Group video call CANCELLED"
    ]
