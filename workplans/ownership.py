"""What a person owns in the work plan, for when they leave (common.registry.OwnershipSource)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.people import Recipient
from common.registry import Holding, Orphan
from coordination.models import Person
from workplans import services
from workplans.models import WorkItem, WorkItemQuerySet, WorkPlan

# How many titles the deactivation page names before "and N more".
SHOWN = 5


def _still_moving() -> WorkItemQuerySet:
    # Items done, cancelled or of a closed plan no longer change: nobody needs to take them over.
    return (
        WorkItem.objects.open()
        .exclude(priority_area__plan__status=WorkPlan.Status.CLOSED)
        .order_by("due_on", "pk")
    )


class WorkItemsOwned:
    label = _("Work items they own")

    def held_by(self, person: Recipient) -> Holding | None:
        titles = list(_still_moving().filter(owner_id=person.pk).values_list("title", flat=True))
        if not titles:
            return None
        return Holding(label=self.label, count=len(titles), items=titles[:SHOWN])

    def hand_over(self, *, person: Recipient, to: Recipient, actor: Recipient) -> int:
        """Through work_item_update, item by item: the owner rule, the version, the audit row
        and the new owner's "assigned to you" are the same as for an edit."""
        assert isinstance(actor, Person) and isinstance(to, Person)  # noqa: S101 - the user model
        items = list(
            _still_moving()
            .filter(owner_id=person.pk)
            .select_related("priority_area__plan", "lead_organisation")
        )
        for item in items:
            services.work_item_update(item=item, actor=actor, version=item.version, owner=to)
        return len(items)

    def orphans(self) -> list[Orphan]:
        items = _still_moving().filter(owner__is_active=False).select_related("owner")
        return [
            Orphan(
                kind=_("Work item"),
                title=item.title,
                url=item.get_absolute_url(),
                owner=str(item.owner),
            )
            for item in items
        ]


WORK_ITEMS = WorkItemsOwned()
