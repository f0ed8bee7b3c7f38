"""Recurring meetings: a series holds the rule and stores its meetings a year ahead; one meeting
moved or cancelled is an exception to the rule in the calendars; "this and the following" ends
the series and goes on with a new one; the venue's wall clock holds across daylight-saving time."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import ical, recurrence, series, services
from meetings.models import Invitation, Meeting, Series
from tests import factories
from tests.conftest import require

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")
CONFIRM_PAGE = "common/confirm.html"


@pytest.fixture
def members(organisation, other_organisation):
    for org in (organisation, other_organisation):
        org.is_working_group_member = True
        org.save()
    factories.PersonFactory(organisation=other_organisation, email="ilo@example.org")
    return [organisation, other_organisation]


def weekly_call(actor: Any, **changes: Any) -> Series:
    """Tuesdays at 14:00 in Vienna, 2 March to 30 April 2027: across the last Sunday of March,
    when Vienna's clocks go forward."""
    fields: dict[str, Any] = {
        "title": "Working Group video call",
        "kind": Meeting.Kind.VIDEO_CALL,
        "online_link": "https://meet.example.org/wg",
        "starts_at": datetime(2027, 3, 2, 14, 0, tzinfo=VIENNA),
        "duration": timedelta(hours=1),
        "time_zone": "Europe/Vienna",
        "frequency": Series.Frequency.WEEKLY,
        "interval": 1,
        "until": date(2027, 4, 30),
    }
    return series.series_create(actor=actor, **(fields | changes))


def local_times(queryset) -> list[str]:
    return [
        m.starts_at.astimezone(VIENNA).strftime("%m-%d %H:%M")
        for m in queryset.order_by("starts_at")
    ]


# --- The rule ------------------------------------------------------------------------------------


def test_the_rule_keeps_the_venues_wall_clock_across_daylight_saving_time(secretariat, members):
    call = weekly_call(secretariat)
    meetings = call.occurrences.order_by("starts_at")
    assert local_times(meetings) == [
        "03-02 14:00",
        "03-09 14:00",
        "03-16 14:00",
        "03-23 14:00",
        "03-30 14:00",
        "04-06 14:00",
        "04-13 14:00",
        "04-20 14:00",
        "04-27 14:00",
    ]
    utc = [m.starts_at.astimezone(ZoneInfo("UTC")).hour for m in meetings]
    assert utc[:4] == [13] * 4 and utc[4:] == [12] * 5  # an hour earlier in UTC from 28 March
    # Each stored meeting invites the series' organisations and starts where the rule put it.
    assert call.organisations.count() >= 2
    assert Invitation.objects.filter(meeting__series=call).count() == 9 * call.organisations.count()
    assert all(m.recurrence_id == m.starts_at and m.status == "draft" for m in meetings)


def test_monthly_rules_by_weekday_and_by_date_in_words_and_in_icalendar(secretariat, members):
    second_tuesday = weekly_call(
        secretariat,
        frequency=Series.Frequency.MONTHLY_BY_WEEKDAY,
        starts_at=datetime(2027, 1, 12, 15, 0, tzinfo=VIENNA),
        until=date(2027, 6, 30),
    )
    assert local_times(second_tuesday.occurrences) == [
        "01-12 15:00",
        "02-09 15:00",
        "03-09 15:00",
        "04-13 15:00",
        "05-11 15:00",
        "06-08 15:00",
    ]
    assert recurrence.describe(second_tuesday).startswith("Every month on the second Tuesday")
    assert recurrence.ical_rule(second_tuesday)["BYDAY"] == "2TU"
    last_friday = weekly_call(
        secretariat,
        frequency=Series.Frequency.MONTHLY_BY_WEEKDAY,
        interval=2,
        starts_at=datetime(2027, 1, 29, 9, 0, tzinfo=VIENNA),
        until=None,
    )
    assert recurrence.ical_rule(last_friday)["BYDAY"] == "-1FR"
    assert local_times(last_friday.occurrences)[:3] == ["01-29 09:00", "03-26 09:00", "05-28 09:00"]
    by_date = weekly_call(
        secretariat,
        frequency=Series.Frequency.MONTHLY_BY_DATE,
        starts_at=datetime(2027, 1, 15, 9, 0, tzinfo=VIENNA),
        until=date(2027, 3, 31),
    )
    assert local_times(by_date.occurrences) == ["01-15 09:00", "02-15 09:00", "03-15 09:00"]
    assert recurrence.describe(by_date).startswith("Every month on day 15")


def test_meetings_are_stored_a_year_ahead_and_extended_as_time_goes_on(secretariat, members):
    open_ended = weekly_call(
        secretariat, starts_at=timezone.now().astimezone(VIENNA) + timedelta(days=1), until=None
    )
    stored = open_ended.occurrences.count()
    assert 52 <= stored <= 53
    assert series.extend(open_ended) == 0  # nothing twice
    later = timezone.now() + timedelta(days=60)
    assert series.extend_all(now=later) in (8, 9)
    assert series.extend_all(now=later) == 0
    last = open_ended.occurrences.order_by("-starts_at").first()
    assert last.starts_at < later + recurrence.HORIZON


# --- Publishing and the emails -------------------------------------------------------------------


def test_publishing_asks_first_then_schedules_every_meeting_and_emails_once_per_person(
    client, secretariat, members, focal_point, django_capture_on_commit_callbacks
):
    call = weekly_call(secretariat)
    client.force_login(secretariat)
    url = reverse("meetings:series_publish", args=[call.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert CONFIRM_PAGE in [t.name for t in response.templates]
    assert "9 meetings" in response.content.decode()
    assert mail.outbox == [] and not call.occurrences.exclude(status="draft").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirmed": "yes"})
    assert response.status_code == 302
    assert set(call.occurrences.values_list("status", flat=True)) == {"scheduled"}
    # One invitation for the whole series per person (the two focal points), not nine.
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@example.org", "ilo@example.org"]
    message = mail.outbox[0]
    assert "Invitation: Working Group video call" in message.subject
    attached = [a for a in message.alternatives if "calendar" in a[1]] or [
        a for a in message.attachments if "calendar" in str(a)
    ]
    assert attached
    text = message.body
    assert "Every week on Tuesday" in text


def test_a_meeting_of_a_draft_series_is_not_published_alone(secretariat, members):
    call = weekly_call(secretariat)
    meeting = call.occurrences.first()
    with pytest.raises(ValidationError):
        services.meeting_publish(meeting=meeting, actor=secretariat)
    assert Meeting.objects.get(pk=meeting.pk).status == "draft"


# --- Exceptions: one meeting moved, one cancelled ------------------------------------------------


@pytest.fixture
def published_call(secretariat, members):
    call = weekly_call(secretariat)
    series.series_publish(series=call, actor=secretariat)
    meetings = list(call.occurrences.order_by("starts_at"))
    # The 16 March call moves to Wednesday 17 March, 10:00; the 6 April call (after the change
    # of time) is cancelled.
    moved = meetings[2]
    services.meeting_update(
        meeting=moved,
        actor=secretariat,
        version=moved.version,
        starts_at=datetime(2027, 3, 17, 10, 0, tzinfo=VIENNA),
        ends_at=datetime(2027, 3, 17, 11, 0, tzinfo=VIENNA),
    )
    services.meeting_cancel(meeting=meetings[5], actor=secretariat)
    call.refresh_from_db()
    return call


def vevents(body: bytes) -> list:
    return [c for c in Calendar.from_ical(body).walk() if c.name == "VEVENT"]


def test_the_calendar_holds_the_rule_with_the_moved_and_cancelled_meetings_as_exceptions(
    published_call,
):
    body = ical.calendar(list(published_call.occurrences.all()), name="WG")
    master, *exceptions = vevents(body)
    assert master["RRULE"]["FREQ"] == ["WEEKLY"]
    assert master.decoded("DTSTART") == datetime(2027, 3, 2, 14, 0, tzinfo=VIENNA)
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2027, 4, 6, 14, 0, tzinfo=VIENNA)]
    [moved] = exceptions
    assert str(moved["UID"]) == str(master["UID"])
    assert moved.decoded("RECURRENCE-ID") == datetime(2027, 3, 16, 14, 0, tzinfo=VIENNA)
    assert moved.decoded("DTSTART") == datetime(2027, 3, 17, 10, 0, tzinfo=VIENNA)
    assert b"TZID=Europe/Vienna" in body and b"BEGIN:VTIMEZONE" in body


def test_the_feed_and_the_download_carry_the_series(client, published_call, focal_point):
    client.force_login(focal_point)
    meeting = published_call.occurrences.first()
    downloaded = client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    series_file = client.get(reverse("meetings:series_ics", args=[published_call.pk])).content
    feed = services.calendar_feed_for(focal_point)
    fed = client.get(feed.get_absolute_url()).content
    for body in (downloaded, series_file, fed):
        events = vevents(body)
        assert [bool(e.get("RRULE")) for e in events] == [True, False]


def test_a_real_calendar_client_shows_the_series_with_its_exceptions(tmp_path, published_call):
    """khal (a real calendar client) imports the file and lists each meeting at the venue's
    time, the moved one on its new day, the cancelled one not at all."""
    executable = shutil.which("khal")
    require(executable is not None, "khal")
    body = ical.calendar([], name="WG", series=[published_call])
    (tmp_path / "cal").mkdir()
    (tmp_path / "call.ics").write_bytes(body)
    config = tmp_path / "khal.conf"
    config.write_text(
        f"[calendars]\n[[wg]]\npath = {tmp_path / 'cal'}\n\n"
        "[locale]\ntimeformat = %H:%M\ndateformat = %Y-%m-%d\nlongdateformat = %Y-%m-%d\n"
        "datetimeformat = %Y-%m-%d %H:%M\nlongdatetimeformat = %Y-%m-%d %H:%M\n"
        "local_timezone = Europe/Vienna\ndefault_timezone = Europe/Vienna\n"
        f"\n[sqlite]\npath = {tmp_path / 'khal.db'}\n"
    )

    def khal(*args: str) -> str:
        return subprocess.run(
            [str(executable), "-c", str(config), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
            env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "TZ": "Europe/Vienna"},
        ).stdout

    khal("import", "--batch", "-a", "wg", str(tmp_path / "call.ics"))
    listed = khal(
        "list", "--format", "{start} {title}", "--day-format", "", "2027-03-01", "2027-05-01"
    )
    starts = [line.rsplit(" ", 4)[0] for line in listed.splitlines() if line.strip()]
    assert starts == [
        "2027-03-02 14:00",
        "2027-03-09 14:00",
        "2027-03-17 10:00",  # moved from Tuesday 16 March
        "2027-03-23 14:00",
        "2027-03-30 14:00",  # after the change of time, still 14:00 in Vienna
        # 6 April cancelled
        "2027-04-13 14:00",
        "2027-04-20 14:00",
        "2027-04-27 14:00",
    ]


def test_the_pages_show_the_series_the_moved_meeting_and_the_cancelled_one(
    client, published_call, focal_point
):
    client.force_login(focal_point)
    page = client.get(published_call.get_absolute_url()).content.decode()
    assert "Every week on Tuesday" in page
    assert page.count("Moved") == 1 and "Cancelled" in page
    moved = published_call.occurrences.get(recurrence_id__date=date(2027, 3, 16))
    page = client.get(moved.get_absolute_url()).content.decode()
    assert "This meeting was moved from" in page and "Recurring meeting" in page
    assert "Change this and the following meetings" not in page  # not for a focal point
    month = client.get(reverse("meetings:month", args=[2027, 3])).content.decode()
    assert month.count("Working Group video call") == 5


# --- This and the following meetings -------------------------------------------------------------


def following_data(meeting: Meeting, **changes: str) -> dict[str, str]:
    call = meeting.series
    assert call is not None and meeting.recurrence_id is not None
    data = {
        "title": call.title,
        "description": "",
        "starts_at": meeting.recurrence_id.astimezone(VIENNA).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "60",
        "time_zone": call.time_zone,
        "frequency": call.frequency,
        "interval": str(call.interval),
        "until": call.until.isoformat() if call.until else "",
        "venue": "",
        "online_link": call.online_link,
        "host_organisation": "",
        "version": str(call.version),
    }
    return data | changes


def test_changing_this_and_the_following_meetings_ends_the_series_and_goes_on_with_a_new_one(
    client, secretariat, published_call, focal_point, django_capture_on_commit_callbacks
):
    meetings = list(published_call.occurrences.order_by("recurrence_id"))
    fourth = meetings[3]  # 23 March
    invitation = fourth.invitations.get(organisation=focal_point.organisation)
    services.rsvp_answer(invitation=invitation, actor=focal_point, response="online")
    client.force_login(secretariat)
    url = reverse("meetings:series_edit_following", args=[fourth.pk])
    data = following_data(fourth, starts_at="2027-03-23T16:00", title="WG call (new time)")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(url, data)
    assert CONFIRM_PAGE in [t.name for t in asked.templates], asked.context["form"].errors
    assert "the 4 following ones" in asked.content.decode()  # the cancelled 6 April aside
    assert mail.outbox == [] and Series.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data | {"confirmed": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    published_call.refresh_from_db()
    assert published_call.until == date(2027, 3, 22)
    new = Series.objects.get(follows=published_call)
    assert new.title == "WG call (new time)" and new.is_published
    assert local_times(published_call.occurrences.exclude(status="cancelled")) == [
        "03-02 14:00",
        "03-09 14:00",
        "03-17 10:00",
    ]
    # The meetings from 23 March on are the same meetings (their answers kept), at 16:00.
    assert local_times(new.occurrences.exclude(status="cancelled")) == [
        "03-23 16:00",
        "03-30 16:00",
        "04-13 16:00",
        "04-20 16:00",
        "04-27 16:00",
    ]
    fourth.refresh_from_db()
    assert (
        fourth.series == new
        and fourth.invitations.get(organisation=focal_point.organisation).response == "online"
    )
    # The 6 April meeting stays cancelled, and calendars learn both series once.
    assert new.occurrences.filter(status="cancelled").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["focal@example.org", "ilo@example.org"]
    events = vevents(ical.calendar([], name="x", series=[published_call, new]))
    rules = [e["RRULE"] for e in events if e.get("RRULE")]
    assert len(rules) == 2 and "UNTIL" in rules[0]


def test_changing_from_the_first_meeting_changes_the_series_itself(secretariat, members):
    call = weekly_call(secretariat)
    first = call.occurrences.order_by("recurrence_id").first()
    changed = series.series_change_from(
        meeting=first,
        actor=secretariat,
        version=call.version,
        starts_at=datetime(2027, 3, 2, 9, 30, tzinfo=VIENNA),
        duration=timedelta(minutes=45),
    )
    assert changed.pk == call.pk and Series.objects.count() == 1
    assert local_times(call.occurrences)[:2] == ["03-02 09:30", "03-09 09:30"]
    assert mail.outbox == []  # a draft series: nobody was told of it


def test_ending_the_series_cancels_the_following_meetings(
    client, secretariat, published_call, django_capture_on_commit_callbacks
):
    meetings = list(published_call.occurrences.order_by("recurrence_id"))
    client.force_login(secretariat)
    url = reverse("meetings:series_end", args=[meetings[6].pk])  # 13 April
    with django_capture_on_commit_callbacks(execute=True):
        assert CONFIRM_PAGE in [t.name for t in client.post(url).templates]
    assert published_call.occurrences.filter(status="cancelled").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"confirmed": "yes"})
    published_call.refresh_from_db()
    assert published_call.until == date(2027, 4, 13)
    statuses = list(
        published_call.occurrences.order_by("recurrence_id").values_list("status", flat=True)
    )
    assert statuses[7:] == ["cancelled", "cancelled"]
    assert statuses[6] == "scheduled"


# --- Who may ---------------------------------------------------------------------------------------


def test_only_the_organisers_create_publish_change_and_end_series(
    client, secretariat, focal_point, principal, members
):
    call = weekly_call(secretariat)
    meeting = call.occurrences.first()
    create = {
        "kind": "video_call",
        "title": "Rogue call",
        "starts_at": "2027-03-02T14:00",
        "minutes": "60",
        "time_zone": "Europe/Vienna",
        "frequency": "weekly",
        "interval": "1",
        "online_link": "https://meet.example.org/x",
    }
    for person in (focal_point, principal):
        client.force_login(person)
        assert client.post(reverse("meetings:series_create"), create).status_code == 403
        for name in ("series_publish",):
            assert (
                client.post(
                    reverse(f"meetings:{name}", args=[call.pk]), {"confirmed": "yes"}
                ).status_code
                == 404
            )
        for name in ("series_edit_following", "series_end"):
            response = client.post(
                reverse(f"meetings:{name}", args=[meeting.pk]),
                following_data(meeting) | {"confirmed": "yes"},
            )
            assert response.status_code == 403
        # A draft series is the organisers' own.
        assert client.get(call.get_absolute_url()).status_code == 404
    assert Series.objects.count() == 1 and call.occurrences.count() == 9
    call.refresh_from_db()
    assert not call.is_published and call.until == date(2027, 4, 30)
    with pytest.raises(PermissionDenied):
        series.series_publish(series=call, actor=focal_point)


def test_bad_input_is_refused_with_a_message_and_creates_nothing(client, secretariat, members):
    client.force_login(secretariat)
    base = {
        "kind": "video_call",
        "title": "WG call",
        "starts_at": "2027-03-02T14:00",
        "minutes": "60",
        "time_zone": "Europe/Vienna",
        "frequency": "weekly",
        "interval": "1",
        "online_link": "https://meet.example.org/x",
    }
    for bad, message in [
        ({"online_link": ""}, "A video call needs its link."),
        ({"until": "2027-01-01"}, "The last date is on or after the first meeting."),
        ({"interval": "0"}, "greater than or equal to 1"),
        ({"minutes": "0"}, "greater than or equal to 5"),
        ({"frequency": "daily"}, "Select a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"starts_at": "tomorrow"}, "Enter a valid date/time"),
    ]:
        response = client.post(reverse("meetings:series_create"), base | bad)
        assert response.status_code == 200
        assert message in response.content.decode(), bad
    assert not Series.objects.exists() and not Meeting.objects.exists()
    response = client.post(reverse("meetings:series_create"), base | {"until": "2027-03-31"})
    assert response.status_code == 302
    assert Series.objects.get().occurrences.count() == 5


def test_a_held_or_cancelled_meeting_does_not_change_the_series(
    client, secretariat, published_call
):
    cancelled = published_call.occurrences.get(status="cancelled")
    client.force_login(secretariat)
    response = client.post(
        reverse("meetings:series_edit_following", args=[cancelled.pk]),
        following_data(cancelled, title="x") | {"confirmed": "yes"},
    )
    assert response.status_code == 302
    assert Series.objects.count() == 1 and published_call.occurrences.filter(title="x").count() == 0


def test_the_beat_keeps_the_series_a_year_ahead(secretariat, members):
    from django.conf import settings

    from meetings.tasks import extend_series

    assert settings.CELERY_BEAT_SCHEDULE["extend-series"]["task"] == "meetings.tasks.extend_series"
    open_ended = weekly_call(
        secretariat, starts_at=timezone.now().astimezone(VIENNA) - timedelta(days=20), until=None
    )
    last = open_ended.occurrences.order_by("-recurrence_id").first()
    last.delete()
    assert extend_series.delay().get() == 1
    assert extend_series.delay().get() == 0
