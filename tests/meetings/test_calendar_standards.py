"""Calendars by the standards: an email about a meeting carries an invitation addressed to its
reader (iTIP REQUEST, with the group as ORGANIZER and the reader as ATTENDEE) or a cancellation
(CANCEL), the MIME type naming the same method; a recurring series is invited as a whole, one
of its meetings changed or cancelled on its own; downloads and the feed are published (PUBLISH,
no ATTENDEE); a person's reminder reaches their calendars; the feed answers conditional
requests. Every email is parsed from the bytes that go out."""

from __future__ import annotations

import email
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import ical, series, services
from meetings.models import AgendaItem, CalendarFeed, Meeting
from tests import factories
from tests.meetings.test_series import members, weekly_call  # noqa: F401  # a fixture

pytestmark = pytest.mark.django_db

VIENNA = ZoneInfo("Europe/Vienna")


# --- Reading what was sent -----------------------------------------------------------------------


def parsed(message: Any) -> EmailMessage:
    """The email as its reader's mail client gets it: the bytes sent, parsed."""
    raw = message.message().as_bytes()
    return email.message_from_bytes(raw, policy=policy.default)


def calendars(message: Any) -> list[Calendar]:
    """The calendars an email carries, each checked against its MIME part: the part's method is
    the body's METHOD, and the charset is said once."""
    found = []
    for part in parsed(message).walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True)
        assert isinstance(payload, bytes)
        calendar = Calendar.from_ical(payload)
        assert part.get_param("method") == str(calendar["METHOD"])
        assert str(part["Content-Type"]).lower().count("charset") == 1
        assert part.get_content_charset() == "utf-8"
        assert (part.get_filename() or "").endswith(".ics")
        found.append(calendar)
    return found


def only_calendar(message: Any) -> Calendar:
    [calendar] = calendars(message)
    return calendar


def sent_to(person: Any) -> list[Any]:
    return [m for m in mail.outbox if m.to == [person.email]]


def attendees(event: Any) -> list[Any]:
    found = event.get("ATTENDEE", [])
    return found if isinstance(found, list) else [found]


def assert_addressed_to(calendar: Calendar, person: Any, settings: Any) -> None:
    """Every event names the group as its ORGANIZER and the reader, alone, as ATTENDEE."""
    events = list(calendar.walk("VEVENT"))
    assert events
    for event in events:
        organizer = event["ORGANIZER"]
        assert str(organizer) == "mailto:" + parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        assert organizer.params["CN"] == settings.GROUP_NAME
        [attendee] = attendees(event)
        assert str(attendee) == f"mailto:{person.email}"
        assert attendee.params["CN"] == person.full_name
        assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
        assert attendee.params["RSVP"] == "FALSE"


def alarms(calendar: Calendar) -> list[Any]:
    return list(calendar.walk("VALARM"))


# --- One meeting ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(secretariat, organisation, other_organisation):
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    return services.meeting_create(
        actor=secretariat,
        kind="working_group",
        title="Working Group meeting",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        time_zone="Europe/Vienna",
        venue="Vienna",
        invite=[organisation, other_organisation],
    )


@pytest.fixture
def ilo_focal_point(other_organisation):
    return factories.PersonFactory(
        organisation=other_organisation, email="ilo@example.org", full_name="Ana Núñez, ILO"
    )


def test_each_reader_gets_an_invitation_addressed_to_them_then_its_update_and_cancellation(
    secretariat,
    focal_point,
    ilo_focal_point,
    meeting,
    settings,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_publish(meeting=meeting, actor=secretariat)
    for person in (focal_point, ilo_focal_point):
        [message] = sent_to(person)
        invitation = only_calendar(message)
        assert invitation["METHOD"] == "REQUEST"
        assert_addressed_to(invitation, person, settings)
        [event] = invitation.walk("VEVENT")
        assert event["STATUS"] == "CONFIRMED"
        assert event.get("RECURRENCE-ID") is None
    invited = only_calendar(sent_to(focal_point)[0]).walk("VEVENT")[0]

    mail.outbox.clear()
    AgendaItem.objects.create(meeting=meeting, title="Opening", position=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.agenda_publish(meeting=meeting, actor=secretariat)
    [agenda] = sent_to(focal_point)
    assert only_calendar(agenda)["METHOD"] == "REQUEST"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_update(
            meeting=Meeting.objects.get(pk=meeting.pk),
            actor=secretariat,
            version=Meeting.objects.get(pk=meeting.pk).version,
            starts_at=meeting.starts_at + timedelta(hours=1),
            ends_at=meeting.ends_at + timedelta(hours=1),
        )
    [changed] = sent_to(focal_point)
    update = only_calendar(changed)
    assert update["METHOD"] == "REQUEST"
    [moved] = update.walk("VEVENT")
    assert moved["UID"] == invited["UID"] and moved["SEQUENCE"] > invited["SEQUENCE"]
    assert moved.decoded("DTSTART") == meeting.starts_at

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meeting, actor=secretariat)
    for person in (focal_point, ilo_focal_point):
        [message] = sent_to(person)
        cancellation = only_calendar(message)
        assert cancellation["METHOD"] == "CANCEL"
        assert_addressed_to(cancellation, person, settings)
        [gone] = cancellation.walk("VEVENT")
        assert gone["STATUS"] == "CANCELLED"
        assert gone["UID"] == invited["UID"] and gone["SEQUENCE"] > moved["SEQUENCE"]
        assert alarms(cancellation) == []


def test_a_reader_who_chose_a_reminder_gets_it_in_their_invitation_alone(
    secretariat, focal_point, ilo_focal_point, meeting, django_capture_on_commit_callbacks
):
    services.calendar_feed_alarm_set(person=focal_point, minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_publish(meeting=meeting, actor=secretariat)
    [alarm] = alarms(only_calendar(sent_to(focal_point)[0]))
    assert alarm["ACTION"] == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert str(alarm["DESCRIPTION"]) == "Working Group meeting"
    assert alarms(only_calendar(sent_to(ilo_focal_point)[0])) == []


@pytest.mark.parametrize(
    "name", ["ICAT (demonstration)", 'Grupo, "Coordinación"', "A; B: <C> @ D", "Группа"]
)
def test_the_organizer_is_the_group_and_the_attendee_the_reader_whatever_their_names(
    settings, name
):
    settings.GROUP_NAME = name
    settings.DEFAULT_FROM_EMAIL = formataddr((name, "hub@example.org"))
    reader = factories.PersonFactory(full_name='Ana "Ani" Núñez, ILO; (Geneva)')
    message = ical.meeting_message(factories.MeetingFactory())
    [event] = Calendar.from_ical(message.to(reader)).walk("VEVENT")
    assert str(event["ORGANIZER"]) == "mailto:hub@example.org"
    assert event["ORGANIZER"].params["CN"] == name
    assert event["ATTENDEE"].params["CN"] == reader.full_name


# --- A recurring series --------------------------------------------------------------------------


def test_a_series_is_invited_whole_and_one_meeting_changed_or_cancelled_alone(
    secretariat,
    members,  # noqa: F811
    focal_point,
    settings,
    django_capture_on_commit_callbacks,
):
    call = weekly_call(secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        series.series_publish(series=call, actor=secretariat)
    [message] = sent_to(focal_point)
    invitation = only_calendar(message)
    assert invitation["METHOD"] == "REQUEST"
    assert_addressed_to(invitation, focal_point, settings)
    [master] = invitation.walk("VEVENT")
    uid = f"{call.uid}@coordination-hub"
    assert str(master["UID"]) == uid and master["RRULE"]["FREQ"] == ["WEEKLY"]

    # One meeting moved: the update of that occurrence alone.
    meetings = list(call.occurrences.order_by("recurrence_id"))
    third = meetings[2]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=third,
            actor=secretariat,
            version=third.version,
            starts_at=datetime(2027, 3, 17, 10, 0, tzinfo=VIENNA),
            ends_at=datetime(2027, 3, 17, 11, 0, tzinfo=VIENNA),
        )
    [message] = sent_to(focal_point)
    update = only_calendar(message)
    assert update["METHOD"] == "REQUEST"
    assert_addressed_to(update, focal_point, settings)
    [moved] = update.walk("VEVENT")
    assert str(moved["UID"]) == uid and moved.get("RRULE") is None
    assert moved.decoded("RECURRENCE-ID") == datetime(2027, 3, 16, 14, 0, tzinfo=VIENNA)
    assert moved.decoded("DTSTART") == datetime(2027, 3, 17, 10, 0, tzinfo=VIENNA)
    assert moved["SEQUENCE"] > master["SEQUENCE"]

    # One meeting cancelled: the cancellation of that occurrence alone.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=meetings[5], actor=secretariat)
    [message] = sent_to(focal_point)
    cancellation = only_calendar(message)
    assert cancellation["METHOD"] == "CANCEL"
    assert_addressed_to(cancellation, focal_point, settings)
    [gone] = cancellation.walk("VEVENT")
    assert str(gone["UID"]) == uid and gone["STATUS"] == "CANCELLED"
    assert gone.decoded("RECURRENCE-ID") == datetime(2027, 4, 6, 14, 0, tzinfo=VIENNA)
    assert gone["SEQUENCE"] > master["SEQUENCE"]

    # This and the following meetings changed: the new series and the end of the old one, each
    # an invitation of its own (a REQUEST holds one UID), the rule with its exceptions.
    call.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        new = series.series_change_from(
            meeting=meetings[3], actor=secretariat, version=call.version, title="WG call"
        )
    [message] = sent_to(focal_point)
    following, earlier = calendars(message)
    for calendar in (following, earlier):
        assert calendar["METHOD"] == "REQUEST"
        assert_addressed_to(calendar, focal_point, settings)
        assert len({str(e["UID"]) for e in calendar.walk("VEVENT")}) == 1
    master = following.walk("VEVENT")[0]
    assert str(master["UID"]) == f"{new.uid}@coordination-hub" and master.get("RRULE")
    assert [d.dt for d in master["EXDATE"].dts] == [datetime(2027, 4, 6, 14, 0, tzinfo=VIENNA)]
    ended, moved_before = earlier.walk("VEVENT")
    assert str(ended["UID"]) == uid and "UNTIL" in ended["RRULE"]
    assert moved_before.decoded("RECURRENCE-ID") == datetime(2027, 3, 16, 14, 0, tzinfo=VIENNA)


# --- Downloads and the feed ----------------------------------------------------------------------


def assert_published(body: bytes) -> Calendar:
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"
    events = list(calendar.walk("VEVENT"))
    assert events and all(e.get("ATTENDEE") is None for e in events)
    assert all(e.get("ORGANIZER") is not None for e in events)
    return calendar


def test_downloads_and_the_feed_are_published_without_attendees(
    client,
    secretariat,
    members,  # noqa: F811
    focal_point,
    meeting,
):
    call = weekly_call(secretariat)
    series.series_publish(series=call, actor=secretariat)
    services.meeting_publish(meeting=meeting, actor=secretariat)
    client.force_login(focal_point)
    assert_published(client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content)
    assert_published(client.get(reverse("meetings:series_ics", args=[call.pk])).content)
    feed = CalendarFeed.objects.get_or_create(person=focal_point)[0]
    fed = assert_published(client.get(feed.get_absolute_url()).content)
    assert alarms(fed) == []
    services.calendar_feed_alarm_set(person=focal_point, minutes=1440)
    fed = assert_published(client.get(feed.get_absolute_url()).content)
    assert {a.decoded("TRIGGER") for a in alarms(fed)} == {timedelta(days=-1)}
    downloaded = assert_published(
        client.get(reverse("meetings:meeting_ics", args=[meeting.pk])).content
    )
    assert len(alarms(downloaded)) == 1


def test_the_feed_answers_304_while_nothing_changed(
    client, secretariat, focal_point, meeting, monkeypatch
):
    services.meeting_publish(meeting=meeting, actor=secretariat)
    url = CalendarFeed.objects.get_or_create(person=focal_point)[0].get_absolute_url()
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert first.status_code == 200 and etag.startswith('W/"') and last_modified
    assert {"private", "no-cache"} <= {
        d.strip() for d in first["Cache-Control"].split(",")
    } and "no-store" not in first["Cache-Control"]

    def not_made(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("a 304 makes no calendar")

    with monkeypatch.context() as patched:
        patched.setattr(ical, "calendar", not_made)
        for condition in (
            {"HTTP_IF_NONE_MATCH": etag},
            {"HTTP_IF_MODIFIED_SINCE": last_modified},
        ):
            again = client.get(url, **condition)
            assert again.status_code == 304 and again.content == b""
            assert again["ETag"] == etag and "no-cache" in again["Cache-Control"]

    # A change of the meeting, or of the person's reminder, is a new feed.
    services.meeting_update(
        meeting=meeting,
        actor=secretariat,
        version=Meeting.objects.get(pk=meeting.pk).version,
        venue="Geneva",
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert b"Geneva" in changed.content
    services.calendar_feed_alarm_set(person=focal_point, minutes=15)
    reminded = client.get(url, HTTP_IF_NONE_MATCH=changed["ETag"])
    assert reminded.status_code == 200 and b"BEGIN:VALARM" in reminded.content
    # A meeting newly scheduled for the organisation changes it too.
    other = services.meeting_create(
        actor=secretariat,
        kind="working_group",
        title="Second meeting",
        starts_at=meeting.starts_at + timedelta(days=7),
        ends_at=meeting.ends_at + timedelta(days=7),
        time_zone="Europe/Vienna",
        venue="Vienna",
        invite=[focal_point.organisation],
    )
    assert client.get(url, HTTP_IF_NONE_MATCH=reminded["ETag"]).status_code == 304  # a draft
    services.meeting_publish(meeting=other, actor=secretariat)
    assert client.get(url, HTTP_IF_NONE_MATCH=reminded["ETag"]).status_code == 200


# --- Choosing a reminder -------------------------------------------------------------------------


def test_a_person_chooses_their_own_reminder(client, focal_point, principal):
    url = reverse("meetings:calendar_settings")
    client.force_login(focal_point)
    page = client.get(url).content.decode()
    assert 'id="alarm-minutes"' in page and "1 hour before" in page
    response = client.post(url, {"alarm_minutes": "60"})
    assert response.status_code == 302
    feed = CalendarFeed.objects.get(person=focal_point)
    assert feed.alarm_minutes == 60
    token = feed.token
    assert 'value="60" selected' in client.get(url).content.decode()
    client.post(url, {"alarm_minutes": ""})
    feed.refresh_from_db()
    assert feed.alarm_minutes is None and feed.token == token  # the address stays
    # Making a new address keeps the reminder.
    client.post(url, {"alarm_minutes": "15"})
    client.post(url)
    feed.refresh_from_db()
    assert feed.alarm_minutes == 15 and feed.token != token
    # Nobody else's choice changed.
    assert not CalendarFeed.objects.filter(person=principal, alarm_minutes__isnull=False).exists()


@pytest.mark.parametrize("value", ["7", "abc", "-15", "²", "60.0"])
def test_a_reminder_not_offered_is_refused_with_a_message_and_nothing_changes(
    client, focal_point, value
):
    services.calendar_feed_alarm_set(person=focal_point, minutes=30)
    client.force_login(focal_point)
    response = client.post(reverse("meetings:calendar_settings"), {"alarm_minutes": value})
    assert response.status_code == 400
    assert "Choose one of the reminders offered." in response.content.decode()
    assert CalendarFeed.objects.get(person=focal_point).alarm_minutes == 30


def test_someone_not_logged_in_changes_no_reminder(client, focal_point):
    services.calendar_feed_alarm_set(person=focal_point, minutes=30)
    response = client.post(reverse("meetings:calendar_settings"), {"alarm_minutes": "60"})
    assert response.status_code == 302 and "login" in response.url
    assert CalendarFeed.objects.get(person=focal_point).alarm_minutes == 30
