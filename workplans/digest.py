"""The work plan's section of the digest (common.registry.DigestSection says how it is read)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import DateField, Prefetch, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.digests import lines_for_people, organisations_of
from common.formats import local_date
from coordination.models import Organisation, Person
from workplans.models import DUE_SOON, OVERDUE, WorkItem
from workplans.notify import field_label
from workplans.permissions import organisation_ids_of
from workplans.services import LEAD_WATCHES

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
                detail = format_lazy(_("overdue since {date}"), date=local_date(item.due_on))
            elif reason == DUE_SOON and item.due_on is not None:
                detail = format_lazy(_("due {date}"), date=local_date(item.due_on))
            else:
                detail = format_lazy(
                    _("no update since {date}"),
                    date=local_date(item.last_progress_at),
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


# A weekly digest covers its whole week; a daily reader sees a change on the days that follow too
# (the digest does not know a reader's frequency), each line dated.
CHANGES_WITHIN = timedelta(days=7)
TOLD_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)


def _shown(name: str, value: Any) -> Any:
    """A value as auditlog stored it ("at_risk", "2024-05-01", "None"), for people to read."""
    if value in (None, "None", ""):
        return _("none")
    if name == "status" and value in WorkItem.Status.values:
        return WorkItem.Status(value).label
    if isinstance(WorkItem._meta.get_field(name), DateField):
        try:
            # Written as a date in the reader's language when the digest is rendered.
            return local_date(date.fromisoformat(str(value)))
        except ValueError:
            return value
    return value


class LeadToldSection:
    kind = "lead_told"
    label = _("Changes by other organisations to items you lead")
    roles = Person.ACTING_ROLES
    title = _("Changes by other organisations to items you lead")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """Changes of status or dates in the last seven days, made by someone whose
        organisation does not lead the item, for the lead's focal points and alternates and
        the item's owner (never the person who made the change). Read from the audit history:
        two queries for the whole batch (its rows, with their items' ids, and those items),
        plus the content type, once per process."""
        organisation_ids = organisations_of(people)
        person_ids = {p.pk for p in people}
        concerned = WorkItem.objects.filter(
            Q(lead_organisation_id__in=organisation_ids) | Q(owner_id__in=person_ids)
        ).values("pk")
        watched = Q()
        for name in LEAD_WATCHES:
            watched |= Q(changes__has_key=name)
        entries = list(
            LogEntry.objects.filter(
                watched,
                content_type=ContentType.objects.get_for_model(WorkItem),
                action=LogEntry.Action.UPDATE,
                timestamp__gt=now - CHANGES_WITHIN,
                timestamp__lte=now,
                object_id__in=concerned,
                actor__isnull=False,
            )
            .select_related("actor__organisation")
            .order_by("-timestamp", "-pk")
        )
        if not entries:
            return {}
        items = WorkItem.objects.only("title", "lead_organisation_id", "owner_id").in_bulk(
            {entry.object_id for entry in entries if entry.object_id is not None}
        )
        lines: dict[int, list[DigestLine]] = defaultdict(list)
        for entry in entries:
            item = items.get(entry.object_id or 0)
            actor = entry.actor
            if item is None or actor is None:
                continue
            actor_organisation = getattr(actor, "organisation", None)
            if getattr(actor, "organisation_id", None) == item.lead_organisation_id:
                continue  # the lead's own change: nobody needs telling
            changes = entry.changes or {}
            parts = [
                format_lazy(
                    "{}: {}",
                    field_label(name),
                    _shown(name, changes[name][1]),
                )
                for name in LEAD_WATCHES
                if name in changes
            ]
            what = format_lazy("; ".join("{}" for _part in parts), *parts)
            line: DigestLine = {
                "title": item.title,
                "url": item.get_absolute_url(),
                # Lazy: each reader's digest renders it in their language.
                "detail": format_lazy(
                    _("{changes}, by {person} ({organisation}) on {date}"),
                    changes=what,
                    person=str(actor),
                    organisation=actor_organisation.acronym if actor_organisation else "—",
                    date=local_date(entry.timestamp),
                ),
            }
            for person in people:
                if person.pk == actor.pk:
                    continue
                leads = person.organisation_id == item.lead_organisation_id
                if (leads and person.role in TOLD_ROLES) or person.pk == item.owner_id:
                    lines[person.pk].append(line)
        return dict(lines)


LEAD_TOLD = LeadToldSection()
