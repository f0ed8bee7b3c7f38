"""A large group for the benchmark, written in bulk: 30 organisations, 300 people, a work plan of
5,000 items with 20,000 progress updates."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from coordination.models import ChairTerm, Organisation, Person
from meetings.models import ActionItem, AgendaItem, Decision, Invitation, Meeting
from workplans.models import PriorityArea, ProgressUpdate, WorkItem, WorkPlan

# BENCH_SIZE=small (CI) builds a tenth of the items, updates and meetings: enough to run every
# page, and the query counts must not differ (they are flat in the data's size).
SMALL = os.environ.get("BENCH_SIZE", "large") == "small"
ORGANISATIONS = 30
PEOPLE = 300
ITEMS = 500 if SMALL else 5_000
UPDATES = 2_000 if SMALL else 20_000
AREAS = 8
MEETINGS = 50 if SMALL else 500


@dataclass
class Group:
    organisation: Organisation
    focal_point: Person
    secretariat: Person
    plan: WorkPlan
    item: WorkItem
    meeting: Meeting
    summary: str


def build_group() -> Group:
    with disable_auditlog():
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench Organisation {n}",
                acronym=f"BO{n}",
                slug=f"bo{n}",
                is_working_group_member=n % 3 == 0,
                is_permanent_coordinator=n == 0,
                time_zone="Europe/Vienna",
            )
            for n in range(ORGANISATIONS)
        )
        roles = [
            Person.Role.FOCAL_POINT,
            Person.Role.ALTERNATE,
            Person.Role.PRINCIPAL,
            Person.Role.OBSERVER,
        ]
        password = make_password("bench-password")
        people = Person.objects.bulk_create(
            Person(
                email=f"person{n}@bench.example",
                full_name=f"Bench Person {n}",
                organisation=organisations[n % ORGANISATIONS],
                role=Person.Role.SECRETARIAT if n == 0 else roles[n % len(roles)],
                password=password,
            )
            for n in range(PEOPLE)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people
        )
        term = ChairTerm.objects.create(starts_on=date(2000, 1, 1), ends_on=date(2100, 12, 31))
        term.organisations.set(organisations[:2])
    # Some history for the audit page, written the normal way.
    from coordination.services import organisation_update

    secretariat = people[0]
    for organisation in organisations[:20]:
        organisation_update(
            organisation=organisation,
            actor=secretariat,
            version=organisation.version,
            headquarters_city="Geneva",
        )
    focal = next(p for p in people if p.role == Person.Role.FOCAL_POINT)
    plan, item = build_work_plan(organisations, people, focal)
    meeting = build_meetings(organisations, people)
    return Group(
        organisation=organisations[1],
        focal_point=focal,
        secretariat=secretariat,
        plan=plan,
        item=item,
        meeting=meeting,
        summary=f"{ORGANISATIONS} organisations, {PEOPLE} people, {ITEMS:,} work items, {UPDATES:,} progress updates and {MEETINGS} meetings",
    )


def build_work_plan(
    organisations: list[Organisation], people: list[Person], focal: Person
) -> tuple[WorkPlan, WorkItem]:
    today = timezone.localdate()
    rng = random.Random(2018)  # the same group every run
    statuses = WorkItem.Status.values
    owners = [
        p for p in people if p.role == Person.Role.FOCAL_POINT
    ]  # items are owned by focal points
    with disable_auditlog():
        plan = WorkPlan.objects.create(
            title="Bench plan", first_year=today.year - 3, last_year=today.year + 2
        )
        areas = PriorityArea.objects.bulk_create(
            PriorityArea(plan=plan, title=f"Priority area {n}", position=n) for n in range(AREAS)
        )
        items = []
        for n in range(ITEMS):
            status = rng.choice(statuses)
            items.append(
                WorkItem(
                    priority_area=areas[n % AREAS],
                    title=f"Bench work item {n}",
                    description="An activity of the bench plan. " * 5,
                    lead_organisation=organisations[n % ORGANISATIONS],
                    owner=owners[n % len(owners)],
                    start_on=today - timedelta(days=rng.randint(121, 900)),
                    due_on=today + timedelta(days=rng.randint(-120, 400)),
                    status=status,  # after start_on: both from today
                    percent_complete=100 if status == WorkItem.Status.DONE else rng.randint(0, 95),
                    last_progress_at=timezone.now() - timedelta(days=rng.randint(0, 200)),
                )
            )
        items = WorkItem.objects.bulk_create(items, batch_size=1000)
        through = WorkItem.contributing_organisations.through
        through.objects.bulk_create(
            (
                through(
                    workitem_id=item.pk, organisation_id=organisations[(i + k) % ORGANISATIONS].pk
                )
                for i, item in enumerate(items)
                for k in (1, 2)
            ),
            batch_size=2000,
        )
        ProgressUpdate.objects.bulk_create(
            (
                ProgressUpdate(
                    item=items[n % ITEMS],
                    author=people[n % PEOPLE],
                    organisation_id=items[n % ITEMS].lead_organisation_id,
                    reported_on=today - timedelta(days=rng.randint(0, 900)),
                    narrative="Progress on the bench item. " * 4,
                    status=rng.choice(statuses[:4]),
                    percent_complete=rng.randint(0, 95),
                )
                for n in range(UPDATES)
            ),
            batch_size=2000,
        )
    # The item the benchmark opens: led by the focal point's organisation, with a history.
    item = next(i for i in items if i.lead_organisation_id == focal.organisation_id)
    return plan, item


def build_meetings(organisations: list[Organisation], people: list[Person]) -> Meeting:
    """500 meetings over four years, each inviting every organisation; one busy meeting today."""
    now = timezone.now()
    with disable_auditlog():
        meetings = Meeting.objects.bulk_create(
            Meeting(
                title=f"Bench meeting {n}",
                kind=Meeting.Kind.WORKING_GROUP,
                time_zone="Europe/Vienna",
                starts_at=now + timedelta(days=n * 3 - 1000),
                ends_at=now + timedelta(days=n * 3 - 1000, hours=3),
                venue="Vienna",
                status=Meeting.Status.SCHEDULED,
            )
            for n in range(MEETINGS)
        )
        Invitation.objects.bulk_create(
            (
                Invitation(
                    meeting=m,
                    organisation=o,
                    response=Invitation.Response.values[(m.pk + o.pk) % 4],
                )
                for m in meetings
                for o in organisations
            ),
            batch_size=5000,
        )
        busy = meetings[MEETINGS // 2]
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=busy,
                position=n,
                title=f"Agenda item {n}",
                presenter_organisation=organisations[n % ORGANISATIONS],
            )
            for n in range(15)
        )
        Decision.objects.bulk_create(
            Decision(meeting=busy, text=f"Decision {n}") for n in range(10)
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=busy,
                text=f"Action {n}",
                owner_organisation=organisations[n],
                owner=people[n],
            )
            for n in range(10)
        )
    return busy
