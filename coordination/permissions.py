"""Who may do what with members and people. Views and services both ask these questions."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings

from common.dates import group_today
from coordination.models import HandoverSignature
from coordination.selectors import (
    current_chair_term,
    next_chair_term,
    previous_chair_term,
    term_before,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from coordination.models import (
        Announcement,
        ChairTerm,
        Handover,
        HandoverTask,
        Organisation,
        Person,
    )

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


def incoming_chair_organisation_ids() -> set[int]:
    """The organisations of the next recorded term, from the day it is recorded until it starts."""
    term = next_chair_term()
    return {organisation.pk for organisation in term.organisations.all()} if term else set()


def outgoing_chair_organisation_ids() -> set[int]:
    """The organisations of the previous term, for OUTGOING_CHAIR_DAYS after it ended: they
    finish the handover's sign-off and the pledge report."""
    term = previous_chair_term()
    if term is None or group_today() > term.ends_on + timedelta(days=settings.OUTGOING_CHAIR_DAYS):
        return set()
    return {organisation.pk for organisation in term.organisations.all()}


def _acts_for(user: AnyUser, organisation_ids: set[int]) -> bool:
    return bool(
        user.is_authenticated and user.is_focal_point and user.organisation_id in organisation_ids
    )


def is_incoming_chair(user: AnyUser) -> bool:
    """A focal point (or alternate) of an organisation of the next term."""
    return _acts_for(user, incoming_chair_organisation_ids())


def is_outgoing_chair(user: AnyUser) -> bool:
    """A focal point (or alternate) of an organisation of the term that ended lately."""
    return _acts_for(user, outgoing_chair_organisation_ids())


# --- Handovers: the outgoing term's chairs hand over to the incoming term's ---------------------


def handover_sides(user: AnyUser, handover: Handover) -> set[str]:
    """The sides `user` acts for on this handover: "outgoing" (a focal point of the term before
    its term), "incoming" (of its term), "secretariat". Observers and principals: none.

    The chairs' rights on it last as their roles do: the incoming side until its term has ended,
    the outgoing side until OUTGOING_CHAIR_DAYS after its own term ended. After that only the
    secretariat acts on a handover nobody finished.
    """
    sides: set[str] = set()
    if not user.is_authenticated:
        return sides
    if is_secretariat(user):
        sides.add(HandoverSignature.Side.SECRETARIAT)
    if user.is_focal_point and user.organisation_id is not None:
        today = group_today()
        term = handover.term
        if today <= term.ends_on and user.organisation_id in {
            o.pk for o in term.organisations.all()
        }:
            sides.add(HandoverSignature.Side.INCOMING)
        before = term_before(term)
        if (
            before is not None
            and today <= before.ends_on + timedelta(days=settings.OUTGOING_CHAIR_DAYS)
            and user.organisation_id in {o.pk for o in before.organisations.all()}
        ):
            sides.add(HandoverSignature.Side.OUTGOING)
    return sides


def can_see_handover(user: AnyUser, handover: Handover) -> bool:
    return bool(handover_sides(user, handover))


def can_change_handover(user: AnyUser, handover: Handover) -> bool:
    """Add tasks, comment, regenerate, sign: either side or the secretariat, until signed off."""
    return not handover.is_signed_off and can_see_handover(user, handover)


def can_change_task_status(user: AnyUser, task: HandoverTask) -> bool:
    """A task's owner or the secretariat, until the handover is signed off."""
    return (
        not task.handover.is_signed_off
        and user.is_authenticated
        and (is_secretariat(user) or task.owner_id == user.pk)
    )


def can_open_handover(user: AnyUser, term: ChairTerm) -> bool:
    """The secretariat, or the chairs handing over (those of the term before `term`)."""
    if is_secretariat(user):
        return True
    before = term_before(term)
    return before is not None and _acts_for(user, {o.pk for o in before.organisations.all()})


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


# --- Announcements and calls for inputs ------------------------------------------------------------------------------


def can_send_announcements(user: AnyUser) -> bool:
    """The secretariat, or a focal point (or alternate) of an organisation chairing today."""
    return is_secretariat(user) or is_chair(user)


def can_follow(user: AnyUser, announcement: Announcement) -> bool:
    """See every organisation's answer, remind, export: whoever may send announcements (the
    chairs change with the term; the answers stay the group's)."""
    return can_send_announcements(user)


def organisation_ids(announcement: Announcement) -> set[int]:
    return {organisation.pk for organisation in announcement.organisations.all()}


def can_see(user: AnyUser, announcement: Announcement) -> bool:
    """Its followers, and the people of an organisation it was sent to."""
    if can_follow(user, announcement):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and user.organisation_id in organisation_ids(announcement)
    )


def can_answer(user: AnyUser, announcement: Announcement, organisation: Organisation) -> bool:
    """An asked organisation's focal points and alternates, or the secretariat on its behalf;
    only on a call for inputs (the deadline is the service's to check, with a reason)."""
    if not (announcement.is_call and organisation.pk in organisation_ids(announcement)):
        return False
    if is_secretariat(user):
        return True
    return bool(
        user.is_authenticated and user.is_focal_point and user.organisation_id == organisation.pk
    )


def can_read_answer(user: AnyUser, announcement: Announcement, organisation: Organisation) -> bool:
    """An organisation's answer, its files included: whoever follows the call (every answer),
    and whoever may answer for the organisation (its own)."""
    return can_follow(user, announcement) or can_answer(user, announcement, organisation)
