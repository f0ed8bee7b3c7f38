"""Statements' blocks of the dashboard (common.registry.DashboardBlock says how they are read).

- `asked_of_my_organisation`, before every other block: what the person's organisation is asked
  and has not answered. The open endorsement rounds, for its principal, for the acting principal
  named for today and for its focal points (who may record the answer on the principal's
  behalf); the comment periods open, for its focal points. A principal always sees it (told
  when nothing awaits them); a focal point only when something is asked.
- `my_statements`: the statements a drafter drafts (the secretariat: every one) that are still
  in progress or adopted and not yet published, each with its stage and next deadline.

Each is a fixed number of queries, whatever the number of statements, rounds and organisations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import group_today
from common.registry import Block
from coordination.models import Organisation, Person
from statements import permissions
from statements.models import (
    ActingPrincipal,
    Comment,
    Endorsement,
    EndorsementRound,
    NoComments,
    Statement,
    Version,
)

# A dashboard lists; the statements page holds them all.
MY_STATEMENTS_SHOWN = 10


@dataclass(frozen=True)
class RoundAsked:
    """An open round that awaits `organisation`'s answer (the person may answer for more than
    one organisation: their own, and one they are acting principal of today)."""

    round: EndorsementRound
    statement: Statement
    organisation: Organisation
    as_acting_principal: bool


@dataclass(frozen=True)
class Drafted:
    """A statement in the drafters' block: its stage now, and the deadline that comes next (the
    comment deadline while comments are open, the round's while a round is)."""

    statement: Statement
    stage: Statement.Stage
    deadline: datetime | None
    deadline_passed: bool

    @classmethod
    def of(cls, statement: Statement, round_deadline: datetime | None, now: datetime) -> Drafted:
        stage = statement.stage_at(now)
        deadline = None
        if stage == Statement.Stage.OPEN_FOR_COMMENTS:
            deadline = statement.comment_deadline
        elif stage == Statement.Stage.IN_ENDORSEMENT:
            deadline = round_deadline
        return cls(
            statement=statement,
            stage=stage,
            deadline=deadline,
            # A round stays open after its deadline until a drafter closes it and records the
            # outcome: the drafter is told the deadline has passed, not shown it as ahead.
            deadline_passed=deadline is not None and deadline <= now,
        )


def _organisations_answering(person: Person, today: date) -> tuple[set[int], set[int]]:
    """The organisations whose round answers concern the person (their own, as its principal or
    one of its focal points, and those they are acting principal of today), and of those, the
    ones they answer for as acting principal. One query."""
    acting = set(
        ActingPrincipal.objects.filter(
            person_id=person.pk, starts_on__lte=today, ends_on__gte=today
        ).values_list("organisation_id", flat=True)
    )
    answering = set(acting)
    if person.organisation_id is not None and (
        person.role == Person.Role.PRINCIPAL or person.is_focal_point
    ):
        answering.add(person.organisation_id)
        if person.role == Person.Role.PRINCIPAL:
            # Their own principal answers as the principal, named acting or not.
            acting.discard(person.organisation_id)
    return answering, acting


def rounds_awaiting(
    organisation_ids: set[int], now: datetime, acting: frozenset[int] = frozenset()
) -> list[RoundAsked]:
    """The open rounds, deadline not passed, addressed to these organisations and not answered
    by them, soonest deadline first, with their statements. One query."""
    addressed = EndorsementRound.addressed_organisations.through.objects
    rows = (
        addressed.filter(
            organisation_id__in=organisation_ids,
            endorsementround__closed_at__isnull=True,
            endorsementround__deadline__gt=now,
            endorsementround__statement__withdrawn_at__isnull=True,
        )
        .exclude(
            Exists(
                Endorsement.objects.filter(
                    round_id=OuterRef("endorsementround_id"),
                    organisation_id=OuterRef("organisation_id"),
                )
            )
        )
        .select_related("endorsementround__statement", "organisation")
        .order_by("endorsementround__deadline", "pk")
    )
    return [
        RoundAsked(
            round=row.endorsementround,
            statement=row.endorsementround.statement,
            organisation=row.organisation,
            as_acting_principal=row.organisation_id in acting,
        )
        for row in rows
    ]


def comment_periods_awaiting(organisation_id: int, now: datetime) -> QuerySet[Statement]:
    """The statements open for comments (a text, the deadline ahead, no round open, neither
    adopted, published nor withdrawn) that the organisation does not lead and has said nothing
    about: no comment, no proposal, no "no comments", on any version. Soonest deadline first.

    Any version, not only the latest: an organisation that commented on the first draft has
    taken part in the consultation; the new version shows its comment as outdated, and the
    digest's deadlines still reach it."""
    return (
        Statement.objects.filter(comment_deadline__gt=now, withdrawn_at__isnull=True)
        .filter(adopted_at__isnull=True)
        .exclude(published_on__lte=group_today())
        .exclude(lead_organisations=organisation_id)
        .filter(Exists(Version.objects.filter(statement=OuterRef("pk"))))
        .exclude(
            Exists(
                EndorsementRound.objects.filter(statement=OuterRef("pk"), closed_at__isnull=True)
            )
        )
        .exclude(
            Exists(
                Comment.objects.filter(statement=OuterRef("pk"), organisation_id=organisation_id)
            )
        )
        .exclude(
            Exists(
                NoComments.objects.filter(statement=OuterRef("pk"), organisation_id=organisation_id)
            )
        )
        .order_by("comment_deadline", "pk")
    )


def asked_of_my_organisation(person: Person) -> Block | None:
    """For the people who answer for an organisation: the rounds awaiting its answer (with the
    procedure, so a principal knows what silence will mean) and, for focal points, the comment
    periods it has not taken part in. Four queries at most: the acting periods, the rounds
    awaiting (with their statements), the person's organisation, the comment periods."""
    if not person.is_active:
        return None
    today = group_today()
    now = timezone.now()
    answering, acting = _organisations_answering(person, today)
    if not answering:
        return None
    asked = rounds_awaiting(answering, now, frozenset(acting))
    periods: list[Statement] = []
    # Only a current member's people comment (permissions.speaks_for_member); the periods are
    # worth a query only for them.
    if (
        person.is_focal_point
        and person.organisation_id is not None
        and permissions.speaks_for_member(person)
    ):
        periods = list(comment_periods_awaiting(person.organisation_id, now))
    is_principal = person.role == Person.Role.PRINCIPAL or bool(acting)
    if not (asked or periods or is_principal):
        # A focal point with nothing asked of them gets no block at the top of the page; a
        # principal comes to the dashboard for this, and is told that nothing awaits them.
        return None
    return Block(
        template="statements/dashboard_asked.html",
        context={
            "rounds_asked": asked,
            "comment_periods": periods,
            "for_several": len(answering) > 1,
            "is_principal": is_principal,
            # Their own organisation's answer is theirs to give, not to record on its behalf.
            "principal_of_own": person.role == Person.Role.PRINCIPAL,
            "shows_comment_periods": person.is_focal_point,
        },
    )


def my_statements(person: Person) -> Block | None:
    """A drafter's statements (the secretariat's: every statement) not yet published nor
    withdrawn, the latest changed first, each with its stage, the next deadline, the comments
    still to answer and, when a round is open, how many organisations answered. Two queries."""
    if not person.is_active:
        return None
    statements = Statement.objects.all()
    if not person.is_secretariat:
        statements = statements.filter(drafters=person)
    open_round = EndorsementRound.objects.filter(statement=OuterRef("pk"), closed_at__isnull=True)
    # Counted in the open round's own subquery: a join from the statement would multiply them.
    answered = open_round.annotate(n=Count("endorsements", distinct=True)).values("n")
    addressed = open_round.annotate(n=Count("addressed_organisations", distinct=True)).values("n")
    latest_change = (
        Version.objects.filter(statement=OuterRef("pk")).order_by("-number").values("created_at")
    )
    rows = list(
        statements.filter(withdrawn_at__isnull=True)
        .exclude(published_on__lte=group_today())
        .with_round_state()
        .annotate(
            round_deadline=Subquery(open_round.values("deadline")[:1]),
            round_procedure=Subquery(open_round.values("procedure")[:1]),
            answered_count=Coalesce(Subquery(answered[:1]), 0, output_field=IntegerField()),
            addressed_count=Coalesce(Subquery(addressed[:1]), 0, output_field=IntegerField()),
            open_comments=Count(
                "comments", filter=Q(comments__status=Comment.Status.OPEN), distinct=True
            ),
            changed_at=Coalesce(Subquery(latest_change[:1]), "created_at"),
        )
        .prefetch_related("lead_organisations")
        .order_by("-changed_at", "-pk")[:MY_STATEMENTS_SHOWN]
    )
    if not rows:
        return None
    now = timezone.now()
    return Block(
        template="statements/dashboard_drafting.html",
        context={
            "drafted": [Drafted.of(statement, statement.round_deadline, now) for statement in rows],
            "all_statements": person.is_secretariat,
        },
    )
