"""The work plan's blocks of the dashboard (common.registry.DashboardBlock says how they are
read): the organisation's own work for its focal points; across the plan, for the secretariat
and the chairs, the items in trouble by organisation, the members gone silent, the term's
pledges. Each is a fixed number of queries, whatever the number of items and organisations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone

from common.dates import group_today
from common.people import Recipient
from common.registry import Block
from coordination.models import Organisation, Person
from coordination.permissions import is_chair, is_secretariat
from coordination.selectors import current_chair_term
from workplans import selectors
from workplans.models import STALE_AFTER_DAYS, Pledge, WorkItem


def my_organisation_work(person: Recipient) -> Block | None:
    """Items the person's organisation leads or contributes to: overdue, due soon, stale."""
    # An observer's organisation (a donor) leads nothing here: no block telling them so.
    if person.organisation_id is None or person.role == Person.Role.OBSERVER:
        return None
    return Block(
        template="workplans/_dashboard_panel.html",
        context={"work": selectors.organisation_work(person.organisation_id)},
    )


# --- The group-wide blocks of the secretariat and the chairs --------------------------------------

# An organisation whose open items have gone this long without progress is followed up (the same
# span as an item's "stale", workplans.models.STALE_AFTER_DAYS).
NO_UPDATE_DAYS = STALE_AFTER_DAYS
ITEMS_LIST = "workplans:item_list"
TROUBLED = [WorkItem.Status.AT_RISK.value, WorkItem.Status.OFF_TRACK.value]


def _item_list(**filters: object) -> str:
    """The item list filtered as a block counted (workplans.filters.WorkItemFilter's names)."""
    return f"{reverse(ITEMS_LIST)}?{urlencode(filters, doseq=True)}"


@dataclass(frozen=True)
class OrganisationAtRisk:
    """A lead organisation's open items at risk, off track and overdue, each linked to its list."""

    organisation_id: int
    acronym: str
    name: str
    at_risk: int
    off_track: int
    overdue: int

    @property
    def at_risk_url(self) -> str:
        return _item_list(lead_organisation=self.organisation_id, status=WorkItem.Status.AT_RISK)

    @property
    def off_track_url(self) -> str:
        return _item_list(lead_organisation=self.organisation_id, status=WorkItem.Status.OFF_TRACK)

    @property
    def overdue_url(self) -> str:
        return _item_list(lead_organisation=self.organisation_id, overdue="on")


def items_at_risk(person: Person) -> Block | None:
    """The secretariat and the chairs: across the plan, the open items at risk, off track or
    overdue, counted by lead organisation (the most first), each count linked to the item list
    filtered by that organisation and status. One query."""
    if not (is_secretariat(person) or is_chair(person)):
        return None
    today = group_today()
    overdue = Q(due_on__lt=today)
    rows = [
        OrganisationAtRisk(
            organisation_id=row["lead_organisation_id"],
            acronym=row["lead_organisation__acronym"],
            name=row["lead_organisation__name"],
            at_risk=row["at_risk"],
            off_track=row["off_track"],
            overdue=row["overdue"],
        )
        for row in WorkItem.objects.open()
        .filter(Q(status__in=TROUBLED) | overdue)
        .values("lead_organisation_id", "lead_organisation__acronym", "lead_organisation__name")
        .annotate(
            at_risk=Count("pk", filter=Q(status=WorkItem.Status.AT_RISK)),
            off_track=Count("pk", filter=Q(status=WorkItem.Status.OFF_TRACK)),
            overdue=Count("pk", filter=overdue),
            total=Count("pk"),
        )
        .order_by("-total", "lead_organisation__acronym")
    ]
    return Block(
        template="workplans/dashboard_at_risk.html",
        context={
            "rows": rows,
            "at_risk": sum(r.at_risk for r in rows),
            "off_track": sum(r.off_track for r in rows),
            "overdue": sum(r.overdue for r in rows),
            "troubled_url": _item_list(status=TROUBLED),
            "overdue_url": _item_list(overdue="on"),
        },
    )


@dataclass(frozen=True)
class Silent:
    """A current member that leads open items none of which had progress for NO_UPDATE_DAYS."""

    organisation: Organisation
    open_items: int
    last_update: datetime

    @property
    def items_url(self) -> str:
        # Least recently updated first: the list shows what to ask about.
        return _item_list(lead_organisation=self.organisation.pk, ordering="updated")


def organisations_without_updates(person: Person) -> Block | None:
    """The secretariat: the current members whose open items (those they lead) have had no
    progress update for NO_UPDATE_DAYS, the longest silent first. One query."""
    if not is_secretariat(person):
        return None
    cutoff = timezone.now() - timedelta(days=NO_UPDATE_DAYS)
    still_open = ~Q(led_work_items__status__in=WorkItem.CLOSED_STATUSES)
    organisations = (
        Organisation.objects.current()
        .annotate(
            open_items=Count("led_work_items", filter=still_open),
            last_update=Max("led_work_items__last_progress_at", filter=still_open),
        )
        .filter(open_items__gt=0, last_update__lt=cutoff)
        .order_by("last_update", "acronym")
    )
    return Block(
        template="workplans/dashboard_silent.html",
        context={
            "silent": [
                Silent(organisation=o, open_items=o.open_items, last_update=o.last_update)
                for o in organisations
            ],
            "days": NO_UPDATE_DAYS,
        },
    )


def term_pledges(person: Person) -> Block | None:
    """A chair: the pledges of the term they chair, each chair organisation's with its status
    and percent, linked to the term's page (the handover is in coordination's block). Three
    queries: the term, its organisations, its pledges."""
    if not is_chair(person):
        return None
    term = current_chair_term()
    if term is None:
        return None
    pledges = list(
        Pledge.objects.filter(term=term)
        .select_related("organisation")
        .order_by("organisation__acronym", "pk")
    )
    return Block(
        template="workplans/dashboard_pledges.html",
        context={
            "term": term,
            "pledges": pledges,
            "chairs": sorted(term.organisations.all(), key=lambda o: o.acronym),
            "open_pledges": sum(1 for p in pledges if p.is_open),
        },
    )
