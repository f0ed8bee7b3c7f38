from __future__ import annotations

from common.people import Recipient
from common.registry import Block
from workplans import selectors


def my_organisation_work(person: Recipient) -> Block | None:
    """Items the person's organisation leads or contributes to: overdue, due soon, stale."""
    if person.organisation_id is None:
        return None
    return Block(
        template="workplans/_dashboard_panel.html",
        context={"work": selectors.organisation_work(person.organisation_id)},
    )
