"""Who may do what with work plans. Views and services both ask these questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.permissions import is_chair, is_secretariat, outgoing_chair_organisation_ids
from coordination.selectors import next_chair_term, previous_chair_term

if TYPE_CHECKING:
    from coordination.models import ChairTerm, Organisation
    from coordination.permissions import AnyUser
    from workplans.models import Pledge, WorkItem


def can_manage_plans(user: AnyUser) -> bool:
    """Create and edit plans, priority areas and any item: the secretariat and today's chairs."""
    return is_secretariat(user) or is_chair(user)


def organisation_ids_of(item: WorkItem) -> set[int]:
    """The lead and contributing organisations (uses the prefetch when there is one).

    The per-item form of WorkItemQuerySet.for_organisations: an item is among an organisation's
    items exactly when the organisation is in this set. Ask this, never re-derive it."""
    return {item.lead_organisation_id, *(o.pk for o in item.contributing_organisations.all())}


def is_item_member(user: AnyUser, item: WorkItem) -> bool:
    """A focal point or alternate of an organisation that leads or contributes to the item."""
    return bool(
        user.is_authenticated
        and user.is_focal_point
        and user.organisation_id is not None
        and user.organisation_id in organisation_ids_of(item)
    )


def can_edit_item(user: AnyUser, item: WorkItem) -> bool:
    return can_manage_plans(user) or is_item_member(user, item)


def can_post_update(user: AnyUser, item: WorkItem) -> bool:
    return can_edit_item(user, item)


# --- Chairs' pledges -----------------------------------------------------------------------------

CURRENT, INCOMING, OUTGOING = "current", "incoming", "outgoing"


def chair_standing(term: ChairTerm) -> str | None:
    """Whether the term's chairs act as chairs today: CURRENT (the term covers today), INCOMING
    (the next recorded term, until it starts), OUTGOING (the term that ended last, for
    OUTGOING_CHAIR_DAYS: coordination.permissions decides how long), or None (a term further
    ahead, or long past: its pledges are the secretariat's to correct).

    Kept on the term object, since one page asks it for every chair of the term."""
    cached: str | None = getattr(term, "_chair_standing", "")
    if cached != "":
        return cached
    state = term.state()
    standing: str | None = None
    if state == term.State.CURRENT:
        standing = CURRENT
    elif state == term.State.UPCOMING:
        following = next_chair_term()
        standing = INCOMING if following is not None and following.pk == term.pk else None
    else:
        before = previous_chair_term()
        if before is not None and before.pk == term.pk and outgoing_chair_organisation_ids():
            standing = OUTGOING
    setattr(term, "_chair_standing", standing)  # noqa: B010 - a per-request cache, not a field
    return standing


def _acts_for_chair(user: AnyUser, term: ChairTerm, organisation: Organisation) -> bool:
    """A focal point (or alternate) of `organisation`, one of the term's chairs."""
    return bool(
        user.is_authenticated
        and user.is_focal_point
        and user.organisation_id == organisation.pk
        and organisation.pk in {o.pk for o in term.organisations.all()}
    )


def can_pledge(user: AnyUser, term: ChairTerm, organisation: Organisation) -> bool:
    """Record and edit the organisation's pledges for the term, and post their progress: the
    secretariat, or the organisation's focal points while it is the current, incoming or
    outgoing chair."""
    if is_secretariat(user):
        return True
    return _acts_for_chair(user, term, organisation) and chair_standing(term) is not None


def can_edit_pledge(user: AnyUser, pledge: Pledge) -> bool:
    return can_pledge(user, pledge.term, pledge.organisation)


def can_post_pledge_update(user: AnyUser, pledge: Pledge) -> bool:
    return can_edit_pledge(user, pledge)


def can_write_pledge_report(user: AnyUser, term: ChairTerm, organisation: Organisation) -> bool:
    """The pledge report is written at the end of the term: by the outgoing chair's focal
    points, or the secretariat."""
    if is_secretariat(user):
        return True
    return _acts_for_chair(user, term, organisation) and chair_standing(term) == OUTGOING


def can_read_pledges(user: AnyUser, term: ChairTerm) -> bool:
    """Pledges are the group's public commitments once their term has started: everyone logged
    in reads them then. The incoming chairs' pledges are drafts until their term starts, read by
    the incoming and current chairs and the secretariat only."""
    if not user.is_authenticated:
        return False
    if term.state() != term.State.UPCOMING:
        return True
    return (
        is_secretariat(user)
        or is_chair(user)
        or any(
            _acts_for_chair(user, term, organisation) for organisation in term.organisations.all()
        )
    )
