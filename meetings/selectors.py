"""Reads of meetings with the joins their pages need, and what is due for the digests."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.registry import Backlink
from coordination.models import Person
from meetings import permissions
from meetings.models import (
    ActionItem,
    AgendaItem,
    Document,
    Invitation,
    Meeting,
    MeetingQuerySet,
    Minutes,
)
from workplans.models import WorkItem


def meetings_for(user: Person) -> MeetingQuerySet:
    """The meetings a person may see (organisers also see drafts), with what a row shows."""
    meetings = Meeting.objects.select_related("host_organisation")
    if not permissions.can_manage_meetings(user):
        meetings = meetings.visible()
    if user.organisation_id:
        mine = Invitation.objects.filter(organisation_id=user.organisation_id)
        meetings = meetings.prefetch_related(
            Prefetch("invitations", queryset=mine, to_attr="my_invitations")
        )
    return meetings


def meetings_in_month(user: Person, year: int, month: int) -> list[Meeting]:
    """The month as the viewer sees it: its days run midnight to midnight in their time zone."""
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return list(
        meetings_for(user).filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at", "pk")
    )


def meeting_detail(pk: int) -> Meeting:
    return (
        Meeting.objects.select_related("host_organisation", "minutes")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organisation", "answered_by"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "presenter_organisation", "presenter", "work_item"
                ).prefetch_related(
                    Prefetch("documents", queryset=Document.objects.order_by("uploaded_at"))
                ),
            ),
            Prefetch(
                "documents",
                queryset=Document.objects.filter(agenda_item__isnull=True).select_related(
                    "uploaded_by"
                ),
            ),
            "decisions",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related(
                    "owner_organisation", "owner", "work_item"
                ),
            ),
        )
        .get(pk=pk)
    )


def work_item_origins(item: object) -> list[Backlink]:
    """The action agreed at a meeting that a work item was made from (common.registry.backlinks)."""
    if not isinstance(item, WorkItem):
        return []
    return [
        Backlink(
            label=_("From"),
            text=_("an action agreed at"),
            title=action.meeting.title,
            url=action.get_absolute_url(),
        )
        for action in ActionItem.objects.select_related("meeting").filter(work_item=item)[:1]
    ]


# --- What is due: read by the dashboard and the digests -------------------------------------------


def rsvps_missing(organisation_id: int, now: datetime | None = None) -> QuerySet[Invitation]:
    """Invitations of the organisation to scheduled meetings still ahead, not yet answered."""
    now = now or timezone.now()
    return (
        Invitation.objects.filter(
            organisation_id=organisation_id,
            response=Invitation.Response.NO_ANSWER,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
        )
        .select_related("meeting")
        .order_by("meeting__rsvp_deadline", "meeting__starts_at")
    )


def meetings_soon(
    organisation_id: int, now: datetime | None = None, days: int = 14
) -> MeetingQuerySet:
    """Scheduled meetings the organisation is invited to or hosts in the coming days."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=days),
        )
        .for_organisation(organisation_id)
        .select_related("host_organisation")
        .order_by("starts_at")
    )


def minutes_awaiting_approval(organisation_id: int | None = None) -> QuerySet[Minutes]:
    """Minutes circulated for approval (of meetings the organisation was invited to, if given)."""
    minutes = Minutes.objects.filter(status=Minutes.Status.CIRCULATED).select_related("meeting")
    if organisation_id is not None:
        minutes = minutes.filter(
            Q(meeting__invitations__organisation_id=organisation_id)
            | Q(meeting__host_organisation_id=organisation_id)
        ).distinct()
    return minutes.order_by("approval_due_on")


def action_items_due(
    organisation_id: int, today: date | None = None, days: int = 14
) -> QuerySet[ActionItem]:
    """The organisation's open actions (not yet work items) due in the coming days or overdue."""
    today = today or timezone.localdate()
    return (
        ActionItem.objects.filter(
            owner_organisation_id=organisation_id,
            work_item__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=days),
        )
        .select_related("meeting", "owner")
        .order_by("due_on")
    )
