"""Every change to statements goes through these functions: permission, validation, the
concurrency check, the audit row (auditlog, same transaction).

Two checks keep concurrent work from being lost. The text: a save names the version its editor
started from, and the next version number is unique per statement, so of two editors who started
from the same version only one makes the next; the other gets a ConflictError carrying the
current version, and nothing of theirs is written (the form still holds their text). The answers
to comments: the comment is locked and its status re-read before it is answered, so two drafters
cannot both answer (nor both apply) the same change proposal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.audit import acting_as
from common.permissions import require
from common.versioning import ConflictError
from coordination.models import Organisation, Person
from notifications import contract
from statements import markup, notify, permissions, rounds
from statements.models import (
    Comment,
    NoComments,
    Paragraph,
    Statement,
    Version,
    new_paragraph_key,
)
from statements.selectors import latest_version

# One paragraph as an editor sends it: (key, kind, text). The key is that of the paragraph in the
# version the editor started from, or None for a new paragraph.
ParagraphInput = tuple[str | None, str, str]
# A paragraph ready to store: every key known.
_Cleaned = tuple[str, str, str]


def _clean_markup(text: str) -> str:
    """Paragraph text as stored: the light markup of statements.markup (emphasis, strong
    emphasis, links) and nothing else, on one line, so that a diff shows changed words, not
    changed whitespace. A "<" that opens no allowed tag stays text instead of being taken for
    an unknown tag and dropped with what follows it: nothing typed is lost. Text with no word
    in it ("<em></em>") is empty."""
    cleaned = markup.clean(text)
    return cleaned if markup.plain(cleaned).strip() else ""


def _words(text: str) -> str:
    """The words of a text, on one line (what a quoted passage is compared with)."""
    return " ".join(text.split())


def _require_open_text(statement: Statement) -> None:
    if not statement.text_is_open:
        raise ValidationError(
            _("This statement is %(stage)s: its text no longer changes.")
            % {"stage": statement.Stage(statement.stage).label.lower()}
        )


def _organisation_of(actor: Person) -> Organisation:
    """The organisation someone speaks for (permissions.speaks_for_member made sure they have
    one; a person without one is refused, not an error)."""
    if actor.organisation is None:
        raise PermissionDenied
    return actor.organisation


# --- Statements ----------------------------------------------------------------------------------


def _check_drafters(drafters: Sequence[Person], lead_ids: set[int]) -> None:
    for person in drafters:
        if not person.is_active or not (
            person.is_secretariat or person.organisation_id in lead_ids
        ):
            raise ValidationError(
                {
                    "drafters": _(
                        "%(person)s cannot draft this statement: drafters are active people of "
                        "the lead organisations, or of the secretariat."
                    )
                    % {"person": person}
                }
            )


@transaction.atomic
def statement_create(
    *,
    actor: Person,
    title: str,
    lead_organisations: Sequence[Organisation],
    kind: str = Statement.Kind.JOINT_STATEMENT,
    drafters: Sequence[Person] = (),
    target_date: date | None = None,
    comment_deadline: datetime | None = None,
    paragraphs: Sequence[ParagraphInput] = (),
    note: str = "",
) -> Statement:
    """Start a statement, with its first version when `paragraphs` are given.

    A focal point starts statements their own organisation leads, and drafts them: they are added
    to the drafters. The secretariat may start any and drafts every one without being named."""
    require(permissions.can_create_statement(actor))
    lead_ids = {organisation.pk for organisation in lead_organisations}
    if not lead_ids:
        raise ValidationError({"lead_organisations": _("Name at least one lead organisation.")})
    team = list(drafters)
    if not actor.is_secretariat:
        if actor.organisation_id not in lead_ids:
            raise ValidationError(
                {"lead_organisations": _("Your organisation must be among the lead organisations.")}
            )
        if actor.pk not in {person.pk for person in team}:
            team.append(actor)
    _check_drafters(team, lead_ids)
    if comment_deadline is not None and comment_deadline <= timezone.now():
        raise ValidationError(
            {"comment_deadline": _("The comment deadline must be in the future.")}
        )
    statement = Statement(
        kind=kind,
        title=title.strip(),
        target_date=target_date,
        comment_deadline=comment_deadline,
        created_by=actor,
    )
    statement.full_clean()
    with acting_as(actor):
        statement.save()
        statement.lead_organisations.set(lead_ids)
        statement.drafters.set(team)
        if paragraphs:
            _create_version(
                statement=statement,
                actor=actor,
                number=1,
                paragraphs=_clean_paragraphs(paragraphs, known_keys=set()),
                note=note,
            )
    if comment_deadline is not None:
        # Starting with a comment deadline opens the comment period: the members are asked now,
        # as when a drafter opens it later (lifecycle.comment_period_open).
        contract.record(
            notify.comment_period_opened,
            statement_id=statement.pk,
            deadline=comment_deadline.isoformat(),
        )
    return statement


# --- The text ------------------------------------------------------------------------------------


def _clean_paragraphs(
    paragraphs: Sequence[ParagraphInput], *, known_keys: set[str]
) -> list[_Cleaned]:
    """Check what the editor sent and give every new paragraph its key.

    A key must be one of the version the editor started from (`known_keys`), and appear once: a
    key that appeared twice would leave the comments on that paragraph two places to follow."""
    if not paragraphs:
        raise ValidationError(_("A version needs at least one paragraph."))
    errors: list[ValidationError] = []
    cleaned: list[_Cleaned] = []
    seen: set[str] = set()
    for position, (key, kind, text) in enumerate(paragraphs, start=1):
        stored = _clean_markup(text)
        if kind not in Paragraph.Kind.values:
            errors.append(
                ValidationError(
                    _("Paragraph %(position)s: “%(kind)s” is not a kind of paragraph.")
                    % {"position": position, "kind": kind}
                )
            )
        if not stored:
            errors.append(
                ValidationError(
                    _("Paragraph %(position)s is empty: remove it or give it text.")
                    % {"position": position}
                )
            )
        if key is None:
            key = new_paragraph_key()
            while (
                key in known_keys or key in seen
            ):  # 48 random bits: a repeat is rare, not impossible
                key = new_paragraph_key()
        elif key in seen:
            errors.append(
                ValidationError(
                    _("Paragraph %(position)s repeats the key of an earlier paragraph.")
                    % {"position": position}
                )
            )
        elif key not in known_keys:
            errors.append(
                ValidationError(
                    _("Paragraph %(position)s names a paragraph the version has not got.")
                    % {"position": position}
                )
            )
        seen.add(key)
        cleaned.append((key, kind, stored))
    if errors:
        raise ValidationError(errors)
    return cleaned


def _create_version(
    *, statement: Statement, actor: Person, number: int, paragraphs: list[_Cleaned], note: str
) -> Version:
    """Write version `number`. The unique (statement, number) is the concurrency check: when
    someone else made that number first, raise ConflictError with theirs and write nothing."""
    version = Version(statement=statement, number=number, created_by=actor, note=note.strip())
    # The unique number is checked by the INSERT below, where a concurrent save cannot slip
    # between the check and the write.
    version.full_clean(validate_unique=False, validate_constraints=False)
    try:
        # A savepoint: the failed INSERT must not spoil the caller's transaction.
        with transaction.atomic():
            version.save()
    except IntegrityError:
        current = latest_version(statement)
        if current is None:  # pragma: no cover - an IntegrityError means some version exists
            raise
        raise ConflictError(current) from None
    # Paragraphs are written once, with their version, and never change: the version's own audit
    # row stands for them (bulk_create writes no row per paragraph).
    Paragraph.objects.bulk_create(
        Paragraph(version=version, key=key, position=position, kind=kind, text=text)
        for position, (key, kind, text) in enumerate(paragraphs, start=1)
    )
    # Here rather than in version_save, so that an accepted change proposal voids it too.
    rounds.rounds_void_open(statement=statement, version=version)
    return version


@transaction.atomic
def version_save(
    *,
    statement: Statement,
    actor: Person,
    based_on: int,
    paragraphs: Sequence[ParagraphInput],
    note: str = "",
) -> Version:
    """Save the editor's text as the next version.

    `based_on` is the number of the version the editor started from (0 for the first text).
    If a newer version exists, raise ConflictError carrying it: nothing is written, and the
    editor merges by hand rather than overwriting someone else's work.

    Each entry of `paragraphs` is (key, kind, text), in order:

    - an edited or moved paragraph keeps the key it had in `based_on`, and with it its comments;
    - a new paragraph has key None and is given a new key;
    - a paragraph left out is removed (its comments stay, marked as outdated);
    - a split is two entries: the first part with the paragraph's key (the comments follow it),
      the second part with None;
    - a merge keeps the key of one of the paragraphs merged; the other is left out.

    A key that is not in `based_on`, or is given twice, is refused (ValidationError), as is a
    text that changes nothing.
    """
    require(permissions.can_draft(actor, statement))
    _require_open_text(statement)
    latest = latest_version(statement)
    latest_number = latest.number if latest is not None else 0
    if based_on < 0 or based_on > latest_number:
        raise ValidationError(_("This statement has no version %(number)s.") % {"number": based_on})
    if latest is not None and based_on < latest_number:
        raise ConflictError(latest)
    previous = list(latest.paragraphs.all()) if latest is not None else []
    cleaned = _clean_paragraphs(paragraphs, known_keys={p.key for p in previous})
    if cleaned == [(p.key, p.kind, p.text) for p in previous]:
        raise ValidationError(_("The text is unchanged: no new version was saved."))
    with acting_as(actor):
        return _create_version(
            statement=statement,
            actor=actor,
            number=latest_number + 1,
            paragraphs=cleaned,
            note=note,
        )


# --- Comments and change proposals ---------------------------------------------------------------


def _open_for_comments(statement: Statement, version: Version, actor: Person) -> Organisation:
    """The checks every comment, proposal and "no comments" shares; returns the organisation
    the actor speaks for.

    Comments are on the latest version: a comment on a version that was replaced while its
    author wrote is refused with the current version (ConflictError), so they can see whether
    it still applies."""
    require(permissions.may_comment(actor, statement))
    organisation = _organisation_of(actor)
    if version.statement_id != statement.pk:
        raise ValidationError(_("This version belongs to another statement."))
    if statement.stage != Statement.Stage.OPEN_FOR_COMMENTS:
        if statement.stage == Statement.Stage.IN_ENDORSEMENT:
            raise ValidationError(
                _("The principals are asked to endorse this text: comments are closed.")
            )
        if statement.comment_deadline is not None and statement.text_is_open:
            raise ValidationError(_("The comment period of this statement has ended."))
        raise ValidationError(_("This statement is not open for comments."))
    latest = latest_version(statement)
    if latest is None:
        raise ValidationError(_("This statement has no text to comment on yet."))
    if latest.pk != version.pk:
        raise ConflictError(latest)
    return organisation


def _paragraph_text(version: Version, key: str) -> str:
    text = version.paragraphs.filter(key=key).values_list("text", flat=True).first()
    if text is None:
        raise ValidationError({"paragraph_key": _("This paragraph is not in the version.")})
    return text


def _comment_create(
    *,
    statement: Statement,
    version: Version,
    actor: Person,
    kind: str,
    paragraph_key: str,
    text: str,
    quoted_passage: str,
    proposed_text: str,
) -> Comment:
    organisation = _open_for_comments(statement, version, actor)
    paragraph_text = _paragraph_text(version, paragraph_key)
    if kind == Comment.Kind.COMMENT and not text.strip():
        raise ValidationError({"text": _("Write the comment.")})
    if kind == Comment.Kind.CHANGE_PROPOSAL:
        if not proposed_text:
            raise ValidationError({"proposed_text": _("Write the text you propose.")})
        if proposed_text == paragraph_text:
            raise ValidationError(
                {"proposed_text": _("The proposed text is the paragraph's text as it stands.")}
            )
    # A quote is plain text, compared with the paragraph's words: its markup is no part of it.
    quoted = _words(quoted_passage)
    if quoted and quoted not in _words(markup.plain(paragraph_text)):
        raise ValidationError(
            {"quoted_passage": _("The quoted passage is not in the paragraph's text.")}
        )
    comment = Comment(
        statement=statement,
        version=version,
        paragraph_key=paragraph_key,
        quoted_passage=quoted,
        kind=kind,
        text=text.strip(),
        proposed_text=proposed_text,
        author=actor,
        organisation=organisation,
    )
    comment.full_clean()
    with acting_as(actor):
        # Commenting takes back the organisation's "no comments" on this version: its latest
        # word stands, and the audit history keeps the earlier one.
        for declaration in NoComments.objects.filter(version=version, organisation=organisation):
            declaration.delete()
        comment.save()
    return comment


@transaction.atomic
def comment_add(
    *,
    statement: Statement,
    version: Version,
    actor: Person,
    paragraph_key: str,
    text: str,
    quoted_passage: str = "",
) -> Comment:
    """Comment on a paragraph of the version open for comments, until the comment deadline."""
    return _comment_create(
        statement=statement,
        version=version,
        actor=actor,
        kind=Comment.Kind.COMMENT,
        paragraph_key=paragraph_key,
        text=text,
        quoted_passage=quoted_passage,
        proposed_text="",
    )


@transaction.atomic
def change_proposal_add(
    *,
    statement: Statement,
    version: Version,
    actor: Person,
    paragraph_key: str,
    proposed_text: str,
    text: str = "",
    quoted_passage: str = "",
) -> Comment:
    """Propose a new text for one paragraph (with an optional explanation in `text`). Accepted
    as it is, it becomes the paragraph's text in the next version (comment_answer)."""
    return _comment_create(
        statement=statement,
        version=version,
        actor=actor,
        kind=Comment.Kind.CHANGE_PROPOSAL,
        paragraph_key=paragraph_key,
        text=text,
        quoted_passage=quoted_passage,
        proposed_text=_clean_markup(proposed_text),
    )


@transaction.atomic
def no_comments_declare(*, statement: Statement, version: Version, actor: Person) -> NoComments:
    """Say, for the actor's organisation, that it has no comments on this version.

    Declaring twice returns the first declaration (a form sent twice changes nothing). An
    organisation that has commented on the version cannot also have no comments on it."""
    organisation = _open_for_comments(statement, version, actor)
    existing = NoComments.objects.filter(version=version, organisation=organisation).first()
    if existing is not None:
        return existing
    if Comment.objects.filter(version=version, organisation=organisation).exists():
        raise ValidationError(_("Your organisation has already commented on this version."))
    declaration = NoComments(
        statement=statement, version=version, organisation=organisation, declared_by=actor
    )
    declaration.full_clean(validate_constraints=False)
    with acting_as(actor):
        declaration.save()
    return declaration


# --- Answers -------------------------------------------------------------------------------------


def _apply_proposal(comment: Comment, actor: Person) -> Version:
    """The next version: the latest, with the proposal's paragraph replaced (keys kept).

    Refused when the paragraph is gone or was edited since the proposal was made: applying it
    would silently undo that edit. The drafters then edit the text themselves and answer
    "accepted with changes"."""
    statement = comment.statement
    latest = latest_version(statement)
    paragraphs = list(latest.paragraphs.all()) if latest is not None else []
    target = next((p for p in paragraphs if p.key == comment.paragraph_key), None)
    if latest is None or target is None:
        raise ValidationError(
            _(
                "The paragraph this proposal changes has been removed since. Edit the text "
                "yourself and answer “accepted with changes”."
            )
        )
    if target.text != _paragraph_text(comment.version, comment.paragraph_key):
        raise ValidationError(
            _(
                "The paragraph has been edited since this proposal was made. Edit the text "
                "yourself and answer “accepted with changes”."
            )
        )
    replaced = [
        (p.key, p.kind, comment.proposed_text if p.key == target.key else p.text)
        for p in paragraphs
    ]
    return _create_version(
        statement=statement,
        actor=actor,
        number=latest.number + 1,
        paragraphs=replaced,
        note=_("Change proposal of %(organisation)s accepted.")
        % {"organisation": comment.organisation},
    )


@transaction.atomic
def comment_answer(*, comment: Comment, actor: Person, status: str, reply: str = "") -> Comment:
    """Answer a comment or change proposal, once.

    Accepting a change proposal as it is makes the next version with the proposed text. A reply
    is required when the answer is not a plain yes: the member is owed the reason."""
    statement = comment.statement
    require(permissions.can_draft(actor, statement))
    if status not in Comment.Status.values or status == Comment.Status.OPEN:
        raise ValidationError({"status": _("Choose an answer.")})
    reply = reply.strip()
    if status != Comment.Status.ACCEPTED and not reply:
        raise ValidationError(
            {"reply": _("Say what was changed, or why the comment was not taken.")}
        )
    # Locked (PostgreSQL) and re-read: another drafter may have answered it meanwhile.
    current = Comment.objects.select_for_update().get(pk=comment.pk)
    if current.status != Comment.Status.OPEN:
        raise ConflictError(current)
    with acting_as(actor):
        if current.kind == Comment.Kind.CHANGE_PROPOSAL and status == Comment.Status.ACCEPTED:
            _require_open_text(statement)
            current.applied_in = _apply_proposal(current, actor)
        current.status = status
        current.reply = reply
        current.answered_by = actor
        current.answered_at = timezone.now()
        current.save(update_fields=["status", "reply", "answered_by", "answered_at", "applied_in"])
    return current
