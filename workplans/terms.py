"""The work plan's section of a chair term's page (common.registry.term_sections)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from common.registry import Block
from workplans import permissions, selectors

if TYPE_CHECKING:
    from coordination.models import ChairTerm
    from coordination.permissions import AnyUser


def pledges_section(term: ChairTerm, viewer: AnyUser) -> Block | None:
    """Each chair organisation's pledges with their progress, its pledge report once written, and
    the links to act for those who may. A fixed number of queries however many pledges."""
    if not permissions.can_read_pledges(viewer, term):
        return None
    chairs = selectors.term_pledges(term)
    rows = [
        {
            "chair": chair,
            "can_pledge": permissions.can_pledge(viewer, term, chair.organisation),
            "can_report": permissions.can_write_pledge_report(viewer, term, chair.organisation),
        }
        for chair in chairs
    ]
    return Block(
        template="workplans/_term_pledges.html",
        context={"term": term, "rows": rows, "standing": permissions.chair_standing(term)},
    )
