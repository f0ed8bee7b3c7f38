"""Whom statements tell of what, through notifications' contract.

Each handler runs in a worker after the commit of the change it announces (services record the
event with `contract.record(handler, **ids)`); it reads the objects as they are then, and tells
nobody when what it announces no longer holds (a round voided, a deadline moved again, an
objection taken back before the worker ran): the event that replaced it tells instead.

Requests for an organisation's answer (comments, an endorsement, their reminders) are service
messages: they reach every principal and focal point whatever their email preference, since
silence must never be deemed consent from someone who was not asked. What only informs (an
objection, an adoption) respects the preference.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext_lazy as _

from common.dates import group_today
from common.registry import EmailKind
from coordination.models import Organisation, Person
from notifications import contract
from statements.delivery import round_opened_key
from statements.models import (
    ActingPrincipal,
    Comment,
    Endorsement,
    EndorsementRound,
    NoComments,
    Statement,
    Version,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

COMMENTS_REQUESTED = EmailKind("comments_requested", _("Comments requested on a statement"))
COMMENTS_LAST_CALL = EmailKind("comments_last_call", _("Last day to comment on a statement"))
COMMENTS_REMINDER = EmailKind("comments_reminder", _("Reminder to comment on a statement"))
ENDORSEMENT_REQUESTED = EmailKind("endorsement_requested", _("Endorsement requested"))
ENDORSEMENT_REMINDER = EmailKind("endorsement_reminder", _("Endorsement reminder"))
ENDORSEMENT_REFUSED = EmailKind("endorsement_refused", _("Objection or decline in a round"))
STATEMENT_ADOPTED = EmailKind("statement_adopted", _("Statement adopted"))

# Who speaks for a member organisation on a statement: comments, and the principal's answer
# (which the focal point may record on their behalf).
ORGANISATION_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL)
# Titles and subjects hold the statement's title (up to 300 characters) with a few words around
# it, within the 300 characters a notification's title and an email's subject keep.
TITLE_LENGTH = 200


def _short(title: str) -> str:
    return Truncator(title).chars(TITLE_LENGTH)


def _same_moment(recorded: str, current: datetime) -> bool:
    """Whether the deadline an event was recorded for is still the one in force."""
    try:
        return datetime.fromisoformat(recorded) == current
    except ValueError:
        return False


def _stamp(moment: datetime) -> str:
    """A moment, to the microsecond, as part of an event's key."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f")


# --- Who is asked --------------------------------------------------------------------------------


def organisation_people(organisation_ids: Iterable[int], on: date) -> QuerySet[Person]:
    """The active focal points, alternates and principals of the organisations, and the people
    acting as their principal on `on` (the group's date). One query when evaluated."""
    ids = list(organisation_ids)
    acting = ActingPrincipal.objects.filter(
        organisation_id__in=ids, starts_on__lte=on, ends_on__gte=on
    ).values("person_id")
    return Person.objects.filter(
        Q(role__in=ORGANISATION_ROLES, organisation_id__in=ids) | Q(pk__in=acting),
        is_active=True,
    ).order_by("pk")


def organisations_yet_to_comment(version: Version, organisation_ids: Iterable[int]) -> set[int]:
    """Of `organisation_ids`, those that have neither commented on `version` nor said they have
    no comments on it. Two queries."""
    ids = set(organisation_ids)
    answered = set(
        Comment.objects.filter(version=version, organisation_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    ) | set(
        NoComments.objects.filter(version=version, organisation_id__in=ids).values_list(
            "organisation_id", flat=True
        )
    )
    return ids - answered


def organisations_yet_to_answer(round: EndorsementRound) -> set[int]:
    """The organisations the round addresses that have not answered. Two queries."""
    addressed = set(round.addressed_organisations.values_list("pk", flat=True))
    answered = set(round.endorsements.values_list("organisation_id", flat=True))
    return addressed - answered


def round_url(round: EndorsementRound) -> str:
    """Where an organisation's people answer the round (the principal, or on their behalf)."""
    return reverse("statements:round_answer", args=[round.pk])


def board_url(round: EndorsementRound) -> str:
    """The round's board: every organisation's answer."""
    return reverse("statements:round_board", args=[round.pk])


def _open_round(round_id: int) -> EndorsementRound | None:
    """The round, if it can still be answered: open, its deadline not passed."""
    round = EndorsementRound.objects.select_related("statement", "endorsed_version").get(
        pk=round_id
    )
    if not round.is_open or round.deadline <= timezone.now():
        return None
    return round


def _comment_period(statement_id: int, deadline: str) -> tuple[Statement, Version, datetime] | None:
    """The statement and the version asked about, if comments are still asked by `deadline`:
    the period is running and its deadline was not moved since the event was recorded."""
    statement = Statement.objects.get(pk=statement_id)
    current = statement.comment_deadline
    if current is None or not _same_moment(deadline, current):
        return None
    if statement.stage != Statement.Stage.OPEN_FOR_COMMENTS:
        return None
    version = statement.versions.order_by("-number").first()
    if version is None:
        return None
    return statement, version, current


# --- Comments ------------------------------------------------------------------------------------


def _ask_for_comments(
    statement_id: int, deadline: str, *, last_call: bool, only_silent: bool, reminder: str = ""
) -> int:
    """Ask the people of the member organisations (or only of those that have neither commented
    on the version nor said they have none) for their comments, as a service message."""
    period = _comment_period(statement_id, deadline)
    if period is None:
        return 0
    statement, version, current = period
    today = group_today()
    members = Organisation.objects.current(today).values_list("pk", flat=True)
    asked = organisations_yet_to_comment(version, members) if only_silent else members
    kind, event, title = (
        (COMMENTS_LAST_CALL, "comments-last-call", _("Last day to comment: {title}"))
        if last_call
        else (COMMENTS_REQUESTED, "comments", _("Comments asked: {title}"))
    )
    if reminder:
        # A drafter's reminder: its moment names it, so each day's goes once.
        kind, event = COMMENTS_REMINDER, f"comments-reminder:{reminder}"
        title = _("Your comments are awaited: {title}")
    return contract.notify(
        people=organisation_people(asked, today),
        kind=kind.code,
        key=f"statement:{statement.pk}:{event}:{_stamp(current)}",
        title=format_lazy(title, title=_short(statement.title)),
        url=statement.get_absolute_url(),
        template="statements/email/comments_requested",
        context={
            "statement": statement,
            "version": version,
            "deadline": current,
            "last_call": last_call,
            "reminder": bool(reminder),
        },
        service=True,
    )


def comment_period_opened(*, statement_id: int, deadline: str) -> int:
    """A comment period opened (or its deadline moved): a service message to every current
    member organisation's focal points and principals.

    `deadline` is the comment deadline as recorded (ISO 8601): it is part of the key, so an
    extension asks again and a retried event does not."""
    return _ask_for_comments(statement_id, deadline, last_call=False, only_silent=False)


def comments_reminded(*, statement_id: int, deadline: str, reminder: str) -> int:
    """A drafter reminded the organisations that have not answered the comment period (a
    service message, to them only)."""
    return _ask_for_comments(
        statement_id, deadline, last_call=False, only_silent=True, reminder=reminder
    )


def comment_last_call(*, statement_id: int, deadline: str) -> int:
    """The last day of a comment period (statements.reminders claimed it): a service message to
    the people of the member organisations that have neither commented on the version nor said
    they have none."""
    return _ask_for_comments(statement_id, deadline, last_call=True, only_silent=True)


# --- Endorsement rounds --------------------------------------------------------------------------


def _procedure(round: EndorsementRound) -> str:
    """How silence counts now: "silence" (as endorsement), "broken" (an objection broke it: as
    no answer) or "explicit" (as no answer)."""
    if round.procedure != EndorsementRound.Procedure.SILENCE:
        return "explicit"
    return "silence" if round.silence_broken_at is None else "broken"


def _ask(
    round: EndorsementRound,
    organisation_ids: Iterable[int],
    *,
    kind: EmailKind,
    key: str,
    title: StrOrPromise,
) -> int:
    statement = round.statement
    return contract.notify(
        people=organisation_people(organisation_ids, group_today()),
        kind=kind.code,
        key=key,
        title=format_lazy(title, title=_short(statement.title)),
        url=round_url(round),
        template="statements/email/endorsement_requested",
        context={
            "statement": statement,
            "round": round,
            "version": round.endorsed_version,
            "deadline": round.deadline,
            "procedure": _procedure(round),
            "reminder": kind != ENDORSEMENT_REQUESTED,
        },
        service=True,
    )


def round_opened(*, round_id: int) -> int:
    """An endorsement round opened: a service message to the focal points, principals and acting
    principals of every addressed organisation."""
    round = _open_round(round_id)
    if round is None:
        return 0
    return _ask(
        round,
        round.addressed_organisations.values_list("pk", flat=True),
        kind=ENDORSEMENT_REQUESTED,
        key=round_opened_key(round),
        title=_("Endorsement asked: {title}"),
    )


def round_reminded(*, round_id: int, reminder: str) -> int:
    """A drafter reminded the organisations that have not answered (service message).

    `reminder` names this reminder (when it was asked for): the next one sends again."""
    round = _open_round(round_id)
    if round is None:
        return 0
    return _ask(
        round,
        organisations_yet_to_answer(round),
        kind=ENDORSEMENT_REMINDER,
        key=f"round:{round.pk}:reminder:{reminder}",
        title=_("Reminder, endorsement asked: {title}"),
    )


def round_last_call(*, round_id: int, deadline: str) -> int:
    """The last day of a round (statements.reminders claimed it): the organisations that have not
    answered are asked once more (service message)."""
    round = _open_round(round_id)
    if round is None or not _same_moment(deadline, round.deadline):
        return 0
    return _ask(
        round,
        organisations_yet_to_answer(round),
        kind=ENDORSEMENT_REMINDER,
        key=f"round:{round.pk}:last-call:{_stamp(round.deadline)}",
        title=_("Last day to answer: {title}"),
    )


def _drafters_and_secretariat(statement: Statement) -> QuerySet[Person]:
    return Person.objects.filter(
        Q(pk__in=statement.drafters.values("pk")) | Q(role=Person.Role.SECRETARIAT),
        is_active=True,
    ).order_by("pk")


def round_answer_refused(*, endorsement_id: int) -> int:
    """An organisation objected (silence broken) or declined: the drafters and the secretariat
    are told at once.

    The answer is read as it is now: one changed to an endorsement before the worker ran tells
    nobody, and each change of answer (its time is in the key) tells again."""
    endorsement = Endorsement.objects.select_related(
        "round__statement", "round__endorsed_version", "organisation", "answered_by"
    ).get(pk=endorsement_id)
    objection = endorsement.answer == Endorsement.Answer.OBJECT
    if not objection and endorsement.answer != Endorsement.Answer.DECLINE:
        return 0
    round = endorsement.round
    statement = round.statement
    title = (
        _("{organisation} objects: {title}") if objection else _("{organisation} declines: {title}")
    )
    return contract.notify(
        people=_drafters_and_secretariat(statement),
        kind=ENDORSEMENT_REFUSED.code,
        key=(f"round:{round.pk}:refused:{endorsement.pk}:{_stamp(endorsement.answered_at)}"),
        title=format_lazy(
            title, organisation=endorsement.organisation.acronym, title=_short(statement.title)
        ),
        url=board_url(round),
        template="statements/email/endorsement_refused",
        context={
            "statement": statement,
            "round": round,
            "endorsement": endorsement,
            "objection": objection,
            # The silence procedure as the round was opened: an objection under it broke the
            # silence, even if the round has since been turned explicit.
            "silence_broken": objection and round.silence_broken_at is not None,
        },
    )


# --- Adoption ------------------------------------------------------------------------------------


def adoption_audience(statement: Statement) -> QuerySet[Person]:
    """Everyone: the active people of the current member organisations and the secretariat;
    observers only once the statement is published (before, they may not read it)."""
    everyone = Q(organisation__in=Organisation.objects.current(group_today())) | Q(
        role=Person.Role.SECRETARIAT
    )
    if statement.stage == Statement.Stage.PUBLISHED:
        people = Person.objects.filter(everyone | Q(role=Person.Role.OBSERVER), is_active=True)
    else:
        people = Person.objects.filter(everyone, is_active=True).exclude(role=Person.Role.OBSERVER)
    return people.order_by("pk")


def statement_adopted(*, statement_id: int) -> int:
    """A statement was adopted: everyone is told, with the organisations that endorsed it."""
    statement = Statement.objects.select_related("adopted_version").get(pk=statement_id)
    if statement.adopted_at is None or statement.withdrawn_at is not None:
        return 0
    endorsing = list(statement.endorsing_organisations.order_by("acronym"))
    return contract.notify(
        people=adoption_audience(statement),
        kind=STATEMENT_ADOPTED.code,
        key=f"statement:{statement.pk}:adopted:{_stamp(statement.adopted_at)}",
        title=format_lazy(_("Adopted: {title}"), title=_short(statement.title)),
        url=statement.get_absolute_url(),
        template="statements/email/statement_adopted",
        context={
            "statement": statement,
            "version": statement.adopted_version,
            "endorsing": endorsing,
            "endorsing_count": len(endorsing),
        },
    )
