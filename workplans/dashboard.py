from __future__ import annotations

from django.utils import timezone

from coordination.dashboard import Panel, register
from coordination.models import Person
from workplans import selectors


@register
def my_organisation_work(person: Person) -> Panel | None:
    """Items the person's organisation leads or contributes to: overdue, due soon, stale."""
    if person.organisation_id is None:
        return None
    return Panel(
        template="workplans/_dashboard_panel.html",
        context={
            "work": selectors.organisation_work(person.organisation_id),
            "today": timezone.localdate(),
        },
        order=10,
    )
