"""What the statement page's panel of rounds and of the statement's life shows
(statements/_lifecycle_panel.html), and how a round's results read: in words, with a symbol, never
by colour alone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common import reminders
from common.dates import group_time_zone
from coordination.models import Organisation, Person
from statements import delivery, lifecycle, permissions, rounds
from statements.models import Endorsement, EndorsementRound, Statement
from statements.rounds import Result

register = template.Library()

# A symbol beside each result's words (aria-hidden: the words say it), and a badge whose colour
# only repeats what the words say.
SYMBOLS = {
    Result.ENDORSE: "✓",
    Result.ENDORSE_WITH_RESERVATION: "✓*",
    Result.DECLINE: "✗",
    Result.OBJECT: "✋",
    Result.AWAITED: "…",
    Result.DEEMED_ENDORSED: "(✓)",
    Result.NO_ANSWER: "–",
}
BADGES = {
    Result.ENDORSE: "badge badge-ok",
    Result.ENDORSE_WITH_RESERVATION: "badge badge-ok",
    Result.DECLINE: "badge badge-bad",
    Result.OBJECT: "badge badge-bad",
    Result.AWAITED: "badge",
    Result.DEEMED_ENDORSED: "badge badge-brand",
    Result.NO_ANSWER: "badge badge-warn",
}
DELIVERIES = {
    delivery.DELIVERED: ("✓", _("delivered")),
    delivery.PENDING: ("…", _("waiting to be sent")),
    delivery.FAILED: ("✗", _("failed")),
    delivery.NOT_SENT: ("–", _("not sent")),
}


@register.filter
def result_symbol(result: str) -> str:
    return SYMBOLS.get(Result(result), "") if result in Result.values else ""


@register.filter
def result_badge(result: str) -> str:
    return BADGES.get(Result(result), "badge") if result in Result.values else "badge"


@register.filter
def result_label(result: str) -> str:
    return str(Result(result).label) if result in Result.values else ""


@register.filter
def delivery_symbol(state: str) -> str:
    return DELIVERIES[state][0] if state in DELIVERIES else ""


@register.filter
def delivery_label(state: str) -> str:
    return str(DELIVERIES[state][1]) if state in DELIVERIES else ""


@register.inclusion_tag("statements/round_when.html")
def both_clocks(moment: datetime | None) -> dict[str, Any]:
    """A deadline on the group's clock, and on the reader's when it differs."""
    if moment is None:
        return {"moment": None}
    group = timezone.localtime(moment, timezone=group_time_zone())
    own = timezone.localtime(moment)
    return {
        "moment": moment,
        "group": group,
        "group_zone": group_time_zone().key,
        "own": own,
        "own_zone": timezone.get_current_timezone_name(),
        "differs": group.utcoffset() != own.utcoffset()
        or timezone.get_current_timezone_name() != group_time_zone().key,
    }


@dataclass
class Life:
    """The panel's content for one reader."""

    members_view: bool
    open_round: EndorsementRound | None = None
    counts: list[tuple[Result, int]] = field(default_factory=list)
    rounds: list[EndorsementRound] = field(default_factory=list)
    answerable: list[tuple[Organisation, Endorsement | None]] = field(default_factory=list)
    can_open_round: bool = False
    can_comment_period: bool = False
    comment_period_running: bool = False
    comment_remind: reminders.ReminderState | None = None
    can_adopt: bool = False
    can_publish: bool = False
    can_withdraw: bool = False
    can_name_acting: bool = False
    endorsing: list[Organisation] = field(default_factory=list)


@register.simple_tag(takes_context=True)
def statement_life(context: template.Context, statement: Statement) -> Life:
    """The rounds of the statement and what the reader may do next. A fixed number of queries,
    whatever the number of rounds and organisations."""
    user: Person = context["request"].user
    members_view = permissions.can_see_rounds(user, statement)
    life = Life(
        members_view=members_view,
        endorsing=list(statement.endorsing_organisations.all())
        if statement.adopted_at is not None
        else [],
    )
    if not members_view:
        return life
    now = timezone.now()
    life.rounds = list(
        EndorsementRound.objects.filter(statement=statement)
        .select_related("endorsed_version", "voided_by_version")
        .order_by("-opened_at", "-pk")
    )
    life.open_round = next((r for r in life.rounds if r.is_open), None)
    latest_number = statement.versions.order_by("-number").values_list("number", flat=True).first()
    can_draft = permissions.can_draft(user, statement)
    text_open = statement.text_is_open
    if life.open_round is not None:
        outcome = rounds.round_outcome(life.open_round, now)
        life.counts = [(r, outcome.counts[r.value]) for r in Result if outcome.counts[r.value]]
        if now < life.open_round.deadline:
            answers = {row.organisation.pk: row.endorsement for row in outcome.rows}
            life.answerable = [
                (organisation, answers.get(organisation.pk))
                for organisation in rounds.answerable_organisations(user, life.open_round)
            ]
    life.can_open_round = bool(
        latest_number
        and text_open
        and life.open_round is None
        and permissions.can_run_rounds(user, statement)
    )
    life.comment_period_running = bool(
        statement.comment_deadline is not None and statement.comment_deadline > now
    )
    life.can_comment_period = bool(
        can_draft and latest_number and text_open and life.open_round is None
    )
    # The drafters' "remind those who have not answered" of a running comment period.
    life.comment_remind = (
        reminders.reminder_state(lifecycle.comment_reminder_subject(statement))
        if can_draft and life.comment_period_running and life.open_round is None
        else None
    )
    last = life.rounds[0] if life.rounds else None
    life.can_adopt = bool(
        can_draft
        and statement.adopted_at is None
        and statement.withdrawn_at is None
        and last is not None
        and last.voided_by_version_id is None
        and last.endorsed_version.number == latest_number
    )
    life.can_publish = bool(
        can_draft and statement.adopted_at is not None and statement.withdrawn_at is None
    )
    life.can_withdraw = can_draft and statement.withdrawn_at is None
    life.can_name_acting = permissions.can_name_acting_principal(user)
    return life
