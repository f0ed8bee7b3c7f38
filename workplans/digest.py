"""The work plan's section of the digest (common.registry.DigestSection says how it is read)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from coordination.models import Person
from workplans.models import STALE_AFTER_DAYS, WorkItem

# Who hears of it until they choose: the people who keep the work moving.
KEEP_THINGS_MOVING = frozenset(
    {Person.Role.SECRETARIAT, Person.Role.FOCAL_POINT, Person.Role.ALTERNATE}
)

DUE_WITHIN_DAYS = 14


class WorkItemsSection:
    kind = "work_items"
    label = _("Work items due, overdue or without an update")
    roles = KEEP_THINGS_MOVING
    title = _("Your organisation's work items")

    def collect(self, people: list[Any], now: datetime) -> dict[int, list[dict[str, Any]]]:
        """Items each person's organisation leads or contributes to that are overdue, due within
        14 days, or without an update for 90 days. Two queries for the whole batch."""
        today = timezone.localdate(now)
        organisation_ids = {p.organisation_id for p in people if p.organisation_id}
        if not organisation_ids:
            return {}
        through = WorkItem.contributing_organisations.through
        contributions = list(
            through.objects.filter(organisation_id__in=organisation_ids).values_list(
                "workitem_id", "organisation_id"
            )
        )
        needing = Q(due_on__lte=today + timedelta(days=DUE_WITHIN_DAYS)) | Q(
            last_progress_at__lt=now - timedelta(days=STALE_AFTER_DAYS)
        )
        items = (
            WorkItem.objects.open()
            .filter(
                Q(lead_organisation_id__in=organisation_ids)
                | Q(pk__in={item_id for item_id, _ in contributions})
            )
            .filter(needing)
            .only("title", "due_on", "status", "last_progress_at", "lead_organisation_id")
            .order_by("due_on", "pk")
        )
        by_organisation: dict[int, list[dict[str, Any]]] = defaultdict(list)
        contributors: dict[int, set[int]] = defaultdict(set)
        for item_id, organisation_id in contributions:
            contributors[item_id].add(organisation_id)
        for item in items:
            # Lazy texts: each person's digest renders them in that person's language.
            if item.due_on and item.due_on < today:
                detail = format_lazy(_("overdue since {date}"), date=item.due_on.isoformat())
            elif item.due_on and item.due_on <= today + timedelta(days=DUE_WITHIN_DAYS):
                detail = format_lazy(_("due {date}"), date=item.due_on.isoformat())
            else:
                detail = format_lazy(
                    _("no update since {date}"),
                    date=timezone.localdate(item.last_progress_at).isoformat(),
                )
            line = {
                "title": item.title,
                "url": item.get_absolute_url(),
                "detail": format_lazy("{}, {}", WorkItem.Status(item.status).label, detail),
            }
            for organisation_id in {item.lead_organisation_id} | contributors[item.pk]:
                if organisation_id in organisation_ids:
                    by_organisation[organisation_id].append(line)
        return {
            p.pk: by_organisation[p.organisation_id]
            for p in people
            if by_organisation.get(p.organisation_id)
        }


WORK_ITEMS = WorkItemsSection()
