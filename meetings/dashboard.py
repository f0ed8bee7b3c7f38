from __future__ import annotations

from django.utils import timezone

from common.registry import Block
from coordination.models import Person
from meetings import selectors


def my_organisation_meetings(person: Person) -> Block | None:
    """The organisation's next meetings and the answers it still owes."""
    if person.organisation_id is None:
        return None
    now = timezone.now()
    return Block(
        template="meetings/_dashboard_panel.html",
        context={
            "next_meetings": list(
                selectors.meetings_soon(person.organisation_id, now, days=60)[:6]
            ),
            "rsvps_owed": list(selectors.rsvps_missing(person.organisation_id, now)[:10]),
        },
        order=20,
    )
