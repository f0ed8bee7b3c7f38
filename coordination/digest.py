"""The handover's section of the digest (common.registry.DigestSection says how it is read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.formats import local_date
from coordination.models import HandoverTask, Person

if TYPE_CHECKING:
    from common.people import Recipient
    from common.registry import DigestLine

# As the work plan's section: two weeks ahead.
DUE_WITHIN_DAYS = 14


class HandoverTasksSection:
    kind = "handover"
    label = _("Handover tasks you own, due or overdue")
    roles = Person.ACTING_ROLES
    title = _("Your handover tasks")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """Each person's open tasks on a handover not yet signed off, overdue or due within 14
        days. One query for the whole batch."""
        # "Overdue" is by the reader's calendar: digests.collect runs this in their time zone.
        today = timezone.localdate(now)
        tasks = (
            HandoverTask.objects.filter(
                owner_id__in=[p.pk for p in people],
                status=HandoverTask.Status.OPEN,
                gone=False,
                handover__signed_off_at__isnull=True,
                due_on__lte=today + timedelta(days=DUE_WITHIN_DAYS),
            )
            .select_related("handover")
            .order_by("due_on", "pk")
        )
        lines: dict[int, list[DigestLine]] = defaultdict(list)
        for task in tasks:
            if task.due_on is None or task.owner_id is None:  # excluded by the query
                continue
            detail = format_lazy(
                _("overdue since {date}") if task.due_on < today else _("due {date}"),
                date=local_date(task.due_on),
            )
            lines[task.owner_id].append(
                {"title": task.title, "url": task.get_absolute_url(), "detail": detail}
            )
        return dict(lines)


HANDOVER_TASKS = HandoverTasksSection()
