"""What a person owns in the meetings (the action items agreed for them), for when they leave
(common.registry.OwnershipSource)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from common.audit import acting_as
from common.people import Recipient
from common.registry import Holding, Orphan
from coordination.models import Person
from meetings.models import ActionItem, Meeting

# How many titles the deactivation page names before "and N more".
SHOWN = 5


def _to_follow() -> QuerySet[ActionItem]:
    # An action that became a work item is followed there (workplans.ownership hands it over),
    # and one of a cancelled meeting was never agreed.
    return (
        ActionItem.objects.filter(work_item__isnull=True)
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .order_by("due_on", "pk")
    )


class ActionItemsOwned:
    label = _("Meeting action items they own")

    def held_by(self, person: Recipient) -> Holding | None:
        texts = list(_to_follow().filter(owner_id=person.pk).values_list("text", flat=True))
        if not texts:
            return None
        return Holding(label=self.label, count=len(texts), items=texts[:SHOWN])

    def hand_over(self, *, person: Recipient, to: Recipient, actor: Recipient) -> int:
        """Each action stays with its organisation and goes to the colleague (one audit row
        each; an action item carries no version to check)."""
        assert isinstance(actor, Person)  # noqa: S101 - the user model
        actions = list(_to_follow().filter(owner_id=person.pk))
        with acting_as(actor):
            for action in actions:
                action.owner_id = to.pk
                action.save(update_fields=["owner"])
        return len(actions)

    def orphans(self) -> list[Orphan]:
        actions = _to_follow().filter(owner__is_active=False).select_related("owner", "meeting")
        return [
            Orphan(
                kind=_("Action item"),
                title=action.text,
                url=action.get_absolute_url(),
                owner=str(action.owner),
            )
            for action in actions
        ]


ACTION_ITEMS = ActionItemsOwned()
