"""The meetings' blocks of the dashboard (common.registry.DashboardBlock says how they are
read): the organisation's meetings for its people, and a block for each role that prepares or
answers them (the chairs, the secretariat, the principals) or only reads them (observers)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from common.dates import group_today
from common.registry import Block
from coordination.models import Person
from coordination.permissions import is_chair, is_secretariat
from meetings import selectors
from meetings.models import Invitation, Meeting, Minutes

# The dashboard looks further ahead than the digest: it is where a meeting is planned for.
NEXT_MEETINGS_DAYS = 60


def my_organisation_meetings(person: Person) -> Block | None:
    """The organisation's next meetings (invited or hosting) and the answers it still owes: the
    same reads as the digest's sections, for one organisation."""
    # An observer's organisation (a donor) is not asked for answers here: their own block
    # (meetings_for_observers) shows what they may read, never "nothing for your organisation".
    if person.organisation_id is None or person.role == Person.Role.OBSERVER:
        return None
    now = timezone.now()
    mine = {person.organisation_id}
    return Block(
        template="meetings/_dashboard_panel.html",
        context={
            "next_meetings": list(selectors.meetings_soon(mine, now, days=NEXT_MEETINGS_DAYS)[:6]),
            "rsvps_owed": list(selectors.rsvps_missing(mine, now)[:10]),
        },
    )


# --- The blocks of one role each -----------------------------------------------------------------

# What the secretariat chases: answers missing for the meetings of the coming month.
RSVP_CHASE_DAYS = 30
# What a chair prepares: the meetings of the coming weeks, and the agendas due this far ahead.
PREPARE_DAYS = 60
AGENDA_DUE_DAYS = 14
# Minutes of older meetings are the previous chairs' to hand over, not today's to circulate.
MINUTES_LOOK_BACK_DAYS = 365
SHOWN = 10


def principal_invitations(person: Person) -> Block | None:
    """A principal: their organisation's invitations to the principals' meetings still ahead,
    the ones owing an answer first, each with the link to answer (a principal answers for
    their organisation for this kind of meeting: permissions.can_answer). One query."""
    if not (
        person.is_active
        and person.role == Person.Role.PRINCIPAL
        and person.organisation_id is not None
    ):
        return None
    invitations = list(
        Invitation.objects.filter(
            organisation_id=person.organisation_id,
            meeting__kind=Meeting.Kind.PRINCIPALS,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=timezone.now(),
        )
        .select_related("meeting", "organisation")
        .order_by("meeting__starts_at", "meeting_id")
    )
    if not invitations:
        return None
    owed = [i for i in invitations if i.response == Invitation.Response.NO_ANSWER]
    return Block(
        template="meetings/dashboard_principal.html",
        context={
            "owed": owed,
            "answered": [i for i in invitations if i.response != Invitation.Response.NO_ANSWER],
        },
    )


def meetings_to_prepare(person: Person) -> Block | None:
    """A chair: the meetings of the coming weeks (drafts still to publish among them), the
    agendas not published two weeks ahead, and the meetings held whose minutes were not
    circulated, each linked to where it is done. Three queries."""
    if not is_chair(person):
        return None
    now = timezone.now()
    coming = Meeting.objects.exclude(status=Meeting.Status.CANCELLED).select_related(
        "host_organisation"
    )
    upcoming = list(
        coming.filter(
            starts_at__gte=now, starts_at__lte=now + timedelta(days=PREPARE_DAYS)
        ).order_by("starts_at", "pk")[:SHOWN]
    )
    agendas_late = list(
        coming.filter(
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=AGENDA_DUE_DAYS),
            agenda_published_at__isnull=True,
        ).order_by("starts_at", "pk")[:SHOWN]
    )
    circulated = Minutes.objects.filter(meeting=OuterRef("pk")).exclude(status=Minutes.Status.DRAFT)
    minutes_due = list(
        coming.filter(
            ends_at__lt=now,
            ends_at__gte=now - timedelta(days=MINUTES_LOOK_BACK_DAYS),
        )
        .exclude(status=Meeting.Status.DRAFT)
        .exclude(Exists(circulated))
        .order_by("-starts_at", "-pk")[:SHOWN]
    )
    return Block(
        template="meetings/dashboard_prepare.html",
        context={
            "upcoming": upcoming,
            "agendas_late": agendas_late,
            "minutes_due": minutes_due,
            "prepare_days": PREPARE_DAYS,
            "agenda_days": AGENDA_DUE_DAYS,
        },
    )


def rsvps_missing_by_meeting(person: Person) -> Block | None:
    """The secretariat: the scheduled meetings of the coming month that organisations have not
    answered, each with which organisations, soonest first. Two queries."""
    if not is_secretariat(person):
        return None
    now = timezone.now()
    unanswered = Invitation.objects.filter(response=Invitation.Response.NO_ANSWER)
    meetings = list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + timedelta(days=RSVP_CHASE_DAYS),
        )
        .filter(Exists(unanswered.filter(meeting=OuterRef("pk"))))
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=unanswered.select_related("organisation").order_by(
                    "organisation__acronym"
                ),
                to_attr="missing",
            )
        )
        .order_by("starts_at", "pk")
    )
    return Block(
        template="meetings/dashboard_rsvps_missing.html",
        context={"meetings": meetings, "days": RSVP_CHASE_DAYS},
    )


def meetings_for_observers(person: Person) -> Block | None:
    """An observer: the scheduled meetings of the coming weeks they may read (every scheduled
    meeting: permissions.can_see_meeting), saying which their organisation, if any, is invited
    to. Two queries at most."""
    if not (person.is_active and person.role == Person.Role.OBSERVER):
        return None
    now = timezone.now()
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__gte=now,
        starts_at__lte=now + timedelta(days=NEXT_MEETINGS_DAYS),
    ).select_related("host_organisation")
    if person.organisation_id is not None:
        meetings = meetings.prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(organisation_id=person.organisation_id),
                to_attr="my_invitations",
            )
        )
    return Block(
        template="meetings/dashboard_observer.html",
        context={
            "meetings": list(meetings.order_by("starts_at", "pk")[:SHOWN]),
            "days": NEXT_MEETINGS_DAYS,
        },
    )


def minutes_to_answer(person: Person) -> Block | None:
    """Focal points and alternates (and principals, to know): circulated minutes their
    organisation has not answered yet, by the same read as the digest. Three queries."""
    if (
        person.organisation_id is None
        or person.role not in Person.ACTING_ROLES | {Person.Role.PRINCIPAL}
        or person.role == Person.Role.SECRETARIAT
    ):
        return None
    awaiting = [
        minutes
        for minutes, _organisation in selectors.minutes_awaiting_answer(
            {person.organisation_id}, group_today()
        )
    ]
    if not awaiting:
        return None
    return Block(template="meetings/minutes_dashboard.html", context={"awaiting": awaiting})
