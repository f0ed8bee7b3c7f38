"""Whom work plans tell of what, through notifications' contract."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.registry import EmailKind
from coordination.models import Person
from notifications import contract
from workplans.models import WorkItem

ITEM_ASSIGNED = EmailKind("item_assigned", _("Work item assigned"))


def item_assigned(*, item_id: int, person_id: int, by_id: int | None = None) -> int:
    """Tell a person they now own an item (unless they made themselves its owner)."""
    if by_id == person_id:
        return 0  # nobody needs telling what they did themselves
    item = WorkItem.objects.select_related("priority_area__plan", "lead_organisation").get(
        pk=item_id
    )
    return contract.notify(
        people=[Person.objects.get(pk=person_id)],
        kind=ITEM_ASSIGNED.code,
        key=f"assigned:{item.pk}:{item.version}",
        title=format_lazy(_("Assigned to you: {title}"), title=item.title),
        url=item.get_absolute_url(),
        template="workplans/email/item_assigned",
        context={"item": item},
    )
