from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from common import reminders
from common.reminders import ReminderState
from meetings import recurrence
from meetings.models import Meeting, Series

register = template.Library()

RESPONSE_BADGES = {
    "in_person": "badge badge-ok",
    "online": "badge badge-brand",
    "not_attending": "badge badge-muted",
    "no_answer": "badge badge-warn",
}


@register.filter
def response_badge(response: str) -> str:
    return RESPONSE_BADGES.get(response, "badge")


@register.inclusion_tag("meetings/_when.html", takes_context=True)
def meeting_when(context: dict[str, Any], meeting: Meeting) -> dict[str, Any]:
    """The meeting's times at the venue, and in the viewer's zone when that differs."""
    viewer_zone = timezone.get_current_timezone()
    venue_start, venue_end = meeting.local_starts_at, meeting.local_ends_at
    own_start, own_end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    return {
        "meeting": meeting,
        "venue_start": venue_start,
        "venue_end": venue_end,
        "same_day": venue_start.date() == venue_end.date(),
        # The viewer's own time only when it differs from the venue's.
        "show_own": venue_start.utcoffset() != own_start.utcoffset(),
        "own_start": own_start,
        "own_end": own_end,
        "own_same_day": own_start.date() == own_end.date(),
        "viewer_zone": str(viewer_zone),
    }


@register.simple_tag
def rsvp_reminder(meeting: Meeting) -> ReminderState | None:
    """When the organisations that have not answered were last reminded (one query); None
    once the meeting has started, when nobody is reminded any more."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        return None
    return reminders.reminder_state(reminders.reminder_subject(meeting))


@register.filter
def rule(series: Series) -> str:
    """A series' rule in the reader's words: "Every month on the second Tuesday"."""
    return recurrence.describe(series)
