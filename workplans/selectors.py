"""Reads of work plans with the joins their pages need, so that a page's number of queries does
not grow with the rows it shows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from itertools import chain
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils import timezone

from common import registry
from common.dates import group_today
from common.registry import Backlink, ReportTable
from coordination.models import ChairTerm, Organisation
from workplans.models import (
    DUE_SOON_DAYS,
    Milestone,
    Pledge,
    PledgeReport,
    PledgeUpdate,
    PriorityArea,
    ProgressUpdate,
    WorkItem,
    WorkItemQuerySet,
    WorkPlan,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def work_items() -> WorkItemQuerySet:
    """Items with what a row shows: area, plan, lead, owner and contributors."""
    return WorkItem.objects.select_related(
        "priority_area__plan", "lead_organisation", "owner"
    ).prefetch_related("contributing_organisations")


def item_rows() -> WorkItemQuerySet:
    """The item list's rows: work_items() reading only the columns a row shows."""
    contributors = Organisation.objects.only("acronym").order_by(Lower("acronym"))
    return (
        work_items()
        .prefetch_related(None)
        .prefetch_related(Prefetch("contributing_organisations", queryset=contributors))
        .only(
            "title",
            "status",
            "due_on",
            "percent_complete",
            "last_progress_at",
            "priority_area__title",
            "priority_area__plan_id",
            "lead_organisation__acronym",
            "owner__full_name",
        )
    )


def item_links() -> WorkItemQuerySet:
    """Just what a short list of links shows: title, status, due date and the lead's acronym."""
    return WorkItem.objects.select_related("lead_organisation").only(
        "title", "status", "due_on", "last_progress_at", "lead_organisation__acronym"
    )


def work_plans() -> QuerySet[WorkPlan]:
    return WorkPlan.objects.all()


# --- A plan's overview ---------------------------------------------------------------------------


@dataclass
class AreaSummary:
    area: PriorityArea
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    average_percent: float = 0.0

    @cached_property
    def status_counts(self) -> list[tuple[str, StrOrPromise, int]]:
        return [
            (value, label, self.counts.get(value, 0)) for value, label in WorkItem.Status.choices
        ]


def plan_overview(plan: WorkPlan) -> list[AreaSummary]:
    """Each priority area with its items counted by status and their average completion.

    Two queries whatever the number of items: the areas, and one grouped count.
    """
    summaries = {area.pk: AreaSummary(area=area) for area in plan.priority_areas.all()}
    rows = (
        WorkItem.objects.filter(priority_area__plan=plan)
        .values("priority_area_id", "status")
        .annotate(n=Count("pk"), percent=Avg("percent_complete"))
        .order_by()
    )
    weighted: dict[int, float] = {}
    for row in rows:
        summary = summaries[row["priority_area_id"]]
        summary.counts[row["status"]] = row["n"]
        summary.total += row["n"]
        if row["status"] != WorkItem.Status.CANCELLED:
            weighted[summary.area.pk] = weighted.get(summary.area.pk, 0) + row["percent"] * row["n"]
    for summary in summaries.values():
        counted = summary.total - summary.counts.get(WorkItem.Status.CANCELLED, 0)
        summary.average_percent = weighted.get(summary.area.pk, 0) / counted if counted else 0.0
    return list(summaries.values())


def plan_due_soon(plan: WorkPlan, *, today: date | None = None, limit: int = 10) -> list[WorkItem]:
    today = today or group_today()
    return list(
        item_links()
        .filter(priority_area__plan=plan)
        .due_between(today, today + timedelta(days=DUE_SOON_DAYS))
        .order_by("due_on", "pk")[:limit]
    )


def plan_overdue(plan: WorkPlan, *, today: date | None = None, limit: int = 10) -> list[WorkItem]:
    today = today or group_today()
    return list(
        item_links()
        .filter(priority_area__plan=plan)
        .overdue(today)
        .order_by("due_on", "pk")[:limit]
    )


# --- An item's page ------------------------------------------------------------------------------


def item_detail(pk: int) -> WorkItem:
    return (
        work_items()
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "pk"))
        )
        .get(pk=pk)
    )


@dataclass
class TimelineEntry:
    at: datetime
    kind: str  # "update" or "change"
    update: ProgressUpdate | None = None
    change: LogEntry | None = None


def item_timeline(item: WorkItem) -> list[TimelineEntry]:
    """Progress updates and recorded changes of the item and its milestones, newest first.

    The audit row written by a progress update (the status it set) is left out: the update
    itself says it.
    """
    updates = ProgressUpdate.objects.filter(item=item).select_related("author", "organisation")
    item_type = ContentType.objects.get_for_model(WorkItem)
    milestone_type = ContentType.objects.get_for_model(Milestone)
    milestone_ids = [str(m.pk) for m in item.milestones.all()]
    changes = (
        LogEntry.objects.filter(
            Q(content_type=item_type, object_pk=str(item.pk))
            | Q(content_type=milestone_type, object_pk__in=milestone_ids)
            # Milestones since removed: their rows name the item (workplans.services).
            | Q(content_type=milestone_type, additional_data__item=item.pk)
        )
        .exclude(additional_data__has_key="progress_update")
        .select_related("actor", "content_type")
    )
    entries = chain(
        (TimelineEntry(at=u.created_at, kind="update", update=u) for u in updates),
        (TimelineEntry(at=c.timestamp, kind="change", change=c) for c in changes),
    )
    return sorted(entries, key=lambda e: e.at, reverse=True)


def open_priority_areas() -> QuerySet[PriorityArea]:
    """The priority areas of plans still open, with their plan: where new work can go."""
    return (
        PriorityArea.objects.exclude(plan__status=WorkPlan.Status.CLOSED)
        .select_related("plan")
        .order_by("plan", "position")
    )


def backlinks(item: WorkItem) -> list[Backlink]:
    """What other apps' objects say of the item (common.registry.backlinks)."""
    return registry.backlinks_to(item)


# --- The dashboard -------------------------------------------------------------------------------


@dataclass
class OrganisationWork:
    overdue: list[WorkItem]
    due_soon: list[WorkItem]
    stale: list[WorkItem]

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon or self.stale)


def organisation_work(organisation_id: int, *, limit: int = 10) -> OrganisationWork:
    """What needs the organisation: its items overdue, due in the next 30 days, or stale (the
    first few of each; the page links to the full list)."""
    today, now = group_today(), timezone.now()
    items = (
        item_links()
        .for_organisations([organisation_id])
        .needing_attention(today, now, due_within_days=DUE_SOON_DAYS)
    )
    return OrganisationWork(
        overdue=list(items.overdue(today).order_by("due_on", "pk")[:limit]),
        due_soon=list(
            items.due_between(today, today + timedelta(days=DUE_SOON_DAYS)).order_by(
                "due_on", "pk"
            )[:limit]
        ),
        stale=list(
            items.stale(now).exclude(due_on__lt=today).order_by("last_progress_at", "pk")[:limit]
        ),
    )


# --- The annual report ---------------------------------------------------------------------------


@dataclass
class ReportRow:
    item: WorkItem
    status: str
    percent: int
    updates: list[ProgressUpdate]

    @property
    def status_label(self) -> StrOrPromise:
        return WorkItem.Status(self.status).label


@dataclass
class ReportArea:
    area: PriorityArea
    rows: list[ReportRow]


def _states_at(items: Sequence[WorkItem], day: date) -> dict[int, tuple[str, int]]:
    """Each item's status and percent at the end of `day`, rebuilt from its history.

    Two sources change them: progress updates (dated by the day they report on) and edits
    (recorded in the audit history when they were made). The later of the last of each wins;
    before either, the item stood as it was created. Two queries for all the items.
    """
    if not items:
        return {}
    ids = [item.pk for item in items]
    last_update = ProgressUpdate.objects.filter(item=OuterRef("pk"), reported_on__lte=day).order_by(
        "-reported_on", "-created_at"
    )
    updates = {
        row["pk"]: row
        for row in WorkItem.objects.filter(pk__in=ids)
        .annotate(
            u_status=Subquery(last_update.values("status")[:1]),
            u_percent=Subquery(last_update.values("percent_complete")[:1]),
            u_on=Subquery(last_update.values("reported_on")[:1]),
        )
        .values("pk", "u_status", "u_percent", "u_on")
    }
    day_end = timezone.make_aware(datetime.combine(day, datetime.max.time()))
    edits: dict[int, dict[str, Any]] = {}
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(WorkItem),
            object_pk__in=[str(pk) for pk in ids],
            timestamp__lte=day_end,
        )
        .exclude(additional_data__has_key="progress_update")
        .order_by("timestamp", "pk")
        .only("object_pk", "timestamp", "changes")
    )
    for entry in entries:
        changes = entry.changes_dict
        state = edits.setdefault(int(entry.object_pk), {})
        for name in ("status", "percent_complete"):
            if name in changes:
                state[name] = changes[name][1]
                state["changed_on"] = timezone.localdate(entry.timestamp)
    states = {}
    for item in items:
        update, edit = updates[item.pk], edits.get(item.pk, {})
        status, percent = WorkItem.Status.NOT_STARTED.value, 0
        if "status" in edit:  # as created, or as last edited
            status = edit["status"]
        if "percent_complete" in edit:
            percent = int(edit["percent_complete"] or 0)
        edited_on: date | None = edit.get("changed_on")
        if update["u_status"] and (edited_on is None or update["u_on"] >= edited_on):
            status, percent = update["u_status"], update["u_percent"]
        if not update["u_status"] and not edit and day >= timezone.localdate():
            status, percent = item.status, item.percent_complete  # no history at all: as it is now
        states[item.pk] = (status, percent)
    return states


def annual_report(plan: WorkPlan, year: int) -> list[ReportArea]:
    """Per priority area, the items active in `year` with that year's progress updates.

    An item is in the report if it existed by the end of the year and either had an update in
    it, had dates overlapping it, or was still open when it began. Its status and percent are
    those it had at the end of the year (see _states_at).
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    updated_in_year = set(
        ProgressUpdate.objects.filter(
            item__priority_area__plan=plan, reported_on__range=(start, end)
        ).values_list("item_id", flat=True)
    )
    items = list(
        work_items()
        .filter(priority_area__plan=plan)
        .filter(Q(created_at__date__lte=end) | Q(pk__in=updated_in_year))
        .prefetch_related(
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.filter(reported_on__range=(start, end))
                .select_related("organisation", "author")
                .order_by("reported_on", "created_at"),
                to_attr="updates_in_year",
            )
        )
        .order_by("priority_area__position", "due_on", "pk")
    )
    at_end = _states_at(items, end)
    at_start = _states_at(items, start - timedelta(days=1))
    by_area: dict[int, list[ReportRow]] = {}
    for item in items:
        overlaps = (item.start_on is None or item.start_on <= end) and (
            item.due_on is None or item.due_on >= start
        )
        open_at_start = (
            item.created_at.date() < start and at_start[item.pk][0] not in WorkItem.CLOSED_STATUSES
        )
        if not (item.pk in updated_in_year or overlaps or open_at_start):
            continue
        status, percent = at_end[item.pk]
        row = ReportRow(item=item, status=status, percent=percent, updates=item.updates_in_year)
        by_area.setdefault(item.priority_area_id, []).append(row)
    return [ReportArea(area=a, rows=by_area.get(a.pk, [])) for a in plan.priority_areas.all()]


def members_in_year(year: int) -> list[Organisation]:
    """The organisations that were members at some time in `year`: joined by its end (or on a
    day not recorded) and not left before it began; in acronym order."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    return list(
        Organisation.objects.filter(
            Q(joined_on__isnull=True) | Q(joined_on__lte=end),
            Q(left_on__isnull=True) | Q(left_on__gt=start),
        )
    )


def report_sections(year: int) -> list[ReportTable]:
    """What the other apps add to the annual report of `year` (common.registry.report_sections,
    in their order; those with nothing to say left out), each asked about the year's members.
    One query for the members, then each section's own fixed number, however many members."""
    if not len(registry.report_sections):
        return []
    members = members_in_year(year)
    return [
        table
        for section in registry.report_sections
        if (table := section(year, members)) is not None
    ]


# --- Chairs' pledges -----------------------------------------------------------------------------


def pledges() -> QuerySet[Pledge]:
    """Pledges with what their rows show: the organisation, the areas and items as links (with
    each item's lead), and the updates newest first (`updates_newest_first`)."""
    return Pledge.objects.select_related("organisation", "term").prefetch_related(
        Prefetch("priority_areas", queryset=PriorityArea.objects.select_related("plan")),
        Prefetch("work_items", queryset=item_links().order_by("due_on", "pk")),
        Prefetch(
            "updates",
            queryset=PledgeUpdate.objects.select_related("author").order_by(
                "-reported_on", "-created_at"
            ),
            to_attr="updates_newest_first",
        ),
    )


def pledges_of_term(term: ChairTerm) -> QuerySet[Pledge]:
    """The term's pledges, by organisation: five queries however many pledges, areas, items and
    updates there are."""
    return pledges().filter(term=term).order_by("organisation__acronym", "pk")


def pledge_detail(pk: int) -> Pledge:
    return pledges().get(pk=pk)


def pledge_reports_of_term(term: ChairTerm) -> dict[int, PledgeReport]:
    """The term's pledge reports by organisation id."""
    return {
        report.organisation_id: report
        for report in PledgeReport.objects.filter(term=term).select_related("written_by")
    }


@dataclass
class ChairPledges:
    """One chair organisation of a term: its pledges and its pledge report (None until written)."""

    organisation: Organisation
    pledges: list[Pledge]
    report: PledgeReport | None


@dataclass
class TermPledges:
    term: ChairTerm
    chairs: list[ChairPledges]


def term_pledges(term: ChairTerm) -> list[ChairPledges]:
    """Each chair organisation of the term (in acronym order) with its pledges and report."""
    by_organisation: dict[int, list[Pledge]] = {}
    for pledge in pledges_of_term(term):
        by_organisation.setdefault(pledge.organisation_id, []).append(pledge)
    reports = pledge_reports_of_term(term)
    chairs = sorted(term.organisations.all(), key=lambda o: o.acronym)
    return [
        ChairPledges(
            organisation=organisation,
            pledges=by_organisation.get(organisation.pk, []),
            report=reports.get(organisation.pk),
        )
        for organisation in chairs
    ]


def pledges_of_year(year: int) -> list[TermPledges]:
    """For the annual report of `year`: every chair term overlapping the year that has pledges
    or a pledge report, oldest first, each chair with what it pledged, how far it got and its
    report. A fixed number of queries however many terms, pledges and reports there are."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    terms = list(
        # A term not started yet has only draft pledges: the report is of what was pledged.
        ChairTerm.objects.filter(starts_on__lte=min(end, group_today()), ends_on__gte=start)
        .filter(Q(pledges__isnull=False) | Q(pledge_reports__isnull=False))
        .distinct()
        .order_by("starts_on")
        .prefetch_related("organisations")
    )
    if not terms:
        return []
    by_chair: dict[tuple[int, int], list[Pledge]] = {}
    for pledge in pledges().filter(term__in=terms).order_by("pk"):
        by_chair.setdefault((pledge.term_id, pledge.organisation_id), []).append(pledge)
    reports = {
        (report.term_id, report.organisation_id): report
        for report in PledgeReport.objects.filter(term__in=terms).select_related("written_by")
    }
    return [
        TermPledges(
            term=term,
            chairs=[
                ChairPledges(
                    organisation=organisation,
                    pledges=by_chair.get((term.pk, organisation.pk), []),
                    report=reports.get((term.pk, organisation.pk)),
                )
                for organisation in sorted(term.organisations.all(), key=lambda o: o.acronym)
            ],
        )
        for term in terms
    ]
