"""Whom meetings tell of what, through notifications' contract."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.registry import EmailKind
from coordination.models import Person
from meetings import ical
from meetings.models import Meeting
from notifications import contract

MEETING_INVITATION = EmailKind("meeting_invitation", _("Meeting invitation"))
AGENDA = EmailKind("agenda", _("Agenda published"))
MEETING_CHANGED = EmailKind("meeting_changed", _("Meeting rescheduled"))
MEETING_CANCELLED = EmailKind("meeting_cancelled", _("Meeting cancelled"))

# Each event of a meeting: the kind of email, and its title (the subject line of the email).
EVENTS = {
    "invitation": (MEETING_INVITATION, _("Invitation: {title}")),
    "agenda": (AGENDA, _("Agenda published: {title}")),
    "changed": (MEETING_CHANGED, _("Changed: {title}")),
    "cancelled": (MEETING_CANCELLED, _("Cancelled: {title}")),
}


def audience(meeting: Meeting) -> QuerySet[Person]:
    """Who hears about a meeting: the focal points and alternates of the invited organisations,
    and their principals too for a principals' meeting."""
    roles = [Person.Role.FOCAL_POINT, Person.Role.ALTERNATE]
    if meeting.kind == Meeting.Kind.PRINCIPALS:
        roles.append(Person.Role.PRINCIPAL)
    return Person.objects.filter(
        is_active=True, role__in=roles, organisation__meeting_invitations__meeting=meeting
    ).distinct()


def meeting_event(*, meeting_id: int, event: str) -> int:
    """A meeting was published ("invitation"), its agenda published ("agenda"), rescheduled
    ("changed") or cancelled ("cancelled"): tell its audience, with the .ics attached."""
    meeting = Meeting.objects.select_related("host_organisation").get(pk=meeting_id)
    kind, title = EVENTS[event]
    return contract.notify(
        people=audience(meeting),
        kind=kind.code,
        key=f"meeting:{meeting.pk}:{event}:{meeting.sequence}",
        title=format_lazy(title, title=meeting.title),
        url=meeting.get_absolute_url(),
        template="meetings/email/meeting",
        context={
            "meeting": meeting,
            "event": event,
            "agenda": list(meeting.agenda_items.select_related("presenter_organisation")),
        },
        ics=ical.calendar([meeting], name=meeting.title).decode(),
    )
