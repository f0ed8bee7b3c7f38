"""Who may do what with members and people. Views and services both ask these questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from coordination.selectors import current_chair_term

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coordination.models import Organisation, Person

    AnyUser = Person | AnonymousUser


def is_secretariat(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_secretariat)


def chair_organisation_ids() -> set[int]:
    """The organisations whose chair term covers today (none when no term is recorded)."""
    term = current_chair_term()
    return {organisation.pk for organisation in term.organisations.all()} if term else set()


def is_chair(user: AnyUser) -> bool:
    """A focal point (or alternate) of an organisation that chairs the group today.

    "Today" is the group's date (GROUP_TIME_ZONE, common.dates.group_today), so the rights
    change at the group's midnight for everyone, whatever the person's own time zone.

    The one place that decides who "the chair" is: the rights move with the chair term, so
    nobody edits people when the chair changes.
    """
    if not (user.is_authenticated and user.is_focal_point):
        return False
    # Asked many times on one page; the answer is kept on the person object of this request.
    cached: bool | None = getattr(user, "_is_chair", None)
    if cached is None:
        cached = user.organisation_id in chair_organisation_ids()
        setattr(user, "_is_chair", cached)  # noqa: B010 - a per-request cache, not a model field
    return cached


def can_manage_members(user: AnyUser) -> bool:
    """Create and edit organisations and people, invite, read the audit history."""
    return is_secretariat(user)


def can_edit_organisation(user: AnyUser, organisation: Organisation) -> bool:
    return can_manage_members(user)


def can_manage_chair_terms(user: AnyUser) -> bool:
    """Record and correct chair terms (next year's chairs too): the secretariat keeps them."""
    return is_secretariat(user)


def can_see_system_status(user: AnyUser) -> bool:
    """The database, cache, broker, worker, beat, outbox and emails at a glance."""
    return is_secretariat(user)


def requires_two_factor(user: AnyUser) -> bool:
    required = set(settings.MFA_REQUIRED_FOR)
    if not user.is_authenticated:
        return False
    if "secretariat" in required and is_secretariat(user):
        return True
    return "chair" in required and is_chair(user)
