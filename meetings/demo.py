"""The demonstration meetings: those the public texts in shared/seeds describe, with agendas,
answers, minutes and decisions drawn from them, and meetings relative to today so that the
calendar and the dashboards are never empty. Loading is idempotent (keyed on title and date)."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from coordination.models import Organisation, Person
from meetings.models import ActionItem, AgendaItem, Decision, Invitation, Meeting, Minutes
from meetings.services import default_invitees

K = Meeting.Kind
R = Invitation.Response


@dataclass
class DemoMeeting:
    title: str
    kind: str
    day: date | int  # a date, or days from today
    start: time
    end: time
    zone: str
    venue: str = ""
    online_link: str = ""
    host: str | None = None
    days: int = 1
    status: str = Meeting.Status.HELD
    description: str = ""
    agenda: list[tuple[str, str | None]] = field(
        default_factory=list
    )  # (title, presenting organisation)
    agenda_published: bool = True
    minutes: str = ""
    minutes_status: str = Minutes.Status.APPROVED
    decisions: list[str] = field(default_factory=list)
    actions: list[tuple[str, str, int]] = field(
        default_factory=list
    )  # (text, organisation, due in days)
    not_answering: set[str] = field(default_factory=set)


NEW_YORK, VIENNA = "America/New_York", "Europe/Vienna"

MEETINGS = [
    DemoMeeting(
        "First meeting of ICAT principals",
        K.PRINCIPALS,
        date(2018, 5, 2),
        time(10),
        time(13),
        VIENNA,
        venue="Venue not given in the public record",
        host="UNODC",
        description="The first meeting of the heads of ICAT organisations, an occasion to reflect on the group's key achievements since it was founded.",
        agenda=[
            ("Key activities and achievements of ICAT: an overview", "UNODC"),
            ("ICAT's priority actions going forward", None),
            ("Promoting ICAT's objectives and activities", None),
        ],
        minutes="The principals met for the first time and took stock of the group's achievements, set out in the overview prepared for the meeting. They gave impetus to a stronger, coordinated and coherent UN response to trafficking in persons.",
        decisions=[
            "Strengthen the coordinated and coherent UN response to trafficking in persons through the group."
        ],
    ),
    DemoMeeting(
        "Working Group meeting, New York",
        K.WORKING_GROUP,
        date(2018, 10, 3),
        time(9),
        time(17),
        NEW_YORK,
        venue="United Nations Headquarters, New York",
        host="UNICEF",
        days=2,
        description="Work-planning meeting of the Working Group, in the days around the briefing to Member States.",
        agenda=[
            ("Welcome of new members", "UNICEF"),
            ("Formulation of the multi-annual work plan", "UNODC"),
            ("Preparation of the briefing to Member States of 5 October", "UNICEF"),
            ("The group's modest resource needs and the Secretariat function", "UNODC"),
        ],
        minutes="A number of new members were welcomed. The Working Group formulated a multi-annual work plan, to be finalised in the coming months and put into practice under the incoming co-chairmanship of OSCE and UN Women in 2019. Participants stressed that the common desire to see trafficking better addressed must be matched by resources for the group's modest needs.",
        decisions=[
            "The multi-annual work plan is formulated; it will be finalised in the coming months.",
            "OSCE and UN Women will co-chair the group in 2019 and put the work plan into practice.",
        ],
    ),
    DemoMeeting(
        "ICAT briefing on its past, present and future",
        K.BRIEFING,
        date(2018, 10, 5),
        time(13, 15),
        time(14, 30),
        NEW_YORK,
        venue="United Nations Headquarters, New York",
        host="UNICEF",
        description="Briefing to Member States and civil society, jointly organised with the Permanent Mission of the Republic of Belarus to the United Nations; chaired by UNICEF as ICAT Chair for 2018, with UNODC as Permanent Coordinator.",
        agenda=[
            ("Opening: ICAT's growing body of work", "UNICEF"),
            (
                "Issue briefs: trafficking in children, the SDGs, gender dimensions, refugee status",
                "UNODC",
            ),
            ("Toolkit for designing and evaluating counter-trafficking programmes", "IOM"),
            ("Planned publications: related crimes, trafficking and forced labour", "ILO"),
            (
                "Findings of the Secretary-General's report on trafficking in women and girls (A/73/263)",
                "UN Women",
            ),
            ("Questions and answers with Member States", None),
        ],
        minutes="Panelists from UNICEF, UNODC, OSCE, UN Women, UNHCR, IOM, ILO and UNFPA recapped the group's products and outlined planned publications. In the exchange that followed, Member States proposed suggestions for the group's future work, which it will take into consideration in continued work-planning.",
        decisions=[
            "Member States' suggestions are taken into the work-planning begun at the Working Group meeting."
        ],
    ),
    DemoMeeting(
        "High-level briefing in the margins of the Conference of the Parties to UNTOC",
        K.BRIEFING,
        date(2018, 10, 18),
        time(13),
        time(15),
        VIENNA,
        venue="Vienna International Centre",
        host="UNODC",
        description="ICAT principals and senior representatives discuss the UN's response to trafficking in persons.",
        agenda=[("The UN's response to trafficking in persons", "UNODC")],
        minutes="Principals and senior representatives discussed the UN's response to trafficking in persons.",
    ),
    DemoMeeting(
        "Third ICAT principal-level meeting",
        K.PRINCIPALS,
        date(2021, 11, 15),
        time(14),
        time(16),
        VIENNA,
        venue="Online (video conference)",
        host="UNODC",
        agenda=[
            ("Implementation of the group's Plan of Action", "UNODC"),
            ("Joint statement for the General Assembly's high-level meeting", "UNODC"),
            ("Co-chairs of ICAT in 2022", None),
        ],
        minutes="The principals assessed the implementation of the group's Plan of Action, adopted a joint statement related to the upcoming high-level meeting of the General Assembly, and endorsed ICMPD and UNODC as co-chairs of ICAT in 2022.",
        decisions=[
            "The joint statement for the General Assembly's high-level meeting is adopted.",
            "ICMPD and UNODC are endorsed as co-chairs of ICAT in 2022.",
        ],
    ),
    # Relative to today: a recent call with minutes out for approval and actions due.
    DemoMeeting(
        "Working Group video call",
        K.VIDEO_CALL,
        -20,
        time(14),
        time(15, 30),
        VIENNA,
        online_link="https://meet.example.org/icat-working-group",
        host="ICMPD",
        agenda=[
            ("Mapping resource: annual update of the member profiles", "UNODC"),
            ("Issue brief on humanitarian crises: clearance", "UNHCR"),
        ],
        minutes="The Working Group reviewed progress on the annual update of the mapping resource and on the issue brief on trafficking in humanitarian crises. Members not yet having returned their profiles were asked to do so.",
        minutes_status=Minutes.Status.CIRCULATED,
        decisions=["Profiles for the mapping resource are to be returned within two weeks."],
        actions=[
            ("Return the organisation's profile for the mapping resource", "ILO", 6),
            ("Send comments on the humanitarian crises issue brief", "IOM", -2),
            ("Propose dates for the next face-to-face Working Group meeting", "ICMPD", 10),
        ],
    ),
    DemoMeeting(
        "Briefing to Member States on the group's work",
        K.BRIEFING,
        9,
        time(13, 15),
        time(14, 30),
        NEW_YORK,
        venue="United Nations Headquarters, New York",
        host="ICMPD",
        status=Meeting.Status.SCHEDULED,
        agenda=[
            ("The co-chairs' priorities", "ICMPD"),
            ("Vulnerability in humanitarian crises and conflicts", "UNHCR"),
            ("Questions and answers", None),
        ],
        not_answering={"OHCHR", "UNICEF", "SRSG-SVC"},
    ),
    DemoMeeting(
        "Working Group video call",
        K.VIDEO_CALL,
        12,
        time(14),
        time(15, 30),
        VIENNA,
        online_link="https://meet.example.org/icat-working-group",
        host="ICMPD",
        status=Meeting.Status.SCHEDULED,
        agenda=[
            ("Annual report on the implementation of the Plan of Action", "ICMPD"),
            ("Any other business", None),
        ],
        not_answering={"CoE", "ILO", "IOM", "UN Women", "UNHCR"},
    ),
    DemoMeeting(
        "Working Group meeting, Vienna",
        K.WORKING_GROUP,
        40,
        time(9, 30),
        time(17),
        VIENNA,
        venue="ICMPD headquarters, Vienna",
        host="ICMPD",
        days=2,
        status=Meeting.Status.SCHEDULED,
        description="Hosted where the chair is headquartered, as the group agreed.",
        agenda=[
            ("Progress against the multi-annual work plan", "UNODC"),
            ("Handover to the incoming co-chairs", "ICMPD"),
        ],
        agenda_published=False,
        not_answering={
            "CoE",
            "ILO",
            "IOM",
            "OHCHR",
            "OSCE",
            "SRSG-SVC",
            "UN Women",
            "UNHCR",
            "UNICEF",
        },
    ),
    DemoMeeting(
        "Principals' meeting",
        K.PRINCIPALS,
        75,
        time(14),
        time(16, 30),
        NEW_YORK,
        venue="United Nations Headquarters, New York",
        host="UNODC",
        status=Meeting.Status.DRAFT,
        description="Draft: dates under consultation with the principals' offices.",
    ),
]


def _working_day(day: date) -> date:
    """Meetings relative to today fall on a working day, and not on New Year's Day."""
    while day.weekday() >= 5 or (day.month, day.day) == (1, 1):
        day += timedelta(days=1)
    return day


def _aware(day: date, at: time, zone: str) -> datetime:
    return timezone.make_aware(datetime.combine(day, at), zoneinfo.ZoneInfo(zone))


@transaction.atomic
def load_meetings() -> dict[str, int]:
    today = timezone.localdate()
    organisations = {o.acronym: o for o in Organisation.objects.all()}
    focal_points = {
        p.organisation_id: p for p in Person.objects.filter(role=Person.Role.FOCAL_POINT)
    }
    written = 0
    for demo in MEETINGS:
        day = (
            demo.day
            if isinstance(demo.day, date)
            else _working_day(today + timedelta(days=demo.day))
        )
        starts_at = _aware(day, demo.start, demo.zone)
        if Meeting.objects.filter(
            title=demo.title, starts_at__date=starts_at.astimezone(zoneinfo.ZoneInfo("UTC")).date()
        ).exists():
            continue
        written += 1
        meeting = Meeting.objects.create(
            title=demo.title,
            kind=demo.kind,
            description=demo.description,
            starts_at=starts_at,
            ends_at=_aware(day + timedelta(days=demo.days - 1), demo.end, demo.zone),
            time_zone=demo.zone,
            venue=demo.venue,
            online_link=demo.online_link,
            host_organisation=organisations.get(demo.host or ""),
            status=demo.status,
            rsvp_deadline=starts_at - timedelta(days=7)
            if demo.status != Meeting.Status.HELD
            else None,
            agenda_published_at=starts_at - timedelta(days=10)
            if demo.agenda_published and demo.agenda
            else None,
        )
        # The organisations a meeting of this kind invites when the organisers schedule it.
        invited = default_invitees(demo.kind)
        online = demo.kind == K.VIDEO_CALL or demo.venue.startswith("Online")
        invitations = []
        for n, organisation in enumerate(invited):
            if demo.status == Meeting.Status.HELD:
                response = R.ONLINE if online else R.IN_PERSON  # the record shows who took part
            elif organisation.acronym in demo.not_answering:
                response = R.NO_ANSWER
            else:
                response = (
                    R.NOT_ATTENDING
                    if n % 7 == 3
                    else R.ONLINE
                    if (online or n % 3 == 1)
                    else R.IN_PERSON
                )
            answered = response != R.NO_ANSWER
            focal = focal_points.get(organisation.pk)
            invitations.append(
                Invitation(
                    meeting=meeting,
                    organisation=organisation,
                    response=response,
                    attendees=(
                        focal.full_name if focal and response in {R.IN_PERSON, R.ONLINE} else ""
                    ),
                    answered_by=focal if answered else None,
                    answered_at=starts_at - timedelta(days=5) if answered else None,
                )
            )
        Invitation.objects.bulk_create(invitations)
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=meeting,
                position=n,
                title=title,
                presenter_organisation=organisations.get(presenter or ""),
                duration_minutes=20 if presenter else 15,
            )
            for n, (title, presenter) in enumerate(demo.agenda, start=1)
        )
        if demo.minutes:
            Minutes.objects.create(
                meeting=meeting,
                text=demo.minutes,
                status=demo.minutes_status,
                circulated_at=meeting.ends_at + timedelta(days=3),
                approved_at=meeting.ends_at + timedelta(days=20)
                if demo.minutes_status == Minutes.Status.APPROVED
                else None,
                approval_due_on=today + timedelta(days=5)
                if demo.minutes_status == Minutes.Status.CIRCULATED
                else None,
            )
        Decision.objects.bulk_create(
            Decision(meeting=meeting, text=text, created_at=meeting.ends_at)
            for text in demo.decisions
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=meeting,
                text=text,
                owner_organisation=organisations[acronym],
                owner=focal_points.get(organisations[acronym].pk),
                due_on=today + timedelta(days=due),
            )
            for text, acronym, due in demo.actions
        )
    return {"meetings": written}
