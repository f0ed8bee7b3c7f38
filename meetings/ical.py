"""Meetings as iCalendar (RFC 5545), written with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event, vText

from meetings import recurrence
from meetings.models import Meeting, Series

PRODID = "-//Coordination Hub//Meetings//EN"


def _uid(thing: Meeting | Series) -> str:
    return f"{thing.uid}@coordination-hub"


def _event(meeting: Meeting, series: Series | None = None) -> Event:
    event = Event()
    # The UID never changes and SEQUENCE rises with every change, so a calendar that already has
    # the event replaces it instead of adding a second one. A meeting of a series is an
    # exception to the series' rule: the series' UID, and where the rule put it.
    if series is not None and meeting.recurrence_id is not None:
        event.add("uid", _uid(series))
        event.add("recurrence-id", timezone.localtime(meeting.recurrence_id, series.zone))
        event.add("sequence", max(meeting.sequence, series.sequence))
    else:
        event.add("uid", _uid(meeting))
        event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("created", meeting.created_at)
    event.add("summary", meeting.title)
    # Times in the venue's zone (with its VTIMEZONE), so the event stays right across a change
    # of daylight-saving time wherever the reader is.
    event.add("dtstart", meeting.local_starts_at)
    event.add("dtend", meeting.local_ends_at)
    url = settings.SITE_URL + meeting.get_absolute_url()
    event.add("url", url)
    location = meeting.venue or meeting.online_link
    if location:
        event.add("location", location)
    if meeting.online_link:
        # RFC 7986 CONFERENCE, for calendars that show a join button.
        event.add(
            "conference", meeting.online_link, parameters={"VALUE": "URI", "FEATURE": "VIDEO"}
        )
    lines = [meeting.get_kind_display()]
    if meeting.host_organisation:
        lines.append(f"Host: {meeting.host_organisation.name}")
    if meeting.online_link:
        lines.append(f"Join online: {meeting.online_link}")
    if meeting.description:
        lines.append(meeting.description)
    lines.append(url)
    event.add("description", vText("\n\n".join(lines)))
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
    url = settings.SITE_URL + series.get_absolute_url()
    master.add("url", url)
    location = series.venue or series.online_link
    if location:
        master.add("location", location)
    if series.online_link:
        master.add(
            "conference", series.online_link, parameters={"VALUE": "URI", "FEATURE": "VIDEO"}
        )
    lines = [recurrence.describe(series), series.get_kind_display()]
    if series.online_link:
        lines.append(f"Join online: {series.online_link}")
    if series.description:
        lines.append(series.description)
    lines.append(url)
    master.add("description", vText("\n\n".join(lines)))
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


def calendar(meetings: Iterable[Meeting], *, name: str, series: Iterable[Series] = ()) -> bytes:
    """The meetings (and series) as one calendar. A meeting of a series brings its whole series
    (the rule, its exceptions and cancellations), once however many of its meetings are given."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    series_ids = [s.pk for s in series]
    for meeting in meetings:
        if meeting.series_id is None:
            cal.add_component(_event(meeting))
        elif meeting.series_id not in series_ids:
            series_ids.append(meeting.series_id)
    if series_ids:
        every = Series.objects.filter(pk__in=series_ids).prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Meeting.objects.select_related("host_organisation").order_by(
                    "recurrence_id"
                ),
            )
        )
        for one in sorted(every, key=lambda s: series_ids.index(s.pk)):
            for event in _series_events(one, list(one.occurrences.all())):
                cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
