"""What statements hand over to the next chairs (common.registry.handover_sources).

Every statement still in progress (drafting, open for comments, in endorsement: not adopted,
published or withdrawn), one entry each, with its stage and the next deadline. The suggested
owner is one of its drafters from an outgoing chair organisation: the chairs run consultations
and rounds, and the person who drafted with them knows where the text stands. The suggested date
is the next deadline, or the target date when no deadline is set.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import group_time_zone, group_today
from common.registry import HandoverEntry
from coordination.models import Person
from statements.models import EndorsementRound, Statement

if TYPE_CHECKING:
    from coordination.models import ChairTerm


def _group_date(moment: datetime) -> date:
    return timezone.localtime(moment, timezone=group_time_zone()).date()


def _when(moment: datetime) -> str:
    """A deadline in the group's time zone, written the same whoever's page refreshes the
    checklist (a changing text would rewrite the task at each view)."""
    local = timezone.localtime(moment, timezone=group_time_zone())
    return f"{local:%Y-%m-%d %H:%M} ({group_time_zone().key})"


class StatementsSource:
    """Four queries however many statements: the statements with their open round's deadline,
    their lead organisations, their active drafters, the outgoing term's organisations."""

    label = gettext_lazy("Statements in progress")

    def __call__(self, term: ChairTerm, outgoing: ChairTerm | None) -> list[HandoverEntry]:
        now = timezone.now()
        open_round = EndorsementRound.objects.filter(
            statement=OuterRef("pk"), closed_at__isnull=True
        )
        statements = (
            Statement.objects.filter(withdrawn_at__isnull=True, adopted_at__isnull=True)
            .exclude(published_on__lte=group_today())
            .with_round_state()
            .annotate(
                round_deadline=Subquery(open_round.values("deadline")[:1]),
                round_procedure=Subquery(open_round.values("procedure")[:1]),
            )
            .prefetch_related(
                "lead_organisations",
                Prefetch(
                    "drafters",
                    queryset=Person.objects.filter(is_active=True).order_by("full_name", "pk"),
                ),
            )
            .order_by("created_at", "pk")
        )
        outgoing_ids = {o.pk for o in outgoing.organisations.all()} if outgoing else set()
        entries = []
        for statement in statements:
            stage = statement.stage_at(now)
            parts = [_("Stage: %(stage)s") % {"stage": stage.label.lower()}]
            due_on: date | None = statement.target_date
            if stage == Statement.Stage.OPEN_FOR_COMMENTS and statement.comment_deadline:
                parts.append(
                    _("comments until %(when)s") % {"when": _when(statement.comment_deadline)}
                )
                due_on = _group_date(statement.comment_deadline)
            elif stage == Statement.Stage.IN_ENDORSEMENT and statement.round_deadline:
                values = {
                    "procedure": EndorsementRound.Procedure(statement.round_procedure).label,
                    "when": _when(statement.round_deadline),
                }
                if statement.round_deadline > now:
                    parts.append(_("%(procedure)s, answers until %(when)s") % values)
                    due_on = _group_date(statement.round_deadline)
                else:
                    # The round stays open until a drafter records the outcome: that is the
                    # task now, and it is due.
                    parts.append(
                        _(
                            "%(procedure)s, deadline passed on %(when)s: the outcome is to be recorded"
                        )
                        % values
                    )
                    due_on = group_today()
            else:
                parts.append(_("no deadline running"))
            if statement.target_date:
                parts.append(_("target date %(date)s") % {"date": statement.target_date})
            leads = [o.acronym or o.name for o in statement.lead_organisations.all()]
            parts.append(_("lead %(organisations)s") % {"organisations": ", ".join(leads)})
            owner = next(
                (p for p in statement.drafters.all() if p.organisation_id in outgoing_ids), None
            )
            entries.append(
                HandoverEntry(
                    reference=f"statements.statement:{statement.pk}",
                    title=statement.title,
                    detail=" · ".join(parts),
                    url=reverse("statements:statement_detail", args=[statement.pk]),
                    owner_id=owner.pk if owner is not None else None,
                    due_on=due_on,
                )
            )
        return entries


statements_in_progress = StatementsSource()
