"""Coordination's block of the dashboard: who chairs now and next, and, for the chairs of the
terms around today, their term and the state of the handover that concerns them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from common import registry
from common.dates import group_today
from common.registry import Block
from coordination import permissions, selectors
from coordination.models import ChairTerm, Handover, HandoverTask, Person


@dataclass
class HandoverState:
    """What the dashboard says of a handover: opened or not, tasks to do, signatures given."""

    term: ChairTerm
    handover: Handover | None
    open_tasks: int = 0
    overdue_tasks: int = 0
    signatures: int = 0


def handover_state(term: ChairTerm, today: date) -> HandoverState:
    """The handover to `term`'s chairs, counted in one query."""
    still_to_do = Q(tasks__status=HandoverTask.Status.OPEN, tasks__gone=False)
    handover = (
        Handover.objects.filter(term=term)
        .annotate(
            open_tasks=Count("tasks", filter=still_to_do, distinct=True),
            overdue_tasks=Count(
                "tasks", filter=still_to_do & Q(tasks__due_on__lt=today), distinct=True
            ),
            signature_count=Count("signatures", distinct=True),
        )
        .first()
    )
    if handover is None:
        return HandoverState(term=term, handover=None)
    return HandoverState(
        term=term,
        handover=handover,
        open_tasks=handover.open_tasks,  # annotated above
        overdue_tasks=handover.overdue_tasks,
        signatures=handover.signature_count,
    )


def chairs(person: Person) -> Block:
    """Everyone: the current and the next chairs, with their dates. A current, incoming or
    outgoing chair (and the secretariat) also sees the handover that concerns them: the one to
    the next term's chairs (incoming and current chairs, the secretariat) or the one into the
    current term (outgoing chairs)."""
    today = group_today()
    current = selectors.current_chair_term()
    upcoming = selectors.next_chair_term()
    mine: list[tuple[object, HandoverState]] = []
    if permissions.is_incoming_chair(person) and upcoming is not None:
        mine.append((_("You are an incoming chair"), handover_state(upcoming, today)))
    if permissions.is_chair(person) and current is not None:
        if upcoming is not None:
            mine.append(
                (
                    _("You chair the group; you hand over to the next chairs"),
                    handover_state(upcoming, today),
                )
            )
        else:
            mine.append((_("You chair the group"), handover_state(current, today)))
    if permissions.is_outgoing_chair(person) and current is not None:
        mine.append((_("You are an outgoing chair"), handover_state(current, today)))
    if not mine and permissions.is_secretariat(person) and upcoming is not None:
        mine.append((_("The next handover"), handover_state(upcoming, today)))
    return Block(
        template="coordination/_chairs_block.html",
        context={"current": current, "upcoming": upcoming, "mine": mine, "today": today},
    )


def left_without_owner(person: Person) -> Block | None:
    """The secretariat: what each app says is held by a deactivated person (its
    ownership_sources), to give to someone; a fixed number of queries, one or two per app."""
    if not permissions.is_secretariat(person):
        return None
    orphans = [orphan for source in registry.ownership_sources for orphan in source.orphans()]
    if not orphans:
        return None
    return Block(template="coordination/_orphans_block.html", context={"orphans": orphans})
