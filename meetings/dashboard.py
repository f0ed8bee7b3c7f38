"""The meetings' block of the dashboard (common.registry.DashboardBlock says how it is read)."""

from __future__ import annotations

from django.utils import timezone

from common.registry import Block
from coordination.models import Person
from meetings import selectors

# The dashboard looks further ahead than the digest: it is where a meeting is planned for.
NEXT_MEETINGS_DAYS = 60


def my_organisation_meetings(person: Person) -> Block | None:
    """The organisation's next meetings (invited or hosting) and the answers it still owes: the
    same reads as the digest's sections, for one organisation."""
    if person.organisation_id is None:
        return None
    now = timezone.now()
    mine = {person.organisation_id}
    return Block(
        template="meetings/_dashboard_panel.html",
        context={
            "next_meetings": list(selectors.meetings_soon(mine, now, days=NEXT_MEETINGS_DAYS)[:6]),
            "rsvps_owed": list(selectors.rsvps_missing(mine, now)[:10]),
        },
    )
