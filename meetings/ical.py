"""Meetings as iCalendar (RFC 5545), written with the icalendar library."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vText

from meetings.models import Meeting

PRODID = "-//Coordination Hub//Meetings//EN"


def _event(meeting: Meeting) -> Event:
    event = Event()
    # The UID never changes and SEQUENCE rises with every change, so a calendar that already has
    # the event replaces it instead of adding a second one.
    event.add("uid", f"{meeting.uid}@coordination-hub")
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


def calendar(meetings: Iterable[Meeting], *, name: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        cal.add_component(_event(meeting))
    cal.add_missing_timezones()
    return cal.to_ical()
