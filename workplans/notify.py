"""Whom work plans tell of what, through notifications' contract."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Field
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.registry import EmailKind
from coordination.models import Person
from notifications import contract
from workplans.models import WorkItem

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

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


def field_label(name: str) -> StrOrPromise:
    """What people read for a field of a work item ("due on")."""
    field = WorkItem._meta.get_field(name)
    assert isinstance(field, Field)  # noqa: S101 - the watched names are concrete fields
    return field.verbose_name


LEAD_TOLD = EmailKind("lead_told", _("Changes by other organisations to items you lead"))


def lead_told(*, item_id: int, actor_id: int, changed: str, version: int) -> int:
    """Tell the lead organisation of an item (its focal points and alternates) and the item's
    owner that someone of another organisation changed its status or dates (`changed`: the
    field names, comma-separated); never the person who made the change."""
    item = WorkItem.objects.select_related("priority_area__plan", "lead_organisation", "owner").get(
        pk=item_id
    )
    actor = Person.objects.select_related("organisation").get(pk=actor_id)
    people = {
        person.pk: person
        for person in Person.objects.filter(
            organisation_id=item.lead_organisation_id,
            role__in=[Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
            is_active=True,
        )
    }
    if item.owner is not None:
        people[item.owner.pk] = item.owner
    people.pop(actor.pk, None)
    organisation = actor.organisation.acronym if actor.organisation else ""
    return contract.notify(
        people=people.values(),
        kind=LEAD_TOLD.code,
        key=f"lead_told:{item.pk}:{version}",
        title=format_lazy(
            _("{organisation} changed {title}"),
            organisation=organisation or actor.full_name,
            title=item.title,
        ),
        url=item.get_absolute_url(),
        template="workplans/email/lead_told",
        context={
            "item": item,
            "actor": actor,
            "changed": [field_label(name) for name in changed.split(",")],
        },
    )
