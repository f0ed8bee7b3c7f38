"""What a person owns in the statements (drafting those in progress), for when they leave
(common.registry.OwnershipSource)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from common.audit import acting_as
from common.people import Recipient
from common.registry import Holding, Orphan
from coordination.models import Person
from statements.models import Statement

# How many titles the deactivation page names before "and N more".
SHOWN = 5


def _in_progress() -> QuerySet[Statement]:
    # Adopted or withdrawn, a statement's text no longer moves: its drafters have nothing left
    # to answer (the comments of a statement in progress are the drafters' to answer).
    return Statement.objects.filter(withdrawn_at__isnull=True, adopted_at__isnull=True).order_by(
        "target_date", "pk"
    )


class StatementsDrafted:
    label = _("Statements in progress they draft (and the comments to answer on them)")

    def held_by(self, person: Recipient) -> Holding | None:
        titles = list(_in_progress().filter(drafters=person.pk).values_list("title", flat=True))
        if not titles:
            return None
        return Holding(label=self.label, count=len(titles), items=titles[:SHOWN])

    def hand_over(self, *, person: Recipient, to: Recipient, actor: Recipient) -> int:
        """The successor takes the leaver's place among each statement's drafters (the audit
        history records both changes of the drafters)."""
        assert isinstance(actor, Person)  # noqa: S101 - the user model
        statements = list(_in_progress().filter(drafters=person.pk))
        with acting_as(actor):
            for statement in statements:
                statement.drafters.remove(person.pk)
                statement.drafters.add(to.pk)
        return len(statements)

    def orphans(self) -> list[Orphan]:
        """Statements in progress whose drafters are all deactivated (the secretariat drafts
        every statement, but nobody of the lead organisations does any more)."""
        statements = (
            _in_progress()
            .filter(drafters__is_active=False)
            .exclude(drafters__is_active=True)
            .distinct()
            .prefetch_related(
                Prefetch("drafters", queryset=Person.objects.only("full_name", "email"))
            )
        )
        return [
            Orphan(
                kind=_("Statement"),
                title=statement.title,
                url=statement.get_absolute_url(),
                owner=", ".join(str(drafter) for drafter in statement.drafters.all()),
            )
            for statement in statements
        ]


STATEMENTS_DRAFTED = StatementsDrafted()
