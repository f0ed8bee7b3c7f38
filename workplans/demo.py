"""The demonstration work plan, built from the public texts in shared/seeds.

The multi-annual work plan formulated at the Working Group meeting of 3–4 October 2018, with the
priority areas of the 2022 co-chairs' pledges and the focus on humanitarian crises, and items
taken from the products the texts name (issue briefs, policy papers, the toolkit, the mapping
resource, joint statements and calls to action). Dates are set relative to the day the
demonstration is first loaded, so that some items are due soon, some overdue and some stale;
every member organisation contributes to something. Loading is idempotent: an existing plan of
the same title is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from auditlog.models import LogEntry
from django.db import transaction
from django.utils import timezone

from coordination.demo import MEMBERS, demo_email
from coordination.models import ChairTerm, Organisation, Person
from coordination.selectors import current_chair_term, next_chair_term
from workplans.models import (
    Milestone,
    Pledge,
    PledgeReport,
    PledgeUpdate,
    PriorityArea,
    ProgressUpdate,
    WorkItem,
    WorkPlan,
)
from workplans.services import (
    pledge_create,
    pledge_progress_post,
    pledge_report_save,
    priority_area_create,
    work_item_create,
    work_plan_create,
)

PLAN_TITLE = "ICAT multi-annual work plan"

AREAS = [
    (
        "Inclusion of survivors' voices",
        "Pledge of the 2022 co-chairs: survivors inform the group's policy work.",
    ),
    (
        "Multi-stakeholder collaboration",
        "Pledge of the 2022 co-chairs: States, civil society and the private sector.",
    ),
    (
        "Knowledge production and dissemination",
        "Issue briefs, policy papers, the toolkit and the mapping resource.",
    ),
    ("Preventing trafficking in persons in procurement", "Pledge of the 2022 co-chairs."),
    (
        "Reinforcing existing partnerships",
        "Pledge of the 2022 co-chairs: other coordination mechanisms and partners.",
    ),
    ("Closer coordination with and at the field level", "Pledge of the 2022 co-chairs."),
    (
        "Shaping multilateral policy on trafficking in persons",
        "Expert submissions, joint statements and briefings to Member States.",
    ),
    (
        "Addressing vulnerability in humanitarian crises and conflicts",
        "The focus the group took after the escalation of the conflict in Ukraine in 2022.",
    ),
]

S = WorkItem.Status


@dataclass
class DemoItem:
    area: int  # index into AREAS
    title: str
    lead: str
    contributors: list[str]
    status: str
    percent: int
    start: int  # days from today (negative: in the past)
    due: int
    updates: list[tuple[int, str]] = field(default_factory=list)  # (days ago, narrative)
    milestones: list[tuple[str, int, bool]] = field(
        default_factory=list
    )  # (title, due in days, done)
    description: str = ""
    kind: str = WorkItem.Kind.DELIVERABLE


EVERYONE = [m.acronym for m in MEMBERS]

ITEMS = [
    DemoItem(
        2,
        "Issue brief: Trafficking in Persons and the Sustainable Development Goals",
        "UNODC",
        ["ILO", "IOM", "UNICEF"],
        S.DONE,
        100,
        -2900,
        -2750,
        [(2760, "Final text cleared by all contributing agencies; published in English.")],
        description="Looks at the three SDG targets on trafficking in persons and how they connect with the goals on poverty, rule of law, migration, labour and education.",
    ),
    DemoItem(
        2,
        "Issue brief: Trafficking in children",
        "UNICEF",
        ["UNODC", "ILO", "IOM", "UNHCR"],
        S.DONE,
        100,
        -2700,
        -2600,
        [
            (2650, "Presented at the briefing to Member States in New York, 5 October 2018."),
            (2610, "Published."),
        ],
    ),
    DemoItem(
        2,
        "Policy paper: Trafficking in persons and related crimes",
        "UNODC",
        ["INTERPOL", "UNICRI", "CTED"],
        S.AT_RISK,
        60,
        -300,
        -12,
        [
            (200, "Outline agreed; INTERPOL and UNICRI drafting the chapters on investigation."),
            (95, "Second draft circulated; comments from CTED pending."),
            (20, "Comments still missing from two agencies; publication will slip."),
        ],
        [
            ("Outline agreed", -250, True),
            ("Second draft circulated", -100, True),
            ("Cleared for publication", -12, False),
        ],
    ),
    DemoItem(
        2,
        "Policy paper: Trafficking in persons and forced labour",
        "ILO",
        ["IOM", "OSCE", "UN Women"],
        S.ON_TRACK,
        45,
        -150,
        25,
        [
            (120, "Terms of reference agreed and a consultant recruited."),
            (30, "First draft received; review meeting planned."),
        ],
        [("First draft", -35, True), ("Review meeting", 10, False), ("Final text", 25, False)],
    ),
    DemoItem(
        2,
        "Toolkit for designing and evaluating counter-trafficking programmes: second edition",
        "UNODC",
        ["IOM", "ICMPD", "OSCE"],
        S.OFF_TRACK,
        30,
        -400,
        -40,
        [
            (380, "Review of the 2016 toolkit launched."),
            (140, "Expert group meeting postponed for lack of funding."),
        ],
        description="Updates the seven types of counter-trafficking activity of the toolkit with the evidence gathered since 2016.",
    ),
    DemoItem(
        2,
        "Mapping resource: annual update of the member profiles",
        "UNODC",
        EVERYONE,
        S.ON_TRACK,
        55,
        -60,
        18,
        [
            (45, "Questionnaire sent to every member's focal point."),
            (10, "Fourteen profiles returned; reminders sent to the others."),
        ],
        [
            ("Questionnaire sent", -45, True),
            ("All profiles returned", 10, False),
            ("Online resource updated", 18, False),
        ],
        description="Each member reviews its profile: mandate, expertise, regions of focus, forms of exploitation addressed and types of intervention.",
    ),
    DemoItem(
        2,
        "Annual report on the implementation of the Plan of Action",
        "ICMPD",
        ["UNODC", *EVERYONE[:12]],
        S.NOT_STARTED,
        0,
        -5,
        28,
        description="Produced by the co-chairs from the progress recorded against the work plan.",
        kind=WorkItem.Kind.DELIVERABLE,
    ),
    DemoItem(
        0,
        "Guidance on the meaningful engagement of survivors in the group's work",
        "OSCE",
        ["UN Women", "OHCHR", "UNODC"],
        S.ON_TRACK,
        40,
        -200,
        45,
        [
            (150, "Consultations with survivor-led organisations held online."),
            (40, "Draft guidance shared with the Working Group."),
        ],
    ),
    DemoItem(
        1,
        "Briefing to Member States and civil society on the group's work",
        "ICMPD",
        ["UNODC", "UNICEF", "IOM"],
        S.ON_TRACK,
        70,
        -45,
        9,
        [
            (30, "Date and room confirmed at UN Headquarters; panel of four agencies agreed."),
            (5, "Concept note circulated."),
        ],
        kind=WorkItem.Kind.ACTIVITY,
    ),
    DemoItem(
        3,
        "Issue brief: Preventing trafficking in persons in public procurement",
        "OSCE",
        ["ILO", "UNDP", "World Bank"],
        S.AT_RISK,
        35,
        -260,
        -25,
        [
            (230, "Scope agreed with the World Bank's procurement team."),
            (110, "Drafting delayed by staff changes."),
        ],
    ),
    DemoItem(
        4,
        "Joint activities with the OSCE Alliance against Trafficking in Persons",
        "OSCE",
        ["CoE", "ICMPD", "UNODC"],
        S.ON_TRACK,
        50,
        -320,
        120,
        [(100, "Joint session held at the Alliance conference.")],
        kind=WorkItem.Kind.ACTIVITY,
    ),
    DemoItem(
        5,
        "Field coordination pilot in two countries",
        "IOM",
        ["UNHCR", "UNICEF", "UNDP", "UNFPA"],
        S.OFF_TRACK,
        20,
        -500,
        60,
        [(300, "Country teams identified; pilot design under discussion.")],
        kind=WorkItem.Kind.ACTIVITY,
        description="Tests how the group's members coordinate anti-trafficking work in country teams.",
    ),
    DemoItem(
        6,
        "Expert contribution to the Global Compact for Safe, Orderly and Regular Migration (Objective 10)",
        "IOM",
        ["UNODC", "OHCHR", "UNHCR"],
        S.DONE,
        100,
        -3050,
        -2960,
        [(2970, "Joint statement delivered to the negotiations on the zero draft.")],
    ),
    DemoItem(
        6,
        "Joint statement for the General Assembly's high-level meeting on the Global Plan of Action",
        "UNODC",
        ["ICMPD", "UNHCR", "OHCHR", "UN Women"],
        S.DONE,
        100,
        -1900,
        -1830,
        [(1830, "Adopted at the third principal-level meeting, 15 November 2021.")],
    ),
    DemoItem(
        6,
        "Joint statement for the World Day against Trafficking in Persons (30 July)",
        "UNODC",
        EVERYONE[:10],
        S.NOT_STARTED,
        0,
        90,
        240,
        kind=WorkItem.Kind.DELIVERABLE,
    ),
    DemoItem(
        6,
        "Submission to the next appraisal of the Global Plan of Action",
        "OHCHR",
        ["UNODC", "UNICEF", "DPA", "DPKO", "OSAPG"],
        S.ON_TRACK,
        25,
        -90,
        150,
        [(60, "Structure agreed; contributions requested from the members.")],
    ),
    DemoItem(
        7,
        "Joint Call to Action on trafficking in humanitarian crises and conflicts",
        "ICMPD",
        ["UNODC", "UNHCR", "IOM", "UNICEF", "UN Women", "SRSG-SVC"],
        S.DONE,
        100,
        -1500,
        -1440,
        [(1445, "Endorsed by the principals in December 2022.")],
    ),
    DemoItem(
        7,
        "Issue brief update: Trafficking in persons in humanitarian crises",
        "UNHCR",
        ["IOM", "UN Women", "SRSG-SVC", "UNFPA"],
        S.AT_RISK,
        50,
        -180,
        20,
        [
            (150, "Review of the June 2017 brief completed."),
            (100, "New chapter on conflict-related sexual violence drafted with SRSG-SVC."),
        ],
        [("Review of the 2017 brief", -150, True), ("Cleared by contributors", 14, False)],
    ),
    DemoItem(
        7,
        "Policy support group on trafficking risks of people fleeing conflict",
        "UNODC",
        ["UNHCR", "IOM", "UNICEF", "OSCE", "CoE", "UNESCO", "UNAIDS", "ICAO"],
        S.ON_TRACK,
        65,
        -700,
        75,
        [
            (600, "Ad hoc Policy Support Group set up; all members invited."),
            (200, "Shared messages on risks at border crossings agreed."),
            (15, "Review of transport-sector awareness materials with ICAO."),
        ],
        kind=WorkItem.Kind.ACTIVITY,
    ),
]


def _at(days_ago: int) -> datetime:
    moment = datetime.combine(timezone.localdate() - timedelta(days=days_ago), time(10, 0))
    return timezone.make_aware(moment, timezone.get_default_timezone())


@transaction.atomic
def load_work_plan() -> dict[str, int]:
    if WorkPlan.objects.filter(title=PLAN_TITLE).exists():
        return {"work plans": 0}
    secretariat = Person.objects.get(email=demo_email("secretariat"))
    today = timezone.localdate()
    plan = work_plan_create(
        actor=secretariat,
        title=PLAN_TITLE,
        first_year=2019,
        last_year=today.year + 1,
        status=WorkPlan.Status.ADOPTED,
        adopted_on=date(2019, 1, 31),
        description=(
            "Formulated at the Working Group meeting of 3–4 October 2018 in New York, finalised in the "
            "following months and carried out from 2019 under the co-chairs OSCE and UN Women; its "
            "priority areas follow the pledges of the 2022 co-chairs, ICMPD and UNODC. "
            "(Demonstration data: the adoption date and the items' dates are illustrative.)"
        ),
    )
    areas: list[PriorityArea] = [
        priority_area_create(plan=plan, actor=secretariat, title=title, description=description)
        for title, description in AREAS
    ]
    organisations = {o.acronym: o for o in Organisation.objects.all()}
    focal_points = {
        p.organisation.acronym: p
        for p in Person.objects.filter(role=Person.Role.FOCAL_POINT).select_related("organisation")
        if p.organisation is not None
    }
    for demo in ITEMS:
        lead = organisations[demo.lead]
        item = work_item_create(
            actor=secretariat,
            priority_area=areas[demo.area],
            title=demo.title,
            lead_organisation=lead,
            contributing_organisations=[
                organisations[a] for a in demo.contributors if a != demo.lead
            ],
            owner=focal_points.get(demo.lead),
            description=demo.description,
            kind=demo.kind,
            start_on=today + timedelta(days=demo.start),
            due_on=today + timedelta(days=demo.due),
        )
        created = (
            _at(max(days for days, _ in demo.updates) + 5)
            if demo.updates
            else _at(max(0, -demo.start))
        )
        latest = created
        for n, (days_ago, narrative) in enumerate(sorted(demo.updates, reverse=True), start=1):
            # The history climbs to the item's present state; the last update sets it.
            last = n == len(demo.updates)
            ProgressUpdate.objects.create(
                item=item,
                author=focal_points[demo.lead],
                organisation=lead,
                narrative=narrative,
                reported_on=today - timedelta(days=days_ago),
                created_at=_at(days_ago),
                status=demo.status
                if last
                else (S.ON_TRACK if demo.status != S.NOT_STARTED else S.NOT_STARTED),
                percent_complete=demo.percent
                if last
                else round(demo.percent * n / (len(demo.updates) + 1)),
            )
            latest = _at(days_ago)
        # The demonstration's history starts when the item did, not on the day it was loaded.
        LogEntry.objects.get_for_object(item).update(timestamp=created)
        WorkItem.objects.filter(pk=item.pk).update(
            status=demo.status,
            percent_complete=demo.percent,
            created_at=created,
            last_progress_at=latest,
        )
        Milestone.objects.bulk_create(
            Milestone(
                item=item,
                title=title,
                due_on=today + timedelta(days=due),
                done_on=today + timedelta(days=due) if done else None,
            )
            for title, due, done in demo.milestones
        )
    return {"work plans": 1}


# --- The chairs' pledges -------------------------------------------------------------------------

# The 2022 co-chairs pledged together to advance seven priority areas (shared/seeds). The
# demonstration records each under the co-chair that leads on it; that split is illustrative.
PLEDGES_2022: list[tuple[str, int, str, str]] = [
    # (co-chair, area index, title, what the pledge says)
    ("UNODC", 0, "Include survivors' voices", "Survivors inform the group's policy work."),
    (
        "ICMPD",
        1,
        "Multi-stakeholder collaboration",
        "Work with States, civil society and the private sector.",
    ),
    (
        "UNODC",
        2,
        "Knowledge production and dissemination",
        "Issue briefs, policy papers and the annual report.",
    ),
    (
        "ICMPD",
        3,
        "Prevent trafficking in persons in procurement",
        "Make public and private supply chains free of trafficking.",
    ),
    (
        "ICMPD",
        4,
        "Reinforce existing partnerships",
        "Other coordination mechanisms and partners.",
    ),
    ("ICMPD", 5, "Closer coordination with and at the field level", ""),
    (
        "UNODC",
        6,
        "Continue to shape multilateral policy on trafficking in persons",
        "Joint statements, expert submissions and briefings to Member States.",
    ),
]
# How the 2022 pledges stood at the end of the term: (status, percent, date, narrative).
PLEDGE_PROGRESS_2022: dict[int, tuple[str, int, date, str]] = {
    0: (S.ON_TRACK, 60, date(2022, 10, 20), "Consultations with survivor-led organisations."),
    1: (
        S.DONE,
        100,
        date(2022, 11, 10),
        "Joint ICMPD-ICAT discussion at the 2022 Vienna "
        "Migration Conference: Beyond the Short Term.",
    ),
    2: (
        S.DONE,
        100,
        date(2022, 12, 15),
        "Issue briefs published; the 2022 annual report in preparation.",
    ),
    3: (S.AT_RISK, 35, date(2022, 12, 1), "Drafting delayed; carried into the next term."),
    4: (S.ON_TRACK, 70, date(2022, 9, 30), "Joint session with the OSCE Alliance."),
    5: (S.OFF_TRACK, 20, date(2022, 11, 30), "Field pilot postponed."),
    6: (
        S.DONE,
        100,
        date(2022, 12, 12),
        "Joint Call to Action on trafficking in humanitarian "
        "crises and conflicts endorsed by the principals in December 2022.",
    ),
}
REPORT_2022_ICMPD = (
    "We pledged, as co-chairs for 2022, to advance on seven priority areas: the inclusion of "
    "survivors' voices, multi-stakeholder collaboration, knowledge production and dissemination, "
    "preventing trafficking in persons in procurement, reinforcing existing partnerships, closer "
    "coordination with and at the field level, and the development of multilateral policy.\n\n"
    "After the escalation of the conflict in Ukraine, the group put a resolute focus on "
    "vulnerability to trafficking in humanitarian crises and conflicts without losing sight of "
    "these commitments: an ad hoc Policy Support Group let all 31 members coordinate their policy "
    'work; the joint ICMPD-ICAT discussion "Beyond the Short Term" took place on the margins of '
    "the 2022 Vienna Migration Conference; and the principals endorsed a Joint Call to Action in "
    "December 2022.\n\n"
    "Procurement and field-level coordination moved more slowly and pass to the next chairs. "
    "The 2022 annual report, produced by the co-chairs, covers the members' progress on the "
    "Plan of Action."
)
REPORTS_2022 = {
    "ICMPD": REPORT_2022_ICMPD,
    "UNODC": (
        "Beside ICMPD, UNODC took the lead on survivors' voices, knowledge production and the "
        "group's contribution to multilateral policy. Issue briefs were published through the "
        "year; the Joint Call to Action on trafficking in humanitarian crises and conflicts was "
        "endorsed by the principals in December 2022; consultations with survivor-led "
        "organisations started and continue. As permanent coordinator, UNODC compiled the 2022 "
        "annual report with ICMPD, published in March 2023."
    ),
}

# The current demonstration term's pledges, for its chairs in acronym order (the demonstration
# may name other chairs one day): (chair index, area index, title, text, target, item titles,
# updates as (days ago, status, percent, narrative)).
CURRENT_PLEDGES: list[
    tuple[int, int, str, str, str, list[str], list[tuple[int, str, int, str]]]
] = [
    (
        0,
        7,
        "Keep the focus on vulnerability in humanitarian crises and conflicts",
        "Carry on the Policy Support Group and update the issue brief on crises.",
        "By the end of the term",
        [
            "Policy support group on trafficking risks of people fleeing conflict",
            "Issue brief update: Trafficking in persons in humanitarian crises",
        ],
        [
            (120, S.ON_TRACK, 40, "Policy Support Group meets monthly; brief under review."),
            (15, S.AT_RISK, 55, "Clearance of the brief update is slow."),
        ],
    ),
    (
        0,
        1,
        "Brief Member States and civil society twice a year",
        "A briefing in New York and one in Vienna.",
        "Two briefings by the end of the term",
        ["Briefing to Member States and civil society on the group's work"],
        [(30, S.ON_TRACK, 50, "First briefing held; the second is being prepared.")],
    ),
    (
        1,
        2,
        "Publish the annual report and the second edition of the toolkit",
        "The co-chairs produce the annual report from the progress recorded in the hub.",
        "Annual report in the first quarter after the term",
        [
            "Annual report on the implementation of the Plan of Action",
            "Toolkit for designing and evaluating counter-trafficking programmes: second edition",
        ],
        [(40, S.OFF_TRACK, 25, "The toolkit's expert group meeting lacks funding.")],
    ),
    (
        1,
        0,
        "Meaningful engagement of survivors",
        "Adopt guidance on engaging survivors in the group's work.",
        "Guidance adopted by the Working Group",
        ["Guidance on the meaningful engagement of survivors in the group's work"],
        [],
    ),
]
NEXT_PLEDGE = (
    "Draft: priorities for our term",
    "Drafted by the incoming chairs before the term starts; to be discussed at the handover.",
)


@transaction.atomic
def load_pledges() -> dict[str, int]:
    """The chairs' pledges: the 2022 co-chairs' (from the seeds) with their report, the current
    demonstration term's with a few updates, and a draft of the incoming chairs'. A pledge of
    the same title for the same term and chair is left as it is."""
    secretariat = Person.objects.filter(email=demo_email("secretariat")).first()
    plan = WorkPlan.objects.filter(title=PLAN_TITLE).first()
    if secretariat is None or plan is None:
        return {"pledges": 0}
    areas = list(plan.priority_areas.order_by("position", "pk"))
    items = {i.title: i for i in WorkItem.objects.filter(priority_area__plan=plan)}
    written = {"pledges": 0, "pledge updates": 0, "pledge reports": 0}
    today = timezone.localdate()

    def pledge(
        term: ChairTerm,
        chair: Organisation,
        title: str,
        *,
        text: str,
        target: str,
        priority_areas: list[PriorityArea] | None = None,
        work_items: list[WorkItem] | None = None,
    ) -> Pledge | None:
        if Pledge.objects.filter(term=term, organisation=chair, title=title).exists():
            return None
        written["pledges"] += 1
        return pledge_create(
            actor=secretariat,
            term=term,
            organisation=chair,
            title=title,
            text=text,
            target=target,
            priority_areas=priority_areas,
            work_items=work_items,
        )

    def progress(p: Pledge, on: date, status: str, percent: int, narrative: str) -> None:
        update = pledge_progress_post(
            pledge=p,
            actor=secretariat,
            narrative=narrative,
            status=status,
            percent_complete=percent,
            reported_on=on,
        )
        moment = timezone.make_aware(datetime.combine(on, time(10, 0)))
        PledgeUpdate.objects.filter(pk=update.pk).update(created_at=moment)
        Pledge.objects.filter(pk=p.pk).update(last_progress_at=moment)
        written["pledge updates"] += 1

    term_2022 = ChairTerm.objects.filter(starts_on=date(2022, 1, 1)).first()
    if term_2022 is not None:
        chairs = {o.acronym: o for o in term_2022.organisations.all()}
        for n, (acronym, area, title, text) in enumerate(PLEDGES_2022):
            if acronym not in chairs or area >= len(areas):
                continue
            made = pledge(
                term_2022,
                chairs[acronym],
                title,
                text=text,
                target="By the end of 2022",
                priority_areas=[areas[area]],
            )
            if made is not None and n in PLEDGE_PROGRESS_2022:
                status, percent, on, narrative = PLEDGE_PROGRESS_2022[n]
                progress(made, on, status, percent, narrative)
        for acronym, chair in chairs.items():
            exists = PledgeReport.objects.filter(term=term_2022, organisation=chair).exists()
            if acronym in REPORTS_2022 and not exists:
                pledge_report_save(
                    term=term_2022,
                    organisation=chair,
                    actor=secretariat,
                    text=REPORTS_2022[acronym],
                    version=0,
                )
                written["pledge reports"] += 1

    current = current_chair_term()
    if current is not None:
        chairs_now = sorted(current.organisations.all(), key=lambda o: o.acronym)
        for chair_n, area, title, text, target, titles, updates in CURRENT_PLEDGES:
            chair = chairs_now[min(chair_n, len(chairs_now) - 1)]
            made = pledge(
                current,
                chair,
                title,
                text=text,
                target=target,
                priority_areas=[areas[area]] if area < len(areas) else [],
                work_items=[items[t] for t in titles if t in items],
            )
            for days_ago, status, percent, narrative in sorted(updates, reverse=True):
                if made is not None:
                    # Within the term, even on its first days.
                    on = max(today - timedelta(days=days_ago), current.starts_on)
                    progress(made, on, status, percent, narrative)

    following = next_chair_term()
    if following is not None:
        title, text = NEXT_PLEDGE
        for chair in following.organisations.all():
            pledge(following, chair, title, text=text, target="By the end of the term")
    return written
