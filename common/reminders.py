"""The "remind those who have not answered" button: one pattern for every app (an endorsement
round, the RSVPs of a meeting).

A person presses a button; the app's service claims the reminder here, then records its event
(through notifications' contract) in the same transaction. The claim is what keeps reminders
rare and single: at most one per `every` (a day by default) for one subject, however many people
press at once and however many processes serve them.

The claim is the healthchecks pattern (STYLE.md): the first reminder of a subject is an INSERT
under the unique subject, every later one a conditional UPDATE of `last_sent_at`; only the
caller whose statement wrote the row sends. It runs in the caller's transaction, so a service
that fails after claiming leaves no claim behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from common.models import Reminder

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import Model

# How often a subject may be reminded of, unless its app says otherwise.
DAILY = timedelta(days=1)


def reminder_subject(obj: Model) -> str:
    """The subject naming `obj`: "<app_label>.<model>:<id>", e.g. "statements.endorsementround:12"."""
    return f"{obj._meta.label_lower}:{obj.pk}"


@transaction.atomic
def reminder_claim(
    *,
    subject: str,
    actor: AbstractBaseUser | None,
    now: datetime | None = None,
    every: timedelta = DAILY,
    to: Sequence[str] = (),
) -> Reminder | None:
    """Claim the right to send a reminder about `subject` now, for `actor`, to `to` (whom it
    goes to, as people read it: organisations' acronyms).

    Returns the claimed row (its `times` counts this sending too), or None when a reminder was
    sent less than `every` ago, by this caller or by another who got there first."""
    now = now or timezone.now()
    # By id: the kernel does not know the user model's class (settings.AUTH_USER_MODEL).
    actor_id = actor.pk if actor is not None else None
    try:
        # A savepoint: when the subject has a row already, the failed INSERT must not spoil the
        # caller's transaction. Two first reminders at once: the second INSERT waits for the
        # first's transaction, then meets the unique constraint and goes on to the UPDATE.
        with transaction.atomic():
            return Reminder.objects.create(
                subject=subject,
                last_sent_at=now,
                last_sent_by_id=actor_id,
                times=1,
                last_sent_to=list(to),
            )
    except IntegrityError:
        pass
    # The condition is re-checked by the database on the row it locks: of two processes updating
    # at once, the second sees the first's new `last_sent_at` and changes nothing.
    claimed = Reminder.objects.filter(Q(last_sent_at__lte=now - every), subject=subject).update(
        last_sent_at=now, last_sent_by=actor, times=F("times") + 1, last_sent_to=list(to)
    )
    if not claimed:
        return None
    return Reminder.objects.get(subject=subject)


def remind(*, subject: str, actor: AbstractBaseUser | None, to: Sequence[str]) -> Reminder:
    """The checks every "remind those who have not answered" shares, then the claim: nobody left
    to remind, or a reminder less than a day ago, is refused with a message (ValidationError),
    and nothing is claimed. The caller records its event once this returns."""
    if not to:
        raise ValidationError(_("Every organisation has answered: nobody is left to remind."))
    reminder = reminder_claim(subject=subject, actor=actor, to=to)
    if reminder is None:
        last = last_reminder(subject)
        raise ValidationError(
            _("A reminder went less than a day ago; the next can be sent from %(when)s.")
            % {
                "when": formats.date_format(
                    timezone.localtime(last.last_sent_at + DAILY), "DATETIME_FORMAT"
                )
                if last is not None
                else ""
            }
        )
    return reminder


def last_reminder(subject: str) -> Reminder | None:
    """The last reminder sent about `subject`, with who sent it (None if none was)."""
    return Reminder.objects.select_related("last_sent_by").filter(subject=subject).first()


@dataclass(frozen=True)
class ReminderState:
    """What the reminder button shows (common/_remind.html): when the last reminder went, by whom,
    and whether the next may go now or from when."""

    last: Reminder | None
    next_possible_at: datetime | None

    @property
    def possible_now(self) -> bool:
        return self.next_possible_at is None


def reminder_state(
    subject: str, *, now: datetime | None = None, every: timedelta = DAILY
) -> ReminderState:
    """The state of the reminders about `subject` at `now` (one query)."""
    now = now or timezone.now()
    last = last_reminder(subject)
    next_at = last.last_sent_at + every if last is not None else None
    return ReminderState(last=last, next_possible_at=next_at if next_at and next_at > now else None)
