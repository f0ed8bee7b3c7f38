"""The work plan's part of a handover checklist (common.registry.handover_sources)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, Value
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from common.dates import group_today
from common.registry import HandoverEntry
from workplans.models import Pledge, WorkItem, WorkPlan

if TYPE_CHECKING:
    from coordination.models import ChairTerm


def _detail(item: WorkItem, reasons: list[str]) -> str:
    parts = [
        _("Status: %(status)s (%(percent)s%%)")
        % {"status": item.get_status_display(), "percent": item.percent_complete},
        _("due %(date)s") % {"date": date_format(item.due_on)} if item.due_on else _("no due date"),
        _("lead %(organisation)s") % {"organisation": item.lead_organisation.acronym},
    ]
    if item.owner is not None:
        parts.append(_("owner %(name)s") % {"name": item.owner.full_name})
    return " · ".join([*parts, *reasons])


def work_items(incoming: ChairTerm, outgoing: ChairTerm | None) -> list[HandoverEntry]:
    """The open work items the next chairs take over, one entry each:

    - those of the priority areas the outgoing chairs' pledges concern, and the items the
      pledges name;
    - any open item at risk, off track or overdue (on the group's date), whoever pledged it.

    Items of closed plans are left out: their plan no longer changes. One query however many
    items (the pledged areas and items are subqueries of it).
    """
    today = group_today()
    # No outgoing term (the first one recorded): nothing was pledged, so no item is.
    pledged = Q(pk__in=[])
    flag: Expression = Value(False)
    if outgoing is not None:
        pledges = Pledge.objects.filter(term=outgoing)
        pledged = Q(
            priority_area__in=Pledge.priority_areas.through.objects.filter(
                pledge__in=pledges
            ).values("priorityarea_id")
        ) | Q(
            pk__in=Pledge.work_items.through.objects.filter(pledge__in=pledges).values(
                "workitem_id"
            )
        )
        flag = ExpressionWrapper(pledged, output_field=BooleanField())
    worrying = Q(status__in=[WorkItem.Status.AT_RISK, WorkItem.Status.OFF_TRACK]) | Q(
        due_on__lt=today
    )
    items = (
        WorkItem.objects.open()
        .exclude(priority_area__plan__status=WorkPlan.Status.CLOSED)
        .filter(pledged | worrying)
        .annotate(is_pledged=flag)
        .select_related("lead_organisation", "owner")
        .order_by("due_on", "pk")
    )
    entries = []
    for item in items:
        reasons = []
        if item.is_pledged:
            reasons.append(_("concerned by the outgoing chairs' pledges"))
        if item.is_overdue(today):
            reasons.append(_("overdue"))
        entries.append(
            HandoverEntry(
                reference=f"workplans.workitem:{item.pk}",
                title=item.title,
                detail=_detail(item, reasons),
                url=item.get_absolute_url(),
                owner_id=item.owner_id,
                due_on=None,
            )
        )
    return entries
