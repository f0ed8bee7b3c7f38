"""Meetings as iCalendar (RFC 5545), written with the icalendar library.

Two kinds of file. What a person downloads or subscribes to is published (METHOD:PUBLISH, RFC
5546 3.2.1): the events with the group as ORGANIZER and no ATTENDEE. What an email carries is a
scheduling message addressed to its reader (iMIP, RFC 6047): METHOD:REQUEST with the reader as
ATTENDEE, or METHOD:CANCEL, so that a mail client offers to add, update or remove the event.
Answers are given in the hub, not by replying from a calendar, so no reply is asked (RSVP=FALSE).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from common.people import Recipient
from meetings import recurrence
from meetings.models import CalendarFeed, Meeting, Series

PRODID = "-//Coordination Hub//Meetings//EN"
PUBLISH = "PUBLISH"
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _uid(thing: Meeting | Series) -> str:
    return f"{thing.uid}@coordination-hub"


def _organizer() -> vCalAddress:
    """The group, at the address its emails come from."""
    return vCalAddress.new(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], cn=settings.GROUP_NAME)


def _attendee(person: Recipient) -> vCalAddress:
    return vCalAddress.new(
        person.email,
        cn=person.full_name or None,
        role="REQ-PARTICIPANT",
        partstat="NEEDS-ACTION",
        rsvp=False,
    )


def _alarm(minutes: int, summary: str) -> Alarm:
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("trigger", timedelta(minutes=-minutes))
    alarm.add("description", summary)
    return alarm


def _new_calendar(method: str, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name is not None:
        cal.add("x-wr-calname", name)
    return cal


def _where_and_what(event: Event, thing: Meeting | Series, lines: list[str]) -> None:
    """The address of a meeting or series, where it takes place (RFC 7986 CONFERENCE, for
    calendars that show a join button) and its description after the given first lines."""
    url = settings.SITE_URL + thing.get_absolute_url()
    event.add("url", url)
    location = thing.venue or thing.online_link
    if location:
        event.add("location", location)
    if thing.online_link:
        event.add("conference", thing.online_link, parameters={"VALUE": "URI", "FEATURE": "VIDEO"})
        lines = [*lines, f"Join online: {thing.online_link}"]
    if thing.description:
        lines = [*lines, thing.description]
    event.add("description", vText("\n\n".join([*lines, url])))


def _event(meeting: Meeting, series: Series | None = None) -> Event:
    event = Event()
    # The UID never changes and SEQUENCE rises with every change, so a calendar that already has
    # the event replaces it instead of adding a second one. A meeting of a series is an
    # exception to the series' rule: the series' UID, and where the rule put it.
    if series is not None and meeting.recurrence_id is not None:
        event.add("uid", _uid(series))
        event.add("recurrence-id", timezone.localtime(meeting.recurrence_id, series.zone))
        # Both only rise, so their sum rises with a change of either: the calendar takes this
        # over the rule and over the exception it sent before (a cancellation included).
        event.add("sequence", series.sequence + meeting.sequence)
    else:
        event.add("uid", _uid(meeting))
        event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("organizer", _organizer())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("summary", meeting.title)
    # Times in the venue's zone (with its VTIMEZONE), so the event stays right across a change
    # of daylight-saving time wherever the reader is.
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    lines = [meeting.get_kind_display()]
    if meeting.host_organisation:
        lines.append(f"Host: {meeting.host_organisation.name}")
    _where_and_what(event, meeting, lines)
    status = {"cancelled": "CANCELLED", "draft": "TENTATIVE"}.get(meeting.status, "CONFIRMED")
    event.add("status", status)
    event.add("categories", [meeting.get_kind_display()])
    return event


def _differs(meeting: Meeting, series: Series) -> bool:
    """Whether a meeting of a series is not what the rule alone says (so it needs its own event):
    moved, lengthened, or with its own title, place or link."""
    return (
        meeting.starts_at != meeting.recurrence_id
        or meeting.ends_at - meeting.starts_at != series.duration
        or any(
            getattr(meeting, field) != getattr(series, field)
            for field in ("title", "description", "venue", "online_link", "time_zone")
        )
    )


def _series_events(series: Series, occurrences: list[Meeting]) -> list[Event]:
    """The series as one recurring event (RRULE), its cancelled meetings as EXDATEs, and each
    meeting that differs from the rule as an exception (RECURRENCE-ID)."""
    master = Event()
    master.add("uid", _uid(series))
    master.add("sequence", series.sequence)
    master.add("dtstamp", timezone.now())
    master.add("organizer", _organizer())
    master.add("last-modified", series.updated_at)
    master.add("created", series.created_at)
    master.add("summary", series.title)
    master.add("dtstart", series.local_starts_at)
    master.add("dtend", series.local_starts_at + series.duration)
    master.add("rrule", recurrence.ical_rule(series))
    cancelled = [
        timezone.localtime(m.recurrence_id, series.zone)
        for m in occurrences
        if m.recurrence_id is not None and m.status == Meeting.Status.CANCELLED
    ]
    if cancelled:
        master.add("exdate", cancelled)
    _where_and_what(master, series, [recurrence.describe(series), series.get_kind_display()])
    master.add("status", "CONFIRMED" if series.is_published else "TENTATIVE")
    master.add("categories", [series.get_kind_display()])
    exceptions = [
        _event(m, series)
        for m in occurrences
        if m.recurrence_id is not None
        and m.status != Meeting.Status.CANCELLED
        and _differs(m, series)
    ]
    return [master, *exceptions]


def _series_loaded(ids: Sequence[int]) -> list[Series]:
    """The series of `ids`, in that order, each with its meetings (one query for them all)."""
    every = Series.objects.filter(pk__in=ids).prefetch_related(
        Prefetch(
            "occurrences",
            queryset=Meeting.objects.select_related("host_organisation").order_by("recurrence_id"),
        )
    )
    return sorted(every, key=lambda s: list(ids).index(s.pk))


def calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    series: Iterable[Series] = (),
    alarm_minutes: int | None = None,
) -> bytes:
    """The meetings (and series) as one published calendar (a download, a subscription). A
    meeting of a series brings its whole series (the rule, its exceptions and cancellations),
    once however many of its meetings are given. `alarm_minutes`: the reader's reminder."""
    cal = _new_calendar(PUBLISH, name)
    events = []
    series_ids = [s.pk for s in series]
    for meeting in meetings:
        if meeting.series_id is None:
            events.append(_event(meeting))
        elif meeting.series_id not in series_ids:
            series_ids.append(meeting.series_id)
    for one in _series_loaded(series_ids) if series_ids else []:
        events += _series_events(one, list(one.occurrences.all()))
    for event in events:
        if alarm_minutes:
            event.add_component(_alarm(alarm_minutes, str(event["SUMMARY"])))
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


@dataclass(frozen=True)
class Message:
    """A scheduling message (RFC 5546) about one event, whose components all share one UID
    (a REQUEST or CANCEL may carry no other), before it is addressed to each reader."""

    method: str
    events: tuple[Event, ...]

    def to(self, person: Recipient, *, alarm_minutes: int | None = None) -> str:
        """The message as `person` receives it: they are its ATTENDEE, with their reminder."""
        cal = _new_calendar(self.method)
        for event in self.events:
            addressed = copy.deepcopy(event)
            addressed.add("attendee", _attendee(person))
            if alarm_minutes and self.method == REQUEST:
                addressed.add_component(_alarm(alarm_minutes, str(event["SUMMARY"])))
            cal.add_component(addressed)
        cal.add_missing_timezones()
        return cal.to_ical().decode()


def meeting_message(meeting: Meeting) -> Message:
    """What an email about one meeting carries: its invitation (or its update) while it is on,
    its cancellation once cancelled. A meeting of a series is one occurrence of the series'
    event (the series' UID and its RECURRENCE-ID): only that occurrence changes or goes."""
    method = CANCEL if meeting.status == Meeting.Status.CANCELLED else REQUEST
    series = meeting.series if meeting.recurrence_id is not None else None
    return Message(method, (_event(meeting, series),))


def series_messages(series: Sequence[Series]) -> list[Message]:
    """The invitation to each series (its rule, the moved meetings, the cancelled ones left
    out), one message per series since each is an event of its own."""
    return [
        Message(REQUEST, tuple(_series_events(one, list(one.occurrences.all()))))
        for one in _series_loaded([s.pk for s in series])
    ]


def addressed(
    messages: Sequence[Message], alarms: Mapping[int, int | None]
) -> Callable[[Recipient], str]:
    """The attachment of an email, for each of its readers: the messages addressed to them, one
    iCalendar object after the other (an iCalendar stream, RFC 5545 3.4); `alarms` maps a
    person's id to their reminder."""

    def for_person(person: Recipient) -> str:
        return "".join(m.to(person, alarm_minutes=alarms.get(person.pk)) for m in messages)

    return for_person


def feed_validators(
    meetings: QuerySet[Meeting], subscription: CalendarFeed, *, language: str
) -> tuple[str, int]:
    """The ETag and Last-Modified (a timestamp) of a person's feed, from what it is made of
    rather than from the file (whose DTSTAMPs differ each time): its meetings and the series
    they bring whole, each raising `updated_at` and SEQUENCE when it changes, how many there
    are (one leaving the window), the person's reminder and the language. One query. The ETag
    is weak: the same events, not the same bytes."""
    every = Meeting.objects.filter(
        Q(pk__in=meetings.values("pk")) | Q(series__in=meetings.values("series"))
    ).aggregate(
        count=Count("pk"),
        sequences=Sum("sequence"),
        latest=Max("updated_at"),
        series_latest=Max("series__updated_at"),
        series_sequences=Sum("series__sequence"),
    )
    state = (
        every["count"],
        every["sequences"],
        every["series_sequences"],
        every["latest"],
        every["series_latest"],
        subscription.alarm_minutes,
        subscription.updated_at,
        language,
        settings.GROUP_NAME,
        settings.SITE_URL,
        settings.DEFAULT_FROM_EMAIL,
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()[:32]
    changes = [subscription.updated_at, every["latest"], every["series_latest"]]
    last_modified = max(moment for moment in changes if moment is not None)
    return f'W/"{digest}"', int(last_modified.timestamp())
