"""Who may do what with statements. Views and services both ask these questions.

The predicates answer for the person's role; what the statement's stage allows (a comment after
the deadline, an edit of adopted text) is the services' to refuse, with a message saying why.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from coordination.models import Person
from coordination.permissions import is_chair, is_secretariat
from statements.models import ActingPrincipal

if TYPE_CHECKING:
    from coordination.models import Organisation
    from coordination.permissions import AnyUser
    from statements.models import Statement


def can_create_statement(user: AnyUser) -> bool:
    """Start a statement: the secretariat, or a focal point (the organisation becomes a lead)."""
    return is_secretariat(user) or bool(user.is_authenticated and user.is_focal_point)


def is_drafter(user: AnyUser, statement: Statement) -> bool:
    """One of the statement's named drafters, still active (uses the prefetch when there is
    one)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.pk in {person.pk for person in statement.drafters.all()}
    )


def can_draft(user: AnyUser, statement: Statement) -> bool:
    """Edit the text and answer the comments: the drafters and the secretariat."""
    return is_secretariat(user) or is_drafter(user, statement)


def can_read_statement(user: AnyUser, statement: Statement) -> bool:
    """Members' people read every statement, drafts included; observers read only what is
    published."""
    if not user.is_authenticated:
        return False
    if user.role == Person.Role.OBSERVER:
        return statement.stage == statement.Stage.PUBLISHED
    return True


def speaks_for_member(user: AnyUser) -> bool:
    """A focal point (or alternate) or the principal of a current member organisation: the people
    who comment, propose changes or declare "no comments" for it."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and (user.is_focal_point or user.role == Person.Role.PRINCIPAL)
        and user.organisation is not None
        and user.organisation.is_current_member
    )


def may_comment(user: AnyUser, statement: Statement) -> bool:
    """The role half of commenting (services also check the comment period is running)."""
    return speaks_for_member(user) and can_read_statement(user, statement)


def can_comment(user: AnyUser, statement: Statement) -> bool:
    """Whether to offer the comment form now: the role, and a comment period still running."""
    return may_comment(user, statement) and statement.stage == statement.Stage.OPEN_FOR_COMMENTS


# --- Endorsement rounds --------------------------------------------------------------------------


def can_run_rounds(user: AnyUser, statement: Statement) -> bool:
    """Open, extend, close a round or turn it explicit: the drafters, the current chairs and the
    secretariat."""
    return can_draft(user, statement) or is_chair(user)


def is_principal_for(user: AnyUser, organisation: Organisation, on: date) -> bool:
    """The organisation's principal, or the acting principal it named for a period covering
    `on` (the group's date)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.role == Person.Role.PRINCIPAL and user.organisation_id == organisation.pk:
        return True
    return ActingPrincipal.objects.filter(
        organisation=organisation, person_id=user.pk, starts_on__lte=on, ends_on__gte=on
    ).exists()


def records_for_principal(user: AnyUser, organisation: Organisation) -> bool:
    """Records an answer on the principal's behalf: a focal point (or alternate) of that same
    organisation, or the secretariat."""
    return is_secretariat(user) or bool(
        user.is_authenticated and user.is_focal_point and user.organisation_id == organisation.pk
    )


def can_answer_round(user: AnyUser, organisation: Organisation, on: date) -> bool:
    """Answer for `organisation` in a round: its principal or acting principal, or on their
    behalf its focal point or the secretariat. Nobody answers for another organisation."""
    return is_principal_for(user, organisation, on) or records_for_principal(user, organisation)


# --- The final text ------------------------------------------------------------------------------


def has_final_text(statement: Statement) -> bool:
    """An adopted text that still stands: adopted or published, not withdrawn."""
    return statement.adopted_version_id is not None and statement.stage in {
        statement.Stage.ADOPTED,
        statement.Stage.PUBLISHED,
    }


def is_public(statement: Statement) -> bool:
    """Anyone, logged in or not, reads the final text and downloads it: once it is published
    (by today, the group's date) and until it is withdrawn."""
    return statement.adopted_version_id is not None and statement.stage == statement.Stage.PUBLISHED


def can_download_final(user: AnyUser, statement: Statement) -> bool:
    """Members' people download the adopted text before it is published; observers only once it
    is (can_read_statement)."""
    return has_final_text(statement) and can_read_statement(user, statement)


def can_edit_language_version(user: AnyUser, statement: Statement) -> bool:
    """Keep the French or Spanish version of the adopted text: the drafters and the secretariat
    (the service also checks that the statement is adopted)."""
    return can_draft(user, statement)


# --- The rounds' boards and acting principals ----------------------------------------------------


def can_see_rounds(user: AnyUser, statement: Statement) -> bool:
    """Read a round's board (answers, reservations, who answered): the members' people and the
    secretariat. Observers read only the published text."""
    return (
        user.is_authenticated
        and user.role != Person.Role.OBSERVER
        and can_read_statement(user, statement)
    )


def can_name_acting_principal(user: AnyUser) -> bool:
    """Name (and end) the acting principals of an organisation: its principal."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role == Person.Role.PRINCIPAL
        and user.organisation_id is not None
    )
