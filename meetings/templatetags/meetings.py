from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

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


@register.simple_tag
def meeting_when(meeting: Meeting) -> SafeString:
    """The meeting's times at the venue (in the venue's zone, whatever the viewer's), and in the
    viewer's zone when that differs.

    Written here rather than by a template: the meeting list shows it on each of its rows, and
    an inclusion tag per row was most of the list's time. tests/meetings/test_views.py checks
    it against the template it replaced."""
    start, end = meeting.local_starts_at, meeting.local_ends_at
    venue = format_html(
        '<span class="when-venue"><time datetime="{}">{}</time>–<time datetime="{}">{}</time>'
        ' <span class="muted">({}{})</span></span>',
        start.isoformat(),
        date_format(start, "D j M Y, H:i"),
        end.isoformat(),
        date_format(end, "H:i" if start.date() == end.date() else "D j M Y, H:i"),
        f"{gettext('local time')}, " if meeting.venue else "",
        meeting.time_zone,
    )
    own_start, own_end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
    if start.utcoffset() == own_start.utcoffset():
        return venue
    return format_html(
        '{}<br><span class="small">{}–{} ({})</span>',
        venue,
        gettext("%(start)s your time") % {"start": date_format(own_start, "D j M, H:i")},
        date_format(own_end, "H:i" if own_start.date() == own_end.date() else "D j M, H:i"),
        timezone.get_current_timezone(),
    )


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
