"""Who may do what with the mapping resource. Views, services and exports all ask these questions.

Observers are the group's read-only guests: like an anonymous visitor, they read the published
profiles with their public fields only (PUBLIC_FIELDS), and no draft, submitted or returned
revision, no review comment and no member-only field (contacts). Members' people (focal points,
alternates, principals of current member organisations) and the secretariat read every published
field; the people of an organisation, and the secretariat, also read its revisions in progress.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.models import Person
from coordination.permissions import is_secretariat
from mapping.models import Revision

if TYPE_CHECKING:
    from coordination.models import Organisation
    from coordination.permissions import AnyUser

# Once published, a revision's public fields are for everyone; one superseded since stays in the
# profile's history as it was published.
PUBLISHED_STATES = frozenset({Revision.State.PUBLISHED, Revision.State.SUPERSEDED})


def can_edit_profile(user: AnyUser, organisation: Organisation) -> bool:
    """Edit and submit the organisation's draft: its focal points (and alternates), or the
    secretariat."""
    return is_secretariat(user) or bool(
        user.is_authenticated and user.is_focal_point and user.organisation_id == organisation.pk
    )


def can_review(user: AnyUser) -> bool:
    """Publish a submitted revision or return it with a comment: the secretariat only."""
    return is_secretariat(user)


def is_member(user: AnyUser) -> bool:
    """A person of a current member organisation, other than an observer."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.role != Person.Role.OBSERVER
        and user.organisation_id is not None
        and user.organisation is not None
        and user.organisation.is_current_member
    )


def can_see_member_fields(user: AnyUser) -> bool:
    """Read the member-only fields of published profiles (MEMBER_ONLY_FIELDS: the contact for
    cooperation): members' people and the secretariat; not observers, not anonymous visitors."""
    return is_secretariat(user) or is_member(user)


def can_follow_progress(user: AnyUser, organisation_id: int) -> bool:
    """Read an organisation's revisions in progress (draft, submitted, returned) and their
    review comments: its people, not its observers, and the secretariat. By id: a revision's
    page asks it without loading the organisation."""
    return is_secretariat(user) or bool(
        user.is_authenticated
        and user.is_active
        and user.role != Person.Role.OBSERVER
        and user.organisation_id == organisation_id
    )


def can_read_revision(user: AnyUser, revision: Revision) -> bool:
    """Read a revision on its own page (the diff, the history).

    Published or superseded: everyone logged in (observers see its public fields only,
    can_see_member_fields). In progress, with its review comment: can_follow_progress."""
    if not (user.is_authenticated and user.is_active):
        return False
    if revision.state in PUBLISHED_STATES:
        return True
    return can_follow_progress(user, revision.profile.organisation_id)


def can_edit_taxonomies(user: AnyUser) -> bool:
    """Add, edit, retire, restore and delete the terms of the group's taxonomies: the
    secretariat only (every profile chooses from them)."""
    return is_secretariat(user)
