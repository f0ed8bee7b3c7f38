"""Who may do what with meetings. Views and services both ask these questions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from coordination.permissions import is_chair, is_secretariat

if TYPE_CHECKING:
    from coordination.permissions import AnyUser
    from meetings.models import Document, Invitation, Meeting


def can_manage_meetings(user: AnyUser) -> bool:
    """Schedule, edit and cancel meetings, publish agendas, record minutes, decisions and
    actions: the secretariat and the focal points of the organisations chairing the group today
    (the same chair predicate as the work plans)."""
    return is_secretariat(user) or is_chair(user)


def can_see_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Everyone logged in sees a meeting once it is scheduled; drafts are the organisers'."""
    return bool(user.is_authenticated) and (
        meeting.status != meeting.Status.DRAFT or can_manage_meetings(user)
    )


def can_download(user: AnyUser, document: Document) -> bool:
    """A document attached to an agenda item waits, like the agenda, until it is published."""
    meeting = document.meeting
    if not can_see_meeting(user, meeting):
        return False
    return (
        document.agenda_item_id is None or meeting.agenda_is_published or can_manage_meetings(user)
    )


def can_answer(user: AnyUser, invitation: Invitation) -> bool:
    """A focal point (or alternate) answers for their own organisation; the secretariat may
    record an answer for anyone."""
    return is_secretariat(user) or bool(
        user.is_authenticated
        and user.is_focal_point
        and user.organisation_id == invitation.organisation_id
    )


def can_answer_now(user: AnyUser, invitation: Invitation) -> bool:
    """Whether the person may answer this invitation today: answers are taken while the meeting
    is scheduled (not a draft nobody was told of, not held or cancelled). The meeting page shows
    the answer form on it, and services.rsvp_answer refuses on it."""
    return (
        can_answer(user, invitation)
        and invitation.meeting.status == invitation.meeting.Status.SCHEDULED
    )
