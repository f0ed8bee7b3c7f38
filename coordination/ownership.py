"""What a person owns in coordination (handover tasks), for when they leave
(common.registry.OwnershipSource)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.people import Recipient
from common.registry import Holding, Orphan
from coordination import handovers
from coordination.models import HandoverTask, Person

# How many titles the deactivation page names before "and N more".
SHOWN = 5


def _still_to_do() -> QuerySet[HandoverTask]:
    # A signed-off handover is frozen, and a done or no longer needed task needs nobody.
    return HandoverTask.objects.filter(
        status=HandoverTask.Status.OPEN, gone=False, handover__signed_off_at__isnull=True
    ).order_by("due_on", "pk")


class HandoverTasksOwned:
    label = _("Handover tasks they own")

    def held_by(self, person: Recipient) -> Holding | None:
        titles = list(_still_to_do().filter(owner_id=person.pk).values_list("title", flat=True))
        if not titles:
            return None
        return Holding(label=self.label, count=len(titles), items=titles[:SHOWN])

    def hand_over(self, *, person: Recipient, to: Recipient, actor: Recipient) -> int:
        """Through handover_task_update, task by task: its rules, version and audit row."""
        assert isinstance(actor, Person) and isinstance(to, Person)  # noqa: S101 - the user model
        tasks = list(_still_to_do().filter(owner_id=person.pk))
        for task in tasks:
            handovers.handover_task_update(task=task, actor=actor, version=task.version, owner=to)
        return len(tasks)

    def orphans(self) -> list[Orphan]:
        tasks = _still_to_do().filter(owner__is_active=False).select_related("owner", "handover")
        return [
            Orphan(
                kind=_("Handover task"),
                title=task.title,
                url=task.get_absolute_url(),
                owner=str(task.owner),
            )
            for task in tasks
        ]


HANDOVER_TASKS = HandoverTasksOwned()
