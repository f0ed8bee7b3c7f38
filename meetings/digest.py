"""The meetings' sections of the digest (common.registry.DigestSection says how it is read)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coordination.models import Person
from meetings.models import ActionItem, Invitation, Meeting, Minutes

# Who hears of what until they choose: everyone of meetings coming; principals of minutes too;
# the people who keep the work moving of everything.
KEEP_THINGS_MOVING = frozenset(
    {Person.Role.SECRETARIAT, Person.Role.FOCAL_POINT, Person.Role.ALTERNATE}
)
EVERYONE = frozenset(Person.Role.values)

WITHIN_DAYS = 14


def _by_person(
    people: list[Any], by_organisation: dict[int, list[dict[str, Any]]]
) -> dict[int, list[dict[str, Any]]]:
    return {
        p.pk: by_organisation[p.organisation_id]
        for p in people
        if by_organisation.get(p.organisation_id)
    }


def _organisations(people: list[Any]) -> set[int]:
    return {p.organisation_id for p in people if p.organisation_id}


def _when(meeting: Meeting) -> str:
    local = meeting.local_starts_at
    return f"{local:%Y-%m-%d %H:%M} ({meeting.time_zone})"


class MeetingsSoonSection:
    kind = "meetings"
    label = _("Meetings in the next 14 days")
    roles = EVERYONE
    title = _("Meetings in the next 14 days")

    def collect(self, people: list[Any], now: datetime) -> dict[int, list[dict[str, Any]]]:
        organisation_ids = _organisations(people)
        invitations = (
            Invitation.objects.filter(
                organisation_id__in=organisation_ids,
                meeting__status=Meeting.Status.SCHEDULED,
                meeting__starts_at__gte=now,
                meeting__starts_at__lte=now + timedelta(days=WITHIN_DAYS),
            )
            .select_related("meeting")
            .order_by("meeting__starts_at")
        )
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for invitation in invitations:
            meeting = invitation.meeting
            lines[invitation.organisation_id].append(
                {
                    "title": meeting.title,
                    "url": meeting.get_absolute_url(),
                    "detail": _when(meeting),
                }
            )
        return _by_person(people, lines)


class RSVPsSection:
    kind = "rsvps"
    label = _("Answers your organisation owes")
    roles = KEEP_THINGS_MOVING
    title = _("Answers your organisation owes")

    def collect(self, people: list[Any], now: datetime) -> dict[int, list[dict[str, Any]]]:
        invitations = (
            Invitation.objects.filter(
                organisation_id__in=_organisations(people),
                response=Invitation.Response.NO_ANSWER,
                meeting__status=Meeting.Status.SCHEDULED,
                meeting__starts_at__gt=now,
            )
            .select_related("meeting")
            .order_by("meeting__starts_at")
        )
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for invitation in invitations:
            meeting = invitation.meeting
            deadline = (
                format_lazy(
                    _("answer by {date}"),
                    date=timezone.localtime(meeting.rsvp_deadline, meeting.zone).date().isoformat(),
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
        return _by_person(people, lines)


class MinutesSection:
    kind = "minutes"
    label = _("Minutes circulated for approval")
    roles = KEEP_THINGS_MOVING | {Person.Role.PRINCIPAL}
    title = _("Minutes circulated for approval")

    def collect(self, people: list[Any], now: datetime) -> dict[int, list[dict[str, Any]]]:
        organisation_ids = _organisations(people)
        minutes = list(
            Minutes.objects.filter(status=Minutes.Status.CIRCULATED)
            .select_related("meeting")
            .order_by("approval_due_on")
        )
        invited = defaultdict(set)
        for meeting_id, organisation_id in Invitation.objects.filter(
            meeting_id__in=[m.meeting_id for m in minutes], organisation_id__in=organisation_ids
        ).values_list("meeting_id", "organisation_id"):
            invited[meeting_id].add(organisation_id)
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for m in minutes:
            line = {
                "title": m.meeting.title,
                "url": m.get_absolute_url(),
                "detail": format_lazy(_("approval due {date}"), date=m.approval_due_on.isoformat())
                if m.approval_due_on
                else "",
            }
            for organisation_id in invited[m.meeting_id]:
                lines[organisation_id].append(line)
        return _by_person(people, lines)


class ActionItemsSection:
    kind = "actions"
    label = _("Action items due")
    roles = KEEP_THINGS_MOVING
    title = _("Action items due")

    def collect(self, people: list[Any], now: datetime) -> dict[int, list[dict[str, Any]]]:
        today = timezone.localdate(now)
        actions = (
            ActionItem.objects.filter(
                Q(owner_organisation_id__in=_organisations(people)),
                work_item__isnull=True,
                due_on__isnull=False,
                due_on__lte=today + timedelta(days=WITHIN_DAYS),
            )
            .select_related("meeting")
            .order_by("due_on")
        )
        lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for action in actions:
            if action.due_on is None:  # excluded by the query; narrows the type
                continue
            overdue = action.due_on < today
            detail = format_lazy(
                _("overdue since {date}") if overdue else _("due {date}"),
                date=action.due_on.isoformat(),
            )
            lines[action.owner_organisation_id].append(
                {
                    "title": action.text,
                    "url": action.get_absolute_url(),
                    "detail": format_lazy("{} · {}", detail, action.meeting.title),
                }
            )
        return _by_person(people, lines)


MEETINGS_SOON = MeetingsSoonSection()
RSVPS = RSVPsSection()
MINUTES = MinutesSection()
ACTION_ITEMS = ActionItemsSection()
