"""Announcements and calls for inputs: the secretariat or a chair writes to chosen organisations
and roles through the delivery log; a call has a deadline and each organisation answers it once
on the site (editable until the deadline), and the sender sees who answered, reminds the others
and exports every answer.

Its services and selectors live here; who may send, follow, see and answer is asked in
coordination.permissions, like every other rule of the app."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import exports, reminders
from common.audit import acting_as
from common.models import Reminder
from common.permissions import require
from coordination import notify, permissions
from coordination.models import Announcement, Input, Organisation, Person
from notifications import contract

if TYPE_CHECKING:
    pass

# The roles an announcement may reach, and those it reaches unless the sender chooses.
ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL)
DEFAULT_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)
ANSWERING_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)


# --- Services ------------------------------------------------------------------------------------


def _check(
    *,
    kind: str,
    deadline: datetime | None,
    organisations: Sequence[Organisation],
    roles: Sequence[str],
    now: datetime,
) -> None:
    errors: dict[str, str] = {}
    if kind not in Announcement.Kind.values:
        errors["kind"] = _("Choose an announcement or a call for inputs.")
    elif kind == Announcement.Kind.CALL_FOR_INPUTS and deadline is None:
        errors["deadline"] = _("A call for inputs needs a deadline.")
    elif kind == Announcement.Kind.CALL_FOR_INPUTS and deadline is not None and deadline <= now:
        errors["deadline"] = _("The deadline must be in the future.")
    if not organisations:
        errors["organisations"] = _("Choose at least one organisation.")
    if not roles or not set(roles) <= set(ROLES):
        errors["roles"] = _("Choose whom of each organisation to write to.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def announcement_send(
    *,
    actor: Person,
    title: str,
    body: str,
    kind: str,
    deadline: datetime | None,
    organisations: Sequence[Organisation],
    roles: Sequence[str],
) -> Announcement:
    """Record the announcement and, in the same transaction, the event that emails the chosen
    people of the chosen organisations (coordination.notify.announcement_sent)."""
    require(permissions.can_send_announcements(actor))
    _check(
        kind=kind, deadline=deadline, organisations=organisations, roles=roles, now=timezone.now()
    )
    with acting_as(actor):
        announcement = Announcement.objects.create(
            title=title,
            body=body,
            kind=kind,
            deadline=deadline if kind == Announcement.Kind.CALL_FOR_INPUTS else None,
            roles=[role for role in ROLES if role in set(roles)],
            created_by=actor,
        )
        announcement.organisations.set(organisations)
    contract.record(notify.announcement_sent, announcement_id=announcement.pk)
    return announcement


@transaction.atomic
def input_save(
    *, announcement: Announcement, organisation: Organisation, actor: Person, text: str
) -> Input:
    """The organisation's answer to the call, written or replaced until the deadline."""
    require(permissions.can_answer(actor, announcement, organisation))
    if not announcement.is_open:
        raise ValidationError(_("The deadline has passed: answers are closed."))
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    with acting_as(actor):
        # The row lock makes two answers at once of one organisation one after the other.
        answer = (
            Input.objects.select_for_update()
            .filter(announcement=announcement, organisation=organisation)
            .first()
        )
        if answer is None:
            return Input.objects.create(
                announcement=announcement,
                organisation=organisation,
                text=text,
                answered_by=actor,
            )
        answer.text = text
        answer.answered_by = actor
        answer.answered_at = timezone.now()
        answer.save(update_fields=["text", "answered_by", "answered_at"])
    return answer


@transaction.atomic
def inputs_remind(*, announcement: Announcement, actor: Person) -> Reminder:
    """Remind the organisations that have not answered the call, once a day at most: the people
    it was sent to get a service message (an answer is asked)."""
    require(permissions.can_follow(actor, announcement))
    if not announcement.is_open:
        raise ValidationError(_("Only a call for inputs before its deadline has reminders."))
    silent = [row.organisation.acronym for row in board(announcement).rows if row.answer is None]
    reminder = reminders.remind(
        subject=reminders.reminder_subject(announcement), actor=actor, to=silent
    )
    # The moment of the claim names this reminder: a retried event sends nothing twice.
    contract.record(
        notify.inputs_reminded,
        announcement_id=announcement.pk,
        reminder=reminder.last_sent_at.isoformat(),
    )
    return reminder


# --- Selectors -----------------------------------------------------------------------------------


def visible(user: Person) -> QuerySet[Announcement]:
    """The announcements this person may read, newest first, with who sent them."""
    announcements = Announcement.objects.select_related("created_by").order_by("-sent_at", "-pk")
    if permissions.can_send_announcements(user):
        return announcements
    if user.organisation_id is None:
        return announcements.none()
    return announcements.filter(organisations=user.organisation_id).distinct()


@dataclass(frozen=True)
class BoardRow:
    organisation: Organisation
    answer: Input | None


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]

    @property
    def answered(self) -> int:
        return sum(row.answer is not None for row in self.rows)


def board(announcement: Announcement) -> Board:
    """Every asked organisation with its answer or none, by acronym. Two queries, however many
    organisations."""
    answers = {
        answer.organisation_id: answer
        for answer in Input.objects.filter(announcement=announcement).select_related("answered_by")
    }
    return Board(
        rows=[
            BoardRow(organisation=organisation, answer=answers.get(organisation.pk))
            for organisation in announcement.organisations.order_by("acronym")
        ]
    )


def awaiting(person: Person, now: datetime | None = None) -> list[Announcement]:
    """The open calls for inputs that this focal point's organisation has not answered."""
    if not (person.is_focal_point and person.organisation_id is not None):
        return []
    now = now or timezone.now()
    answered = Input.objects.filter(
        announcement=OuterRef("pk"), organisation_id=person.organisation_id
    )
    return list(
        Announcement.objects.filter(
            kind=Announcement.Kind.CALL_FOR_INPUTS,
            deadline__gt=now,
            organisations=person.organisation_id,
        )
        .exclude(Exists(answered))
        .order_by("deadline", "pk")
    )


def answers_dataset(announcement: Announcement) -> tablib.Dataset:
    """Every asked organisation's answer, one row each ("no answer yet" when none)."""
    headers = [
        gettext_lazy("Organisation"),
        gettext_lazy("Acronym"),
        gettext_lazy("Answer"),
        gettext_lazy("Answered by"),
        gettext_lazy("Answered at (UTC)"),
    ]
    rows = []
    for row in board(announcement).rows:
        answer = row.answer
        rows.append(
            [
                row.organisation.name,
                row.organisation.acronym,
                answer.text if answer else _("No answer yet"),
                str(answer.answered_by or "") if answer else "",
                answer.answered_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") if answer else "",
            ]
        )
    return exports.dataset(headers, rows, title=str(announcement.title))
