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
from coordination.models import Organisation, Person
from workplans.models import Milestone, PriorityArea, ProgressUpdate, WorkItem, WorkPlan
from workplans.services import priority_area_create, work_item_create, work_plan_create

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
