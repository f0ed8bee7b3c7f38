"""The focal point's dashboard line: calls for inputs awaiting their organisation's answer."""

from __future__ import annotations

from common.registry import Block
from coordination import announcements
from coordination.models import Person


def calls_awaiting(person: Person) -> Block | None:
    """The open calls for inputs the person's organisation has not answered, soonest deadline
    first, each linked to its answer page; nothing when there are none. One query."""
    calls = announcements.awaiting(person)
    if not calls:
        return None
    return Block(
        template="coordination/announcement_dashboard.html",
        context={"calls": calls, "organisation": person.organisation},
    )
