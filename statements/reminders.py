"""The last reminder, 24 hours before a comment or endorsement deadline, to the organisations
that have not answered yet.

Each deadline's last reminder is claimed by a conditional UPDATE that sets the statement's
`comment_last_call_for` (or the round's `last_call_for`) to the deadline it is sent for, where it
held another value: of two processes (two beat ticks, a retried task), only the one whose update
changed the row records the reminder, in the same transaction. What is due is read from the
database on each run, so a run missed while the beat was down is caught up by the next one before
the deadline; a deadline extended since gets its own last reminder; none is sent once a deadline
has passed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from common.dates import group_today
from notifications import contract
from statements import notify
from statements.models import EndorsementRound, Statement

LAST_CALL_BEFORE = timedelta(hours=24)


def _not_sent_for_deadline(field: str, deadline: str) -> Q:
    """`field IS DISTINCT FROM deadline` (SQL's `<>` is unknown, not true, against NULL)."""
    return Q(**{f"{field}__isnull": True}) | ~Q(**{field: F(deadline)})


def comment_last_calls_due(now: datetime) -> list[tuple[int, datetime]]:
    """(statement id, deadline) of the comment periods ending within LAST_CALL_BEFORE whose last
    reminder was not sent for that deadline. One query."""
    rows = (
        Statement.objects.filter(
            _not_sent_for_deadline("comment_last_call_for", "comment_deadline"),
            comment_deadline__gt=now,
            comment_deadline__lte=now + LAST_CALL_BEFORE,
            withdrawn_at__isnull=True,
            adopted_at__isnull=True,
        )
        .filter(Q(published_on__isnull=True) | Q(published_on__gt=group_today()))
        # During a round comments are closed (Statement.stage_at).
        .exclude(Exists(EndorsementRound.objects.filter(statement=OuterRef("pk"), closed_at=None)))
        .order_by("comment_deadline", "pk")
        .values_list("pk", "comment_deadline")
    )
    return [(pk, deadline) for pk, deadline in rows if deadline is not None]


def round_last_calls_due(now: datetime) -> list[tuple[int, datetime]]:
    """(round id, deadline) of the open rounds ending within LAST_CALL_BEFORE whose last
    reminder was not sent for that deadline. One query."""
    return list(
        EndorsementRound.objects.filter(
            _not_sent_for_deadline("last_call_for", "deadline"),
            closed_at__isnull=True,
            deadline__gt=now,
            deadline__lte=now + LAST_CALL_BEFORE,
        )
        .order_by("deadline", "pk")
        .values_list("pk", "deadline")
    )


def last_calls_send(now: datetime | None = None) -> dict[str, int]:
    """Claim and record each last reminder due: one per comment deadline and one per round
    deadline, whoever runs this and however often. Returns how many of each this run recorded.

    For each candidate read by the selectors above, in its own transaction:

    1. claim it: UPDATE ... SET last_call_for = <deadline> WHERE id = <id> AND deadline =
       <deadline read> AND deadline > now AND last_call_for IS DISTINCT FROM <deadline>;
    2. if that changed one row (no other process got there first, and the deadline was neither
       moved nor passed since it was read), record the event whose handler tells the
       organisations that have not answered, after the commit.
    """
    now = now or timezone.now()
    counts = {"comments": 0, "rounds": 0}
    for statement_id, deadline in comment_last_calls_due(now):
        with transaction.atomic():
            claimed = (
                Statement.objects.filter(
                    _not_sent_for_deadline("comment_last_call_for", "comment_deadline"),
                    pk=statement_id,
                    comment_deadline=deadline,
                    comment_deadline__gt=now,
                ).update(comment_last_call_for=deadline)
                == 1
            )
            if claimed:
                contract.record(
                    notify.comment_last_call,
                    statement_id=statement_id,
                    deadline=deadline.isoformat(),
                )
                counts["comments"] += 1
    for round_id, deadline in round_last_calls_due(now):
        with transaction.atomic():
            claimed = (
                EndorsementRound.objects.filter(
                    _not_sent_for_deadline("last_call_for", "deadline"),
                    pk=round_id,
                    closed_at__isnull=True,
                    deadline=deadline,
                    deadline__gt=now,
                ).update(last_call_for=deadline)
                == 1
            )
            if claimed:
                contract.record(
                    notify.round_last_call, round_id=round_id, deadline=deadline.isoformat()
                )
                counts["rounds"] += 1
    return counts
