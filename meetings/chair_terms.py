"""Meetings' section of a chair term's page: the decisions by which the principals endorsed it
(common.registry.term_sections says how it is read)."""

from __future__ import annotations

from common.registry import Block
from coordination.models import ChairTerm, Person
from meetings import permissions
from meetings.models import Decision


def endorsements(term: ChairTerm, viewer: Person) -> Block | None:
    """The decisions that endorse `term`, each with its meeting; a draft meeting's decision only
    for those who may see the draft. Two queries, whatever the number of decisions."""
    decisions = [
        decision
        for decision in Decision.objects.filter(endorses_term=term)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
        if permissions.can_see_meeting(viewer, decision.meeting)
    ]
    return Block(
        template="meetings/_term_endorsements.html",
        context={"decisions": decisions, "term": term},
    )
