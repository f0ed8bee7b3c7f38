"""Whom meetings tell of what, through notifications' contract."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.registry import EmailKind
from coordination.models import Person
from meetings import ical
from meetings.models import CalendarFeed, Invitation, Meeting, Minutes, MinutesAnswer, Series
from notifications import contract

MEETING_INVITATION = EmailKind("meeting_invitation", _("Meeting invitation"))
AGENDA = EmailKind("agenda", _("Agenda published"))
MEETING_CHANGED = EmailKind("meeting_changed", _("Meeting rescheduled"))
MEETING_CANCELLED = EmailKind("meeting_cancelled", _("Meeting cancelled"))
RSVP_REMINDER = EmailKind("rsvp_reminder", _("Reminder to answer a meeting invitation"))

# Each event of a meeting: the kind of email, and its title (the subject line of the email).
EVENTS = {
    "invitation": (MEETING_INVITATION, _("Invitation: {title}")),
    "agenda": (AGENDA, _("Agenda published: {title}")),
    "changed": (MEETING_CHANGED, _("Changed: {title}")),
    "cancelled": (MEETING_CANCELLED, _("Cancelled: {title}")),
}


def _people_of(kind: str, **invited: object) -> QuerySet[Person]:
    """The focal points and alternates of the invited organisations (`invited`: the lookup that
    names them), and their principals too for a principals' meeting."""
    roles = [Person.Role.FOCAL_POINT, Person.Role.ALTERNATE]
    if kind == Meeting.Kind.PRINCIPALS:
        roles.append(Person.Role.PRINCIPAL)
    return Person.objects.filter(is_active=True, role__in=roles, **invited).distinct()


def audience(meeting: Meeting) -> QuerySet[Person]:
    """Who hears about a meeting: the people of the organisations it invites."""
    return _people_of(meeting.kind, organisation__meeting_invitations__meeting=meeting)


def meeting_event(*, meeting_id: int, event: str) -> int:
    """A meeting was published ("invitation"), its agenda published ("agenda"), rescheduled
    ("changed") or cancelled ("cancelled"): tell its audience, each with the meeting's
    invitation (or cancellation) addressed to them attached."""
    meeting = Meeting.objects.select_related("host_organisation", "series").get(pk=meeting_id)
    kind, title = EVENTS[event]
    people = list(audience(meeting))
    return contract.notify(
        people=people,
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
        ics=ical.addressed([ical.meeting_message(meeting)], CalendarFeed.objects.alarms(people)),
    )


def rsvp_reminded(*, meeting_id: int, reminder: str) -> int:
    """An organiser reminded the invited organisations that have not answered: a service
    message (an answer is asked) to their people, unless the meeting changed since."""
    meeting = Meeting.objects.select_related("host_organisation").get(pk=meeting_id)
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= timezone.now():
        return 0
    silent = meeting.invitations.filter(response=Invitation.Response.NO_ANSWER).values(
        "organisation_id"
    )
    return contract.notify(
        people=audience(meeting).filter(organisation_id__in=silent),
        kind=RSVP_REMINDER.code,
        key=f"meeting:{meeting.pk}:rsvp-reminder:{reminder}",
        title=format_lazy(_("Your answer is awaited: {title}"), title=meeting.title),
        url=meeting.get_absolute_url() + "#rsvps",
        template="meetings/email/rsvp_reminder",
        context={"meeting": meeting},
        service=True,
    )


MINUTES_CIRCULATED = EmailKind("minutes_circulated", _("Minutes circulated for approval"))
MINUTES_REPLY = EmailKind("minutes_reply", _("Reply to a request for changes to minutes"))


def minutes_audience(meeting: Meeting) -> QuerySet[Person]:
    """Who answers a meeting's minutes: the focal points and alternates of the organisations
    invited to it or hosting it."""
    return Person.objects.filter(
        Q(organisation__meeting_invitations__meeting=meeting)
        | Q(organisation_id=meeting.host_organisation_id),
        is_active=True,
        role__in=[Person.Role.FOCAL_POINT, Person.Role.ALTERNATE],
    ).distinct()


def minutes_circulated(*, minutes_id: int, circulation: int) -> int:
    """The minutes went out for approval: each organisation's people get the draft and the
    deadline. A service message (an answer is asked); a circulation again after changes is a
    new event, and asks again."""
    minutes = Minutes.objects.select_related("meeting").get(pk=minutes_id)
    if minutes.status != Minutes.Status.CIRCULATED or minutes.circulation != circulation:
        return 0  # approved or circulated again meanwhile: that event speaks for itself
    meeting = minutes.meeting
    return contract.notify(
        people=minutes_audience(meeting),
        kind=MINUTES_CIRCULATED.code,
        key=f"minutes:{minutes.pk}:circulated:{circulation}",
        title=format_lazy(_("Minutes for your approval: {title}"), title=meeting.title),
        url=minutes.answers_url(),
        template="meetings/email/minutes_circulated",
        context={"meeting": meeting, "minutes": minutes},
        service=True,
    )


def minutes_replied(*, answer_id: int, stamp: str) -> int:
    """The chair replied to an organisation's request for changes: its people are told."""
    answer = MinutesAnswer.objects.select_related(
        "minutes__meeting", "organisation", "replied_by"
    ).get(pk=answer_id)
    meeting = answer.minutes.meeting
    return contract.notify(
        people=minutes_audience(meeting).filter(organisation_id=answer.organisation_id),
        kind=MINUTES_REPLY.code,
        key=f"minutes-answer:{answer.pk}:reply:{stamp}",
        title=format_lazy(_("Reply to your request on the minutes: {title}"), title=meeting.title),
        url=answer.get_absolute_url(),
        template="meetings/email/minutes_reply",
        context={"meeting": meeting, "answer": answer},
    )


SERIES_EVENTS = {
    "invitation": (MEETING_INVITATION, _("Invitation: {title}")),
    "changed": (MEETING_CHANGED, _("Changed: {title}")),
}


def series_audience(series: Series) -> QuerySet[Person]:
    """Who hears about a series: as for one meeting, the people of the organisations it invites."""
    return _people_of(series.kind, organisation__meeting_series=series)


def series_event(*, series_id: int, event: str) -> int:
    """A series was published ("invitation") or changed from one of its meetings on
    ("changed"): one email per person for the whole series, with its calendar attached (and the
    series it continues, whose end moved)."""
    series = Series.objects.select_related("host_organisation", "follows").get(pk=series_id)
    kind, title = SERIES_EVENTS[event]
    people = list(series_audience(series))
    return contract.notify(
        people=people,
        kind=kind.code,
        key=f"series:{series.pk}:{event}:{series.sequence}",
        title=format_lazy(title, title=series.title),
        url=series.get_absolute_url(),
        template="meetings/email/series",
        context={
            "series": series,
            "event": event,
            "next": list(
                series.occurrences.filter(
                    status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now()
                )[:3]
            ),
        },
        # The series first (a mail client shows the first invitation), then the one it
        # continues, whose end moved.
        ics=ical.addressed(
            ical.series_messages([s for s in (series, series.follows) if s is not None]),
            CalendarFeed.objects.alarms(people),
        ),
    )
