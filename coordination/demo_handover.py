"""The demonstration's handover in progress: to the chairs of the incoming demonstration term.

Runs after the work plan and the meetings (see CoordinationConfig.ready), so that the checklist
it generates lists their objects. Written once: when the handover is open already, nothing is
written (people may have worked on it since).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction

from common.dates import group_today
from coordination.demo import demo_email
from coordination.handovers import (
    handover_comment_add,
    handover_open,
    handover_sign,
    handover_task_add,
    handover_task_update,
)
from coordination.models import Handover, HandoverSignature, HandoverTask, Organisation, Person
from coordination.selectors import next_chair_term, term_before


@transaction.atomic
def load_handover() -> dict[str, int]:
    """Open the handover of the next term, with some tasks done, some overdue, one added task,
    a comment and the first outgoing chair's signature; returns how many rows were written."""
    term = next_chair_term()
    if term is None or Handover.objects.filter(term=term).exists():
        return {"handover_tasks": 0}
    secretariat = Person.objects.filter(email=demo_email("secretariat")).first()
    if secretariat is None:
        return {"handover_tasks": 0}
    handover = handover_open(term=term, actor=secretariat)
    today = group_today()
    tasks = list(handover.tasks.order_by("position", "pk"))
    # The first two are done; the next two are overdue (their date moved to last week).
    for task in tasks[:2]:
        handover_task_update(
            task=task, actor=secretariat, version=task.version, status=HandoverTask.Status.DONE
        )
    for task in tasks[2:4]:
        handover_task_update(
            task=task, actor=secretariat, version=task.version, due_on=today - timedelta(days=5)
        )

    outgoing = term_before(term)
    outgoing_organisations = list(outgoing.organisations.all()) if outgoing else []
    incoming_organisations = list(term.organisations.all())
    outgoing_focal = _focal_point(outgoing_organisations)
    incoming_focal = _focal_point(incoming_organisations)
    handover_task_add(
        handover=handover,
        actor=secretariat,
        title="Share the group's mailing lists and shared folders with the incoming chairs",
        owner=outgoing_focal or secretariat,
        due_on=today + timedelta(days=10),
        note="Demonstration task, added by hand.",
    )
    handover_comment_add(
        handover=handover,
        actor=incoming_focal or secretariat,
        text="Could we have a call on the pledges before the end of the month?",
    )
    if outgoing_focal is not None:
        handover_sign(handover=handover, actor=outgoing_focal, side=HandoverSignature.Side.OUTGOING)
    else:
        handover_sign(handover=handover, actor=secretariat, side=HandoverSignature.Side.SECRETARIAT)
    return {"handover_tasks": handover.tasks.count()}


def _focal_point(organisations: list[Organisation]) -> Person | None:
    for organisation in organisations:
        person = Person.objects.filter(email=demo_email("focal", organisation.acronym)).first()
        if person is not None:
            return person
    return None
