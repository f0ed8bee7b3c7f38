"""Who may do what with meetings. Views and services both ask these questions."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Q

from common.dates import group_time_zone
from coordination.permissions import is_chair, is_incoming_chair, is_secretariat
from coordination.selectors import next_chair_term
from meetings.models import Meeting, Minutes

if TYPE_CHECKING:
    from coordination.permissions import AnyUser
    from meetings.models import Document, Invitation


def can_manage_meetings(user: AnyUser) -> bool:
    """Schedule, edit, publish and cancel any meeting, publish agendas, record minutes,
    decisions and actions: the secretariat and the focal points of the organisations chairing
    the group today (the same chair predicate as the work plans)."""
    return is_secretariat(user) or is_chair(user)


def incoming_term_start(user: AnyUser) -> datetime | None:
    """For an incoming chair, the moment their term starts (the group's midnight): they may
    draft the meetings from then on. None for everyone else."""
    if not is_incoming_chair(user):
        return None
    term = next_chair_term()
    if term is None:
        return None
    return datetime.combine(term.starts_on, time.min, tzinfo=group_time_zone())


def can_create_meetings(user: AnyUser) -> bool:
    """The organisers, and the incoming chairs, who draft the meetings of their own term."""
    return can_manage_meetings(user) or incoming_term_start(user) is not None


def is_incoming_chairs_draft(user: AnyUser, meeting: Meeting) -> bool:
    """A draft of the incoming chairs' term (starting on or after its first day), for one of
    them: theirs to prepare, until a chair or the secretariat publishes it."""
    start = incoming_term_start(user)
    return (
        start is not None
        and meeting.status == meeting.Status.DRAFT
        and meeting.starts_at is not None
        and meeting.starts_at >= start
    )


def can_manage_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Change this meeting, its agenda, invitees, minutes, decisions, actions and documents."""
    return can_manage_meetings(user) or is_incoming_chairs_draft(user, meeting)


def can_publish_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Publishing tells the invitees: the chairs of today and the secretariat decide it, also
    for a draft the incoming chairs prepared."""
    return can_manage_meetings(user)


def can_see_meeting(user: AnyUser, meeting: Meeting) -> bool:
    """Everyone logged in sees a meeting once it is scheduled; drafts are the organisers' (and
    the incoming chairs' drafts of their own term are theirs too)."""
    return bool(user.is_authenticated) and (
        meeting.status != meeting.Status.DRAFT or can_manage_meeting(user, meeting)
    )


def can_read_minutes(user: AnyUser, meeting: Meeting, minutes: Minutes) -> bool:
    """Draft minutes are their writers': those who manage the meeting. The members who see the
    meeting read them once they are circulated for approval; observers, who never read drafts,
    once they are approved. The meeting's page asks this; the search asks the same rule of many
    minutes at once (Reading.minutes)."""
    if not can_see_meeting(user, meeting):
        return False
    if minutes.status == minutes.Status.APPROVED or can_manage_meeting(user, meeting):
        return True
    return minutes.status == minutes.Status.CIRCULATED and not _is_observer(user)


def _is_observer(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.role == user.Role.OBSERVER)


def can_download(user: AnyUser, document: Document) -> bool:
    """A document attached to an agenda item waits, like the agenda, until it is published."""
    meeting = document.meeting
    if not can_see_meeting(user, meeting):
        return False
    return (
        document.agenda_item_id is None
        or meeting.agenda_is_published
        or can_manage_meeting(user, meeting)
    )


def can_answer(user: AnyUser, invitation: Invitation) -> bool:
    """A focal point (or alternate) answers for their own organisation; so does its principal
    for a principals' meeting, the one kind of meeting the principals themselves attend; the
    secretariat may record an answer for anyone."""
    if is_secretariat(user):
        return True
    if not (user.is_authenticated and user.organisation_id == invitation.organisation_id):
        return False
    if user.is_focal_point:
        return True
    return (
        user.is_active
        and user.role == user.Role.PRINCIPAL
        and invitation.meeting.kind == invitation.meeting.Kind.PRINCIPALS
    )


def can_answer_now(user: AnyUser, invitation: Invitation) -> bool:
    """Whether the person may answer this invitation today: answers are taken while the meeting
    is scheduled (not a draft nobody was told of, not held or cancelled). The meeting page shows
    the answer form on it, and services.rsvp_answer refuses on it."""
    return (
        can_answer(user, invitation)
        and invitation.meeting.status == invitation.meeting.Status.SCHEDULED
    )


def can_answer_minutes_for(user: AnyUser, organisation_id: int) -> bool:
    """Answer circulated minutes for this organisation: its focal points and alternates, or the
    secretariat on its behalf (the answer says so). Nobody answers for another organisation."""
    return is_secretariat(user) or bool(
        user.is_authenticated and user.is_focal_point and user.organisation_id == organisation_id
    )


def can_manage_series(user: AnyUser) -> bool:
    """Create, publish, change and end recurring meetings: the organisers of today (a series
    runs past one chair term, so the incoming chairs draft single meetings only)."""
    return can_manage_meetings(user)


# --- The same rules as filters, for lists and the search ------------------------------------------

NOTHING = Q(pk__in=[])


class Reading(NamedTuple):
    """What a person may read of the meetings, as filters on rows of any kind (`prefix` leads
    from the row to its meeting, "meeting__" from an agenda item), each the query form of the
    predicate it names: None means every row. Built once per person (reading_of), so that a
    filter costs no query, whatever the number of rows."""

    signed_in: bool
    manages_all: bool
    drafts_from: datetime | None
    observer: bool = False

    def own_drafts(self, prefix: str) -> Q:
        """is_incoming_chairs_draft: the drafts the person prepares as an incoming chair."""
        if self.drafts_from is None:
            return NOTHING
        return Q(
            **{f"{prefix}status": Meeting.Status.DRAFT, f"{prefix}starts_at__gte": self.drafts_from}
        )

    def meetings(self, prefix: str = "") -> Q | None:
        """can_see_meeting: everything but drafts, and the drafts the person manages."""
        if self.manages_all:
            return None
        if not self.signed_in:
            return NOTHING
        return ~Q(**{f"{prefix}status": Meeting.Status.DRAFT}) | self.own_drafts(prefix)

    def agenda(self, prefix: str) -> Q | None:
        """An agenda is read once published, by those who may see its meeting; the organisers
        read it before."""
        if self.manages_all:
            return None
        if not self.signed_in:
            return NOTHING
        return Q(**{f"{prefix}agenda_published_at__isnull": False}) & ~Q(
            **{f"{prefix}status": Meeting.Status.DRAFT}
        ) | self.own_drafts(prefix)

    def minutes(self, prefix: str = "") -> Q | None:
        """can_read_minutes, as a filter on minutes (`prefix` leading to them): on a meeting the
        person sees, minutes circulated or approved (approved only, for an observer); any
        minutes of a meeting they manage."""
        meeting = f"{prefix}meeting__"
        visible = self.meetings(meeting)
        if visible is None:  # manages every meeting
            return None
        readable = [Minutes.Status.APPROVED]
        if not self.observer:
            readable.append(Minutes.Status.CIRCULATED)
        return (visible & Q(**{f"{prefix}status__in": readable})) | self.own_drafts(meeting)


def reading_of(user: AnyUser) -> Reading:
    """What `user` may read of the meetings, asked once (who the chairs and incoming chairs
    are): the filters of Reading then cost no query."""
    return Reading(
        signed_in=bool(user.is_authenticated),
        manages_all=can_manage_meetings(user),
        drafts_from=incoming_term_start(user),
        observer=_is_observer(user),
    )
