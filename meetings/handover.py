"""What the meetings hand over to the next chairs (common.registry.handover_sources).

- the meetings scheduled on or after the incoming term's first day (drafts too: the incoming
  chairs draft their term's meetings before it starts);
- the meetings held in the last 60 days whose minutes are not approved, or with action items
  that have not become work items;
- the documents to pass on: one entry per meeting with documents, of the meetings since the
  outgoing term started (the last 60 days when there is no outgoing term) and those after.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.dates import group_time_zone
from common.registry import HandoverEntry
from meetings.models import Meeting, Minutes

if TYPE_CHECKING:
    from coordination.models import ChairTerm

# Meetings held this long ago or less whose follow-up is still open are handed over.
RECENT_DAYS = 60


def _group_midnight(day: object) -> datetime:
    return datetime.combine(day, time.min, tzinfo=group_time_zone())  # type: ignore[arg-type]


def _date(meeting: Meeting) -> str:
    return f"{meeting.local_starts_at:%Y-%m-%d}"


class MeetingsSource:
    """Three queries: the meetings after the start, the recent ones, the ones with documents."""

    label = gettext_lazy("Meetings and documents")

    def __call__(self, term: ChairTerm, outgoing: ChairTerm | None) -> list[HandoverEntry]:
        now = timezone.now()
        starts = _group_midnight(term.starts_on)
        recent_since = now - timedelta(days=RECENT_DAYS)
        entries: list[HandoverEntry] = []

        coming = (
            Meeting.objects.filter(starts_at__gte=starts)
            .exclude(status=Meeting.Status.CANCELLED)
            .order_by("starts_at", "pk")
        )
        for meeting in coming:
            entries.append(
                HandoverEntry(
                    reference=f"meetings.meeting:{meeting.pk}",
                    title=meeting.title,
                    detail=_("Scheduled for %(date)s, in the new term: %(status)s.")
                    % {"date": _date(meeting), "status": meeting.get_status_display()},
                    url=meeting.get_absolute_url(),
                )
            )

        recent = (
            Meeting.objects.filter(starts_at__gte=recent_since, starts_at__lt=min(now, starts))
            .exclude(status__in=[Meeting.Status.CANCELLED, Meeting.Status.DRAFT])
            .select_related("minutes")
            .annotate(
                open_actions=Count("action_items", filter=Q(action_items__work_item__isnull=True))
            )
            .order_by("starts_at", "pk")
        )
        for meeting in recent:
            minutes: Minutes | None = getattr(meeting, "minutes", None)
            reasons = []
            if minutes is None:
                reasons.append(_("no minutes yet"))
            elif minutes.status != Minutes.Status.APPROVED:
                reasons.append(
                    _("minutes %(status)s") % {"status": minutes.get_status_display().lower()}
                )
            if meeting.open_actions:
                reasons.append(
                    ngettext(
                        "%(n)d action item not yet a work item",
                        "%(n)d action items not yet work items",
                        meeting.open_actions,
                    )
                    % {"n": meeting.open_actions}
                )
            if not reasons:
                continue
            entries.append(
                HandoverEntry(
                    reference=f"meetings.meeting:{meeting.pk}",
                    title=meeting.title,
                    detail=_("Held on %(date)s: %(open)s.")
                    % {"date": _date(meeting), "open": "; ".join(reasons)},
                    url=meeting.get_absolute_url(),
                )
            )

        since = _group_midnight(outgoing.starts_on) if outgoing else recent_since
        with_documents = (
            Meeting.objects.filter(starts_at__gte=since)
            .exclude(status=Meeting.Status.CANCELLED)
            .annotate(document_count=Count("documents"))
            .filter(document_count__gt=0)
            .order_by("starts_at", "pk")
        )
        for meeting in with_documents:
            count: int = meeting.document_count
            entries.append(
                HandoverEntry(
                    reference=f"meetings.documents:{meeting.pk}",
                    title=_("Documents of %(meeting)s") % {"meeting": meeting.title},
                    detail=ngettext(
                        "%(n)d document to pass on (%(date)s).",
                        "%(n)d documents to pass on (%(date)s).",
                        count,
                    )
                    % {"n": count, "date": _date(meeting)},
                    url=f"{meeting.get_absolute_url()}#documents",
                )
            )
        return entries


meetings_to_hand_over = MeetingsSource()
