"""The meetings' sections of the digest (common.registry.DigestSection says how it is read).

What is due is read by meetings.selectors, the same reads as the dashboard's, for all the
organisations of a batch at once; a section only groups the rows by organisation and words them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.dates import group_time_zone
from common.digests import lines_for_people, organisations_of
from common.formats import local_date, local_datetime
from common.people import Recipient
from coordination.models import Person
from meetings import selectors
from meetings.models import Meeting

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    Line = dict[str, StrOrPromise]

EVERYONE = frozenset(Person.Role.values)


def _per_meeting(
    rows: Sequence[tuple[Meeting, Line]], organisation_ids: set[int]
) -> dict[int, list[Line]]:
    """Lines about meetings, given to every organisation of the batch each meeting concerns
    (invited or hosting): one query for the whole batch."""
    concerned = selectors.organisations_concerned([m for m, _line in rows], organisation_ids)
    lines: dict[int, list[Line]] = defaultdict(list)
    for meeting, line in rows:
        for organisation_id in sorted(concerned[meeting.pk]):
            lines[organisation_id].append(line)
    return lines


def _when(meeting: Meeting) -> StrOrPromise:
    """When the meeting starts, on the reader's clock and in their language (formatted when
    their digest is rendered), the zone named."""
    return local_datetime(meeting.starts_at)


class MeetingsSoonSection:
    kind = "meetings"
    label = _("Meetings in the next 14 days")
    roles = EVERYONE
    title = _("Meetings in the next 14 days")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        organisation_ids = organisations_of(people)
        rows: list[tuple[Meeting, Line]] = [
            (
                meeting,
                {
                    "title": meeting.title,
                    "url": meeting.get_absolute_url(),
                    "detail": _when(meeting),
                },
            )
            for meeting in selectors.meetings_soon(organisation_ids, now)
        ]
        return lines_for_people(people, _per_meeting(rows, organisation_ids))


class RSVPsSection:
    kind = "rsvps"
    label = _("Answers your organisation owes")
    roles = Person.ACTING_ROLES
    title = _("Answers your organisation owes")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        lines: dict[int, list[Line]] = defaultdict(list)
        for invitation in selectors.rsvps_missing(organisations_of(people), now):
            meeting = invitation.meeting
            deadline = (
                format_lazy(
                    _("answer by {date}"),
                    date=local_datetime(meeting.rsvp_deadline),
                )
                if meeting.rsvp_deadline
                else _when(meeting)
            )
            lines[invitation.organisation_id].append(
                {
                    "title": meeting.title,
                    "url": meeting.get_absolute_url() + "#rsvps",
                    "detail": deadline,
                }
            )
        return lines_for_people(people, lines)


class MinutesSection:
    kind = "minutes"
    label = _("Minutes awaiting your organisation's answer")
    roles = Person.ACTING_ROLES | {Person.Role.PRINCIPAL}
    title = _("Minutes awaiting your organisation's answer")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        # The deadline is a date of the group's calendar, whatever the reader's zone.
        today = timezone.localdate(now, group_time_zone())
        lines: dict[int, list[Line]] = defaultdict(list)
        for minutes, organisation_id in selectors.minutes_awaiting_answer(
            organisations_of(people), today
        ):
            lines[organisation_id].append(
                {
                    "title": minutes.meeting.title,
                    "url": minutes.answers_url(),
                    "detail": format_lazy(
                        _("answer by {date}"), date=local_date(minutes.approval_due_on)
                    )
                    if minutes.approval_due_on
                    else "",
                }
            )
        return lines_for_people(people, lines)


class ActionItemsSection:
    kind = "actions"
    label = _("Action items due")
    roles = Person.ACTING_ROLES
    title = _("Action items due")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        # "Overdue" is by the reader's calendar: digests.collect runs this in their time zone.
        today = timezone.localdate(now)
        lines: dict[int, list[Line]] = defaultdict(list)
        for action in selectors.action_items_due(organisations_of(people), today):
            if action.due_on is None:  # excluded by the query; narrows the type
                continue
            detail = format_lazy(
                _("overdue since {date}") if action.due_on < today else _("due {date}"),
                date=local_date(action.due_on),
            )
            lines[action.owner_organisation_id].append(
                {
                    "title": action.text,
                    "url": action.get_absolute_url(),
                    "detail": format_lazy("{} · {}", detail, action.meeting.title),
                }
            )
        return lines_for_people(people, lines)


MEETINGS_SOON = MeetingsSoonSection()
RSVPS = RSVPsSection()
MINUTES = MinutesSection()
ACTION_ITEMS = ActionItemsSection()
