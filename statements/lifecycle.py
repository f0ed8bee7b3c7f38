"""A statement's life around its text: the comment period, the reminders of a round, adoption,
withdrawal and publication, and the acting principals who answer when a principal is away.

Each service re-reads what it changes under a lock (PostgreSQL; SQLite serialises writers) and
checks the rule against that state, so that two drafters acting at once cannot, say, both adopt
the statement or shorten a deadline the other just extended. The statement's own fields are then
written through common.versioning, whose version check stops any writer that still slipped by.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common import reminders
from common.audit import acting_as
from common.dates import group_time_zone, group_today
from common.models import Reminder
from common.permissions import require
from common.versioning import save_versioned
from coordination.models import Organisation, Person
from notifications import contract
from statements import notify, permissions, rounds
from statements.models import ActingPrincipal, EndorsementRound, Statement
from statements.rounds import ENDORSING
from statements.selectors import latest_version

# The longest period an acting principal is named for at once: a slip of the year in a date
# must not hand someone the principal's answer for a decade.
LONGEST_ACTING_PERIOD = timedelta(days=366)
# How far ahead a publication date may be set: a mistyped year is refused, not kept.
LONGEST_PUBLICATION_WAIT = timedelta(days=366)


def _locked(statement: Statement) -> Statement:
    return Statement.objects.select_for_update().get(pk=statement.pk)


def _shown(moment: datetime) -> str:
    """A moment in a message, in the reader's time zone (the request's)."""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _names(organisations: Sequence[Organisation]) -> str:
    return ", ".join(organisation.acronym for organisation in organisations)


# --- The comment period --------------------------------------------------------------------------


@transaction.atomic
def comment_period_open(*, statement: Statement, actor: Person, deadline: datetime) -> Statement:
    """Ask the members for comments on the latest version until `deadline`; while a period is
    running, move its deadline later (never earlier: someone may be writing on that time).

    Every member organisation's focal points and principals are told, once per deadline."""
    require(permissions.can_draft(actor, statement))
    current = _locked(statement)
    if not current.text_is_open:
        raise ValidationError(
            _("This statement is %(stage)s: it is not open to comments again.")
            % {"stage": Statement.Stage(current.stage).label.lower()}
        )
    if current.has_open_round:
        raise ValidationError(
            _("The principals are asked to endorse this text: comments wait until the round ends.")
        )
    if latest_version(current) is None:
        raise ValidationError(_("This statement has no text to comment on yet."))
    rounds.require_future(deadline)
    running = current.comment_deadline
    if running is not None and running > timezone.now() and deadline <= running:
        raise ValidationError(
            {
                "deadline": _(
                    "Comments are open until %(deadline)s: the period can be extended, never "
                    "shortened."
                )
                % {"deadline": _shown(running)}
            }
        )
    with acting_as(actor):
        save_versioned(
            current, expected_version=current.version, changes={"comment_deadline": deadline}
        )
    contract.record(
        notify.comment_period_opened, statement_id=current.pk, deadline=deadline.isoformat()
    )
    return current


# --- Reminding the organisations that have not answered ------------------------------------------


@transaction.atomic
def round_remind(*, round: EndorsementRound, actor: Person) -> Reminder:
    """Remind the organisations that have not answered the round, at most once a day
    (common.reminders claims it; a second press meanwhile is refused and sends nothing)."""
    require(permissions.can_run_rounds(actor, round.statement))
    current = EndorsementRound.objects.get(pk=round.pk)
    rounds.require_open(current)
    if current.deadline <= timezone.now():
        raise ValidationError(_("The deadline of this round has passed: nobody is reminded."))
    answered = current.endorsements.values("organisation_id")
    silent = list(
        current.addressed_organisations.exclude(pk__in=answered).values_list("acronym", flat=True)
    )
    reminder = reminders.remind(subject=reminders.reminder_subject(current), actor=actor, to=silent)
    # The moment of the claim names this reminder: a retried event sends nothing twice, the
    # next day's reminder sends again.
    contract.record(
        notify.round_reminded, round_id=current.pk, reminder=reminder.last_sent_at.isoformat()
    )
    return reminder


def comment_reminder_subject(statement: Statement) -> str:
    """What common.reminders names the comment period's reminders by (one a day)."""
    return f"{reminders.reminder_subject(statement)}:comments"


@transaction.atomic
def comment_period_remind(*, statement: Statement, actor: Person) -> Reminder:
    """Remind the member organisations that have neither commented on the version nor said they
    have none, at most once a day, while the comment period runs."""
    require(permissions.can_draft(actor, statement))
    current = Statement.objects.get(pk=statement.pk)
    if current.stage != Statement.Stage.OPEN_FOR_COMMENTS or current.comment_deadline is None:
        raise ValidationError(_("No comment period is running: nobody is reminded."))
    version = latest_version(current)
    if version is None:
        raise ValidationError(_("This statement has no text to comment on yet."))
    members = Organisation.objects.current(group_today()).values_list("pk", flat=True)
    silent = sorted(
        Organisation.objects.filter(
            pk__in=notify.organisations_yet_to_comment(version, members)
        ).values_list("acronym", flat=True)
    )
    reminder = reminders.remind(subject=comment_reminder_subject(current), actor=actor, to=silent)
    contract.record(
        notify.comments_reminded,
        statement_id=current.pk,
        deadline=current.comment_deadline.isoformat(),
        reminder=reminder.last_sent_at.isoformat(),
    )
    return reminder


# --- Adoption, withdrawal, publication -----------------------------------------------------------


@transaction.atomic
def statement_adopt(
    *,
    statement: Statement,
    actor: Person,
    round: EndorsementRound,
    endorsing: Sequence[Organisation],
) -> Statement:
    """Record that the statement was adopted as the round's version, endorsed by `endorsing`.

    The round is this statement's, not voided, on the latest version, and over: closed, or past
    its deadline (then it is closed now). `endorsing` is taken from the round's outcome (the
    answers, and silence deemed endorsement): the drafter may leave an organisation out, never
    add one that did not endorse. Everyone is told."""
    require(permissions.can_draft(actor, statement))
    current = _locked(statement)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This statement was withdrawn: it is not adopted."))
    if current.adopted_at is not None:
        raise ValidationError(_("This statement was adopted already."))
    if round.statement_id != current.pk:
        raise ValidationError(_("This round is of another statement."))
    locked_round = EndorsementRound.objects.select_for_update().get(pk=round.pk)
    if locked_round.voided_by_version_id is not None:
        raise ValidationError(
            _("This round was voided by a new version of the text: open a round on it.")
        )
    latest = latest_version(current)
    if latest is None or latest.pk != locked_round.endorsed_version_id:
        raise ValidationError(
            _("The text changed since this round: its answers are about an earlier version.")
        )
    now = timezone.now()
    if locked_round.is_open and now < locked_round.deadline:
        raise ValidationError(
            _(
                "The round is open until its deadline: wait for it, or close the round once "
                "every organisation has answered."
            )
        )
    outcome = rounds.round_outcome(locked_round, now)
    endorsed = {row.organisation.pk for row in outcome.rows if row.result in ENDORSING}
    if not endorsing:
        raise ValidationError({"endorsing": _("Name the organisations that endorse the text.")})
    strays = [organisation for organisation in endorsing if organisation.pk not in endorsed]
    if strays:
        raise ValidationError(
            {
                "endorsing": _("%(names)s did not endorse this text in the round.")
                % {"names": _names(strays)}
            }
        )
    with acting_as(actor):
        if locked_round.is_open:
            rounds.round_close(round=locked_round, actor=actor)
        save_versioned(
            current,
            expected_version=current.version,
            changes={
                "adopted_at": now,
                "adopted_by": actor,
                "adopted_version": latest,
                "adopted_round": locked_round,
            },
        )
        current.endorsing_organisations.set(sorted({o.pk for o in endorsing}))
    contract.record(notify.statement_adopted, statement_id=current.pk)
    return current


@transaction.atomic
def statement_withdraw(*, statement: Statement, actor: Person, reason: str) -> Statement:
    """Withdraw the statement, saying why; an open round closes with it (its answers stay in
    the history). Nothing comes after a withdrawal."""
    require(permissions.can_draft(actor, statement))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the statement is withdrawn.")})
    current = _locked(statement)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This statement was withdrawn already."))
    now = timezone.now()
    with acting_as(actor):
        for open_round in EndorsementRound.objects.select_for_update().filter(
            statement=current, closed_at__isnull=True
        ):
            save_versioned(
                open_round,
                expected_version=open_round.version,
                changes={"closed_at": now, "closed_by": actor},
            )
        save_versioned(
            current,
            expected_version=current.version,
            changes={"withdrawn_at": now, "withdrawn_by": actor, "withdrawal_reason": reason},
        )
    return current


@transaction.atomic
def statement_publish(
    *, statement: Statement, actor: Person, published_on: date, public_url: str
) -> Statement:
    """Record where and when the adopted statement is published (or correct it). From that day
    (the group's date) observers read it, and its public page opens."""
    require(permissions.can_draft(actor, statement))
    current = _locked(statement)
    if current.withdrawn_at is not None:
        raise ValidationError(_("This statement was withdrawn: it is not published."))
    if current.adopted_at is None:
        raise ValidationError(_("Only an adopted statement is published."))
    adopted_on = timezone.localdate(current.adopted_at, timezone=group_time_zone())
    if published_on < adopted_on:
        raise ValidationError(
            {
                "published_on": _("A statement is published on or after its adoption (%(date)s).")
                % {"date": formats.date_format(adopted_on)}
            }
        )
    if published_on > group_today() + LONGEST_PUBLICATION_WAIT:
        raise ValidationError({"published_on": _("Give a publication date within a year.")})
    with acting_as(actor):
        save_versioned(
            current,
            expected_version=current.version,
            changes={"published_on": published_on, "public_url": public_url.strip()},
        )
    return current


# --- Acting principals ---------------------------------------------------------------------------


@transaction.atomic
def acting_principal_name(
    *, principal: Person, person: Person, starts_on: date, ends_on: date
) -> ActingPrincipal:
    """The principal names an active person of their own organisation to answer rounds as its
    principal from `starts_on` to `ends_on` (the group's dates, both included)."""
    require(permissions.can_name_acting_principal(principal))
    organisation_id = principal.organisation_id
    if organisation_id is None:  # can_name_acting_principal refused it already
        raise PermissionDenied
    if person.pk == principal.pk:
        raise ValidationError({"person": _("You are the principal: name someone else.")})
    if not person.is_active or person.organisation_id != organisation_id:
        raise ValidationError(
            {"person": _("An acting principal is an active person of your organisation.")}
        )
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The period ends before it starts.")})
    if starts_on < group_today():
        raise ValidationError({"starts_on": _("The period starts today or later.")})
    if ends_on - starts_on >= LONGEST_ACTING_PERIOD:
        raise ValidationError({"ends_on": _("Name an acting principal for a year at most.")})
    # Locked so that two periods named at once for the same person cannot both pass the
    # overlap check below.
    Organisation.objects.select_for_update().only("pk").get(pk=organisation_id)
    if ActingPrincipal.objects.filter(
        organisation_id=organisation_id,
        person=person,
        starts_on__lte=ends_on,
        ends_on__gte=starts_on,
    ).exists():
        raise ValidationError(
            {
                "starts_on": _("%(person)s is acting principal on some of these days already.")
                % {"person": person}
            }
        )
    acting = ActingPrincipal(
        organisation_id=organisation_id,
        person=person,
        principal=principal,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    acting.full_clean()
    with acting_as(principal):
        acting.save()
    return acting


@transaction.atomic
def acting_principal_end(*, acting: ActingPrincipal, actor: Person) -> ActingPrincipal | None:
    """End an acting principal's period now: from today they no longer answer as principal.
    A period that has not begun is removed (returns None); the audit history keeps it."""
    require(
        permissions.can_name_acting_principal(actor)
        and actor.organisation_id == acting.organisation_id
    )
    current = ActingPrincipal.objects.select_for_update().filter(pk=acting.pk).first()
    if current is None:
        raise ValidationError(_("This period was removed already."))
    today = group_today()
    if current.ends_on < today:
        raise ValidationError(_("This period has ended already."))
    with acting_as(actor):
        if current.starts_on >= today:
            current.delete()
            return None
        current.ends_on = today - timedelta(days=1)
        current.save(update_fields=["ends_on"])
    return current
