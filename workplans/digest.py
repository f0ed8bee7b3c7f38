"""The work plan's section of the digest (common.registry.DigestSection says how it is read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.digests import lines_for_people, organisations_of
from coordination.models import Organisation, Person
from workplans.models import DUE_SOON, OVERDUE, WorkItem
from workplans.permissions import organisation_ids_of

if TYPE_CHECKING:
    from common.people import Recipient
    from common.registry import DigestLine


# The digest looks two weeks ahead (the dashboard a month: workplans.models.DUE_SOON_DAYS).
DUE_WITHIN_DAYS = 14


class WorkItemsSection:
    kind = "work_items"
    label = _("Work items due, overdue or without an update")
    roles = Person.ACTING_ROLES
    title = _("Your organisation's work items")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """Items each person's organisation leads or contributes to that are overdue, due within
        14 days, or without an update for 90 days. At most two queries for the whole batch: the
        items, and their contributors."""
        today = timezone.localdate(now)
        organisation_ids = organisations_of(people)
        if not organisation_ids:
            return {}
        items = (
            WorkItem.objects.for_organisations(organisation_ids)
            .needing_attention(today, now, due_within_days=DUE_WITHIN_DAYS)
            .only("title", "due_on", "status", "last_progress_at", "lead_organisation_id")
            # Only the contributors' ids: enough to tell which of the batch's organisations
            # each item concerns (permissions.organisation_ids_of reads this prefetch).
            .prefetch_related(
                Prefetch("contributing_organisations", queryset=Organisation.objects.only("pk"))
            )
            .order_by("due_on", "pk")
        )
        by_organisation: dict[int, list[DigestLine]] = defaultdict(list)
        for item in items:
            # Lazy texts: each person's digest renders them in that person's language.
            reason = item.attention(today, now, due_within_days=DUE_WITHIN_DAYS)
            if reason == OVERDUE and item.due_on is not None:
                detail = format_lazy(_("overdue since {date}"), date=item.due_on.isoformat())
            elif reason == DUE_SOON and item.due_on is not None:
                detail = format_lazy(_("due {date}"), date=item.due_on.isoformat())
            else:
                detail = format_lazy(
                    _("no update since {date}"),
                    date=timezone.localdate(item.last_progress_at).isoformat(),
                )
            line: DigestLine = {
                "title": item.title,
                "url": item.get_absolute_url(),
                "detail": format_lazy("{}, {}", WorkItem.Status(item.status).label, detail),
            }
            for organisation_id in organisation_ids_of(item) & organisation_ids:
                by_organisation[organisation_id].append(line)
        return lines_for_people(people, by_organisation)


WORK_ITEMS = WorkItemsSection()
