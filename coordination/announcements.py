"""Announcements and calls for inputs: the secretariat or a chair writes to chosen organisations
and roles through the delivery log; a call has a deadline and each organisation answers it once
on the site, in text and files (editable until the deadline), and the sender sees who answered,
reminds the others and exports every answer.

Its services and selectors live here; who may send, follow, see, answer and read an answer is
asked in coordination.permissions, like every other rule of the app."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common import exports, reminders, uploads
from common.audit import acting_as
from common.models import Reminder
from common.permissions import require
from coordination import notify, permissions
from coordination.models import Announcement, Input, InputFile, Organisation, Person
from notifications import contract

# The roles an announcement may reach, and those it reaches unless the sender chooses.
ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL)
DEFAULT_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)
ANSWERING_ROLES = (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE)
# The files one organisation's answer may carry: enough for annexes, not a file share.
MAX_FILES_PER_INPUT = 20
# The field of the answer's forms that a refused file's reason is said on.
FILES_FIELD = "attachments"


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


def _closed() -> ValidationError:
    return ValidationError(_("The deadline has passed: answers are closed."))


def _checked(files: Sequence[UploadedFile[bytes]]) -> list[tuple[UploadedFile[bytes], str]]:
    """Each file with its type, or the reason the first refused one is refused: every file is
    checked before any is stored."""
    return [(upload, uploads.check_upload(upload, field=FILES_FIELD)) for upload in files]


@contextmanager
def _files_only_with_their_rows() -> Iterator[list[FieldFile]]:
    """The list that the files written in the block are added to: if the block fails (a row not
    written, the transaction not committed), they are deleted before the error goes on, so that
    no file stays on disk without its row. Entered outside the block's transaction, so that a
    failed commit is seen too."""
    written: list[FieldFile] = []
    try:
        yield written
    except BaseException:
        for stored_file in written:
            stored_file.storage.delete(stored_file.name or "")
        raise


def _attach(
    answer: Input,
    checked: Sequence[tuple[UploadedFile[bytes], str]],
    actor: Person,
    written: list[FieldFile],
) -> list[InputFile]:
    """Store the checked files on the answer (its row locked by the caller), each written only
    now that every check has passed, and noted in `written` before its row is."""
    if not checked:
        return []
    if answer.files.count() + len(checked) > MAX_FILES_PER_INPUT:
        raise ValidationError(
            {
                FILES_FIELD: ngettext(
                    "An answer carries at most %(max)s file.",
                    "An answer carries at most %(max)s files.",
                    MAX_FILES_PER_INPUT,
                )
                % {"max": MAX_FILES_PER_INPUT}
            }
        )
    stored: list[InputFile] = []
    for upload, content_type in checked:
        name = uploads.original_name(upload)
        record = InputFile(
            input=answer,
            name=name,
            size=upload.size or 0,
            content_type=content_type,
            uploaded_by=actor,
        )
        record.file.save(name, upload, save=False)
        written.append(record.file)
        record.save()
        stored.append(record)
    return stored


def input_save(
    *,
    announcement: Announcement,
    organisation: Organisation,
    actor: Person,
    text: str,
    files: Sequence[UploadedFile[bytes]] = (),
) -> Input:
    """The organisation's answer to the call, written or replaced until the deadline, with the
    files given added to those it carries."""
    require(permissions.can_answer(actor, announcement, organisation))
    if not announcement.is_open:
        raise _closed()
    if not text.strip():
        raise ValidationError({"text": _("Write the answer.")})
    checked = _checked(files)
    with _files_only_with_their_rows() as written, transaction.atomic(), acting_as(actor):
        # The row lock makes two answers at once of one organisation one after the other.
        answer = (
            Input.objects.select_for_update()
            .filter(announcement=announcement, organisation=organisation)
            .first()
        )
        if answer is None:
            answer = Input.objects.create(
                announcement=announcement,
                organisation=organisation,
                text=text,
                answered_by=actor,
            )
        else:
            answer.text = text
            answer.answered_by = actor
            answer.answered_at = timezone.now()
            answer.save(update_fields=["text", "answered_by", "answered_at"])
        _attach(answer, checked, actor, written)
    return answer


def input_files_add(
    *,
    announcement: Announcement,
    organisation: Organisation,
    actor: Person,
    files: Sequence[UploadedFile[bytes]],
) -> list[InputFile]:
    """Files added to the organisation's answer after it was written, until the deadline; whoever
    may answer for the organisation may add them."""
    require(permissions.can_answer(actor, announcement, organisation))
    if not announcement.is_open:
        raise _closed()
    if not files:
        raise ValidationError({FILES_FIELD: _("Choose a file to attach.")})
    checked = _checked(files)
    with _files_only_with_their_rows() as written, transaction.atomic(), acting_as(actor):
        # Locked as input_save locks it: the count of files cannot pass the limit by two at once.
        answer = (
            Input.objects.select_for_update()
            .filter(announcement=announcement, organisation=organisation)
            .first()
        )
        if answer is None:
            raise ValidationError(
                _("Write your organisation's answer first; files are added to an answer.")
            )
        return _attach(answer, checked, actor, written)


@transaction.atomic
def input_file_remove(*, input_file: InputFile, actor: Person) -> None:
    """A file taken off the organisation's answer, until the deadline, by whoever may answer for
    the organisation."""
    answer = input_file.input
    require(permissions.can_answer(actor, answer.announcement, answer.organisation))
    if not answer.announcement.is_open:
        raise _closed()
    with acting_as(actor):
        stored = input_file.file.name or ""
        input_file.delete()
    # The file goes once the row's removal is committed; a rollback keeps both.
    if stored:
        storage = input_file.file.storage
        transaction.on_commit(lambda: storage.delete(stored))


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
    files: list[InputFile] = field(default_factory=list)


@dataclass(frozen=True)
class Board:
    rows: list[BoardRow]

    @property
    def answered(self) -> int:
        return sum(row.answer is not None for row in self.rows)


def input_files(announcement: Announcement) -> dict[int, list[InputFile]]:
    """The files of every answer to the call, by organisation id, in the order they came. One
    query, even when nobody answered (so that a page's count of queries does not vary)."""
    by_organisation: dict[int, list[InputFile]] = {}
    for record in InputFile.objects.filter(input__announcement=announcement).select_related(
        "input"
    ):
        by_organisation.setdefault(record.input.organisation_id, []).append(record)
    return by_organisation


def board(announcement: Announcement) -> Board:
    """Every asked organisation with its answer (and the answer's files) or none, by acronym.
    Three queries, however many organisations and files."""
    answers = {
        answer.organisation_id: answer
        for answer in Input.objects.filter(announcement=announcement).select_related("answered_by")
    }
    files = input_files(announcement)
    return Board(
        rows=[
            BoardRow(
                organisation=organisation,
                answer=answers.get(organisation.pk),
                files=files.get(organisation.pk, []),
            )
            for organisation in announcement.organisations.order_by("acronym")
        ]
    )


def download_url(input_file: InputFile) -> str:
    """The file's address as an email or an export carries it: the site's, whole."""
    return settings.SITE_URL + reverse("coordination:announcement_file", args=[input_file.pk])


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
    """Every asked organisation's answer, one row each ("no answer yet" when none), with its
    files' names and download addresses."""
    headers = [
        gettext_lazy("Organisation"),
        gettext_lazy("Acronym"),
        gettext_lazy("Answer"),
        gettext_lazy("Answered by"),
        # Excel has no time zones: the times are the reader's, and the header says so.
        _("Answered at (%(zone)s)") % {"zone": timezone.get_current_timezone_name()},
        gettext_lazy("Files"),
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
                answer.answered_at if answer else None,
                # One line a file: its name, then where those who may read it download it.
                "\n".join(f"{record.name} {download_url(record)}" for record in row.files),
            ]
        )
    return exports.dataset(headers, rows, title=str(announcement.title))
