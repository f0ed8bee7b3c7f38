"""Endorsement rounds: the principals are asked to endorse one version of a statement.

The rules, in the order the services check them: the role (statements.permissions), then the
round's state, re-read under a lock where two people may act at once. The outcome is computed
when read (round_outcome, from the answers and the clock), never written by a timer. Opening a
round, and each objection or refusal, is recorded for notifications in the same transaction.

The reads at the end (answerable_organisations, round_board) are what the round's pages show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.audit import acting_as
from common.dates import group_time_zone, group_today
from common.permissions import require
from common.versioning import ConflictError, save_versioned
from coordination.models import Organisation, Person
from notifications import contract
from statements import notify, permissions
from statements.models import (
    ActingPrincipal,
    Endorsement,
    EndorsementRound,
    Statement,
    Version,
)
from statements.selectors import latest_version

Answer = Endorsement.Answer
Procedure = EndorsementRound.Procedure

ANSWERS_BY_PROCEDURE: dict[str, frozenset[str]] = {
    Procedure.EXPLICIT: frozenset(
        {Answer.ENDORSE, Answer.ENDORSE_WITH_RESERVATION, Answer.DECLINE}
    ),
    Procedure.SILENCE: frozenset({Answer.ENDORSE, Answer.ENDORSE_WITH_RESERVATION, Answer.OBJECT}),
}

# The answers the drafters and the secretariat are told of at once.
REFUSALS = frozenset({Answer.DECLINE, Answer.OBJECT})


class Result(models.TextChoices):
    """An organisation's place in the outcome: its answer, or what its silence means."""

    ENDORSE = Answer.ENDORSE.value, Answer.ENDORSE.label
    ENDORSE_WITH_RESERVATION = (
        Answer.ENDORSE_WITH_RESERVATION.value,
        Answer.ENDORSE_WITH_RESERVATION.label,
    )
    DECLINE = Answer.DECLINE.value, Answer.DECLINE.label
    OBJECT = Answer.OBJECT.value, Answer.OBJECT.label
    AWAITED = "awaited", gettext_lazy("Awaited")
    DEEMED_ENDORSED = "deemed_endorsed", gettext_lazy("Deemed endorsed")
    NO_ANSWER = "no_answer", gettext_lazy("No answer")


# The places in an outcome that count as endorsing the text (and so may be recorded as endorsing
# at adoption).
ENDORSING = frozenset({Result.ENDORSE, Result.ENDORSE_WITH_RESERVATION, Result.DEEMED_ENDORSED})


@dataclass(frozen=True)
class OpenedRound:
    round: EndorsementRound
    # Addressed organisations with nobody to answer as principal on the opening day: flag them
    # so that the secretariat chases a principal, or records answers on their behalf.
    without_principal: list[Organisation]


@dataclass(frozen=True)
class OutcomeRow:
    organisation: Organisation
    result: Result
    endorsement: Endorsement | None


@dataclass(frozen=True)
class RoundOutcome:
    rows: list[OutcomeRow]
    counts: Counter[str] = field(default_factory=Counter)
    deadline_passed: bool = False


def organisations_without_principal(
    organisations: list[Organisation], on: date | None = None
) -> list[Organisation]:
    """Of `organisations`, those with no active principal and no acting principal on `on` (the
    group's date, today by default). Two queries, whatever the number of organisations."""
    day = on or group_today()
    ids = [organisation.pk for organisation in organisations]
    covered = set(
        Person.objects.filter(
            organisation_id__in=ids, role=Person.Role.PRINCIPAL, is_active=True
        ).values_list("organisation_id", flat=True)
    ) | set(
        ActingPrincipal.objects.filter(
            organisation_id__in=ids, starts_on__lte=day, ends_on__gte=day, person__is_active=True
        ).values_list("organisation_id", flat=True)
    )
    return [organisation for organisation in organisations if organisation.pk not in covered]


def require_future(deadline: datetime) -> None:
    """A deadline being set (a round's, a comment period's): aware, and not already passed."""
    if timezone.is_naive(deadline):
        raise ValidationError({"deadline": _("Give the deadline with its time zone.")})
    if deadline <= timezone.now():
        raise ValidationError({"deadline": _("The deadline must be in the future.")})


def require_open(round: EndorsementRound) -> None:
    """What is done to a round (answer, extend, close, remind) is done to an open one."""
    if not round.is_open:
        raise ValidationError(_("This endorsement round is closed."))


@transaction.atomic
def round_open(
    *,
    statement: Statement,
    version: Version,
    actor: Person,
    procedure: str,
    deadline: datetime,
) -> OpenedRound:
    """Ask the current members to endorse `version`, which must be the statement's latest.

    The addressed organisations are frozen on the opening day (Organisation.objects.current()).
    Returns the round and the organisations that have nobody to answer as principal."""
    require(permissions.can_run_rounds(actor, statement))
    if procedure not in Procedure.values:
        raise ValidationError({"procedure": _("Choose a procedure.")})
    if version.statement_id != statement.pk:
        raise ValidationError(_("This version belongs to another statement."))
    if not statement.text_is_open:
        raise ValidationError(
            _("This statement is %(stage)s: it is not put to endorsement.")
            % {"stage": statement.Stage(statement.stage).label.lower()}
        )
    latest = latest_version(statement)
    if latest is None or latest.pk != version.pk:
        # A page opened on an older version: give it the current one to look at first.
        raise ConflictError(latest or version)
    require_future(deadline)
    if statement.endorsement_rounds.filter(closed_at__isnull=True).exists():
        raise ValidationError(_("An endorsement round of this statement is already open."))
    today = group_today()
    organisations = list(Organisation.objects.current(today))
    round = EndorsementRound(
        statement=statement,
        endorsed_version=version,
        procedure=procedure,
        opened_by=actor,
        deadline=deadline,
    )
    round.full_clean(validate_constraints=False)
    with acting_as(actor):
        try:
            # A savepoint: someone else may have opened a round since the check above, and the
            # unique constraint on open rounds is what says so.
            with transaction.atomic():
                round.save()
        except IntegrityError:
            raise ValidationError(
                _("An endorsement round of this statement is already open.")
            ) from None
        round.addressed_organisations.set(organisations)
    contract.record(notify.round_opened, round_id=round.pk)
    return OpenedRound(
        round=round, without_principal=organisations_without_principal(organisations, today)
    )


@transaction.atomic
def round_extend(*, round: EndorsementRound, actor: Person, deadline: datetime) -> EndorsementRound:
    """Move the deadline later, while the round is open and its deadline has not passed (after
    it, silence may already have been counted as endorsement: moving it would undo that)."""
    require(permissions.can_run_rounds(actor, round.statement))
    require_open(round)
    if round.deadline <= timezone.now():
        raise ValidationError(_("The deadline of this round has passed: it cannot be moved."))
    require_future(deadline)
    if deadline <= round.deadline:
        raise ValidationError({"deadline": _("A deadline can be extended, never shortened.")})
    with acting_as(actor):
        return save_versioned(round, expected_version=round.version, changes={"deadline": deadline})


def _text_required(answer: str) -> bool:
    return answer != Answer.ENDORSE


@transaction.atomic
def round_answer(
    *,
    round: EndorsementRound,
    organisation: Organisation,
    actor: Person,
    answer: str,
    text: str = "",
) -> Endorsement:
    """Record or change `organisation`'s answer, until the deadline.

    Someone other than the principal (or acting principal) records it on their behalf, and the
    answer says so. Under silence the first objection breaks the silence for good: taking the
    objection back later does not restore it."""
    today = group_today()
    require(permissions.can_answer_round(actor, organisation, today))
    # Locked (PostgreSQL) and re-read: the deadline or the procedure may have changed, and two
    # objections at once must not both be "the first".
    current = EndorsementRound.objects.select_for_update().get(pk=round.pk)
    require_open(current)
    now = timezone.now()
    if now >= current.deadline:
        raise ValidationError(_("The deadline of this round has passed."))
    if not current.addressed_organisations.filter(pk=organisation.pk).exists():
        raise ValidationError(_("This organisation is not asked in this round."))
    if answer not in ANSWERS_BY_PROCEDURE[current.procedure]:
        raise ValidationError({"answer": _("This answer is not one this procedure allows.")})
    text = text.strip()
    if _text_required(answer) and not text:
        raise ValidationError({"text": _("Say what the reservation, refusal or objection is.")})
    on_behalf = not permissions.is_principal_for(actor, organisation, today)
    endorsement = Endorsement.objects.filter(round=current, organisation=organisation).first()
    if endorsement is None:
        endorsement = Endorsement(round=current, organisation=organisation)
    endorsement.answer = answer
    endorsement.text = text
    endorsement.answered_by = actor
    endorsement.on_behalf = on_behalf
    endorsement.answered_at = now
    endorsement.full_clean(validate_unique=False, validate_constraints=False)
    with acting_as(actor):
        endorsement.save()
        if (
            answer == Answer.OBJECT
            and current.procedure == Procedure.SILENCE
            and current.silence_broken_at is None
        ):
            current.silence_broken_at = now
            current.save(update_fields=["silence_broken_at"])
    if answer in REFUSALS:
        # Each time: an organisation that declines, endorses, then declines again has changed
        # its answer twice, and the drafters hear of each refusal.
        contract.record(notify.round_answer_refused, endorsement_id=endorsement.pk)
    round.silence_broken_at = current.silence_broken_at
    return endorsement


@transaction.atomic
def round_close(*, round: EndorsementRound, actor: Person) -> EndorsementRound:
    """Close the round. Before the deadline only when every addressed organisation has
    answered: closing early must not turn anyone's remaining time into silence."""
    require(permissions.can_run_rounds(actor, round.statement))
    require_open(round)
    now = timezone.now()
    if now < round.deadline:
        addressed = round.addressed_organisations.count()
        if round.endorsements.count() < addressed:
            raise ValidationError(
                _("Some organisations have not answered yet: wait for the deadline.")
            )
    with acting_as(actor):
        return save_versioned(
            round,
            expected_version=round.version,
            changes={"closed_at": now, "closed_by": actor},
        )


@transaction.atomic
def round_make_explicit(*, round: EndorsementRound, actor: Person) -> EndorsementRound:
    """Once an objection broke the silence, ask for explicit answers: silence then counts as no
    answer. The answers given so far stand."""
    require(permissions.can_run_rounds(actor, round.statement))
    require_open(round)
    if round.procedure != Procedure.SILENCE or round.silence_broken_at is None:
        raise ValidationError(
            _("Only a silence procedure whose silence was broken turns explicit.")
        )
    with acting_as(actor):
        return save_versioned(
            round, expected_version=round.version, changes={"procedure": Procedure.EXPLICIT}
        )


def rounds_void_open(*, statement: Statement, version: Version) -> None:
    """Close the statement's open round, if any, as voided by the new `version`: its answers
    were about a text that is no longer the latest. Called by the service that saved the
    version, inside its transaction and its acting_as (so the audit row names the editor)."""
    for round in EndorsementRound.objects.select_for_update().filter(
        statement=statement, closed_at__isnull=True
    ):
        round.closed_at = timezone.now()
        round.voided_by_version = version
        round.save(update_fields=["closed_at", "voided_by_version"])


def round_outcome(round: EndorsementRound, now: datetime) -> RoundOutcome:
    """Per addressed organisation, in order, its answer; without one, "awaited" before the
    deadline, and after it "deemed endorsed" (silence, not broken) or "no answer" (explicit, or
    silence once broken). Two queries, whatever the number of organisations."""
    endorsements = {e.organisation_id: e for e in round.endorsements.select_related("answered_by")}
    deadline_passed = now >= round.deadline
    silence_holds = round.procedure == Procedure.SILENCE and round.silence_broken_at is None
    rows: list[OutcomeRow] = []
    for organisation in round.addressed_organisations.all():
        endorsement = endorsements.get(organisation.pk)
        if endorsement is not None:
            result = Result(endorsement.answer)
        elif not deadline_passed:
            result = Result.AWAITED
        elif silence_holds:
            result = Result.DEEMED_ENDORSED
        else:
            result = Result.NO_ANSWER
        rows.append(OutcomeRow(organisation=organisation, result=result, endorsement=endorsement))
    return RoundOutcome(
        rows=rows,
        counts=Counter(row.result.value for row in rows),
        deadline_passed=deadline_passed,
    )


# --- Reads: who may answer, and the board ---------------------------------------------------------


def answerable_organisations(
    user: Person, round: EndorsementRound, on: date | None = None
) -> list[Organisation]:
    """The organisations of the round `user` answers for (permissions.can_answer_round): every
    addressed one for the secretariat; otherwise their own and those they act as principal for
    on `on` (at most two queries, whatever the number of organisations)."""
    day = on or group_today()
    addressed = list(round.addressed_organisations.all())
    if not (user.is_authenticated and user.is_active):
        return []
    if user.is_secretariat:
        return addressed
    acting = set(
        ActingPrincipal.objects.filter(
            person_id=user.pk, starts_on__lte=day, ends_on__gte=day
        ).values_list("organisation_id", flat=True)
    )
    return [
        organisation
        for organisation in addressed
        if (organisation.pk == user.organisation_id or organisation.pk in acting)
        and permissions.can_answer_round(user, organisation, day)
    ]


@dataclass(frozen=True)
class BoardRow:
    """One addressed organisation on the board: its place in the outcome, and how its answer was
    given (by the principal, by an acting principal for the one who named them, or recorded on
    the principal's behalf)."""

    organisation: Organisation
    result: Result
    endorsement: Endorsement | None
    acting: bool
    acting_for: Person | None
    delivery: str


@dataclass(frozen=True)
class AnswerChange:
    """An answer given or changed, from the audit history."""

    at: datetime
    actor: Person | None
    organisation: Organisation | None
    created: bool
    answer_before: str
    answer_after: str
    text: str | None


@dataclass(frozen=True)
class Board:
    round: EndorsementRound
    rows: list[BoardRow]
    # (result, how many), in the order of Result, for the results present.
    counts: list[tuple[Result, int]]
    deadline_passed: bool
    history: list[AnswerChange]


def board_round(round_id: int) -> EndorsementRound:
    """The round with what its board and its permissions read (raises DoesNotExist: a 404)."""
    return (
        EndorsementRound.objects.select_related(
            "statement", "endorsed_version", "opened_by", "closed_by", "voided_by_version"
        )
        .prefetch_related("statement__drafters", "addressed_organisations")
        .get(pk=round_id)
    )


def _answer_label(value: object) -> str:
    return str(Answer(value).label) if value in Answer.values else ""


def _history(round: EndorsementRound, endorsements: dict[int, Endorsement]) -> list[AnswerChange]:
    """Every answer given or changed in the round, newest first, from the audit history: one
    query, whatever the number of answers."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Endorsement),
            object_id__in=Endorsement.objects.filter(round=round).values("pk"),
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    changes = []
    for entry in entries:
        fields = entry.changes if isinstance(entry.changes, dict) else {}
        answer = fields.get("answer") or [None, None]
        text = fields.get("text")
        endorsement = endorsements.get(entry.object_id or 0)
        changes.append(
            AnswerChange(
                at=entry.timestamp,
                actor=entry.actor,
                organisation=endorsement.organisation if endorsement else None,
                created=entry.action == LogEntry.Action.CREATE,
                answer_before=_answer_label(answer[0]),
                answer_after=_answer_label(answer[1]),
                text=text[1] if isinstance(text, list) and len(text) == 2 else None,
            )
        )
    return changes


def round_board(round: EndorsementRound, now: datetime, deliveries: dict[int, str]) -> Board:
    """The board of a round (board_round's) at `now`: each addressed organisation's row, the
    counts, and the history of the answers. A fixed number of queries, whatever the number of
    organisations and answers. `deliveries` is statements.delivery.round_deliveries(round)."""
    outcome = round_outcome(round, now)
    endorsements: dict[int, Endorsement] = {}
    for row in outcome.rows:
        if row.endorsement is not None:
            row.endorsement.organisation = row.organisation
            endorsements[row.endorsement.pk] = row.endorsement
    # Answers given by someone who is not the organisation's principal, and not on their behalf,
    # were given by an acting principal: find who named them, for the day they answered.
    acting_answers = [
        e
        for e in endorsements.values()
        if not e.on_behalf
        and not (
            e.answered_by.role == Person.Role.PRINCIPAL
            and e.answered_by.organisation_id == e.organisation_id
        )
    ]
    periods = (
        list(
            ActingPrincipal.objects.filter(
                organisation_id__in={e.organisation_id for e in acting_answers},
                person_id__in={e.answered_by_id for e in acting_answers},
            ).select_related("principal")
        )
        if acting_answers
        else []
    )
    zone = group_time_zone()
    named_by: dict[int, Person | None] = {}
    for endorsement in acting_answers:
        day = timezone.localdate(endorsement.answered_at, timezone=zone)
        period = next(
            (
                p
                for p in periods
                if p.organisation_id == endorsement.organisation_id
                and p.person_id == endorsement.answered_by_id
                and p.starts_on <= day <= p.ends_on
            ),
            None,
        )
        named_by[endorsement.pk] = period.principal if period is not None else None
    rows = [
        BoardRow(
            organisation=row.organisation,
            result=row.result,
            endorsement=row.endorsement,
            acting=row.endorsement is not None and row.endorsement.pk in named_by,
            acting_for=named_by.get(row.endorsement.pk) if row.endorsement else None,
            delivery=deliveries.get(row.organisation.pk, ""),
        )
        for row in outcome.rows
    ]
    return Board(
        round=round,
        rows=rows,
        counts=[(r, outcome.counts[r.value]) for r in Result if outcome.counts[r.value]],
        deadline_passed=outcome.deadline_passed,
        history=_history(round, endorsements),
    )
