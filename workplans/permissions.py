"""Who may do what with work plans. Views and services both ask these questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.permissions import is_chair, is_secretariat

if TYPE_CHECKING:
    from coordination.permissions import AnyUser
    from workplans.models import WorkItem


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
