"""The newer capabilities' data for the benchmark, written in bulk beside bench.data's group.

- chair terms: ten past terms and the current one, the last four and the current with pledges
  (progress updates, reports) and a signed-off handover; the next term with its handover open:
  the checklist generated from the live data, thirty tasks added by hand, comments, two of the
  five signatures;
- statements: 200 in every stage, with versions of 8 to 40 paragraphs, comments and change
  proposals anchored to them, endorsement rounds (open, voided, closed at adoption); the one the
  benchmark opens is in endorsement before all 30 organisations, of which 20 have answered;
- the mapping resource: four taxonomies, a profile per organisation with superseded and published
  revisions (initiatives, partnerships), some with a revision in progress;
- a monthly video call series, started a year ago and stored a year ahead.

Rows are written straight to the models, with the audit log off, as bench.data does. Services
run where their invariants are more than a row's: the handover is opened by its service (which
generates its checklist), and the answers of the benchmark's round are given through theirs with
the audit log on, because the round's board shows their history from it. Nothing is told to
anyone (notifications.contract.muted): the outbox stays empty.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

from auditlog.context import disable_auditlog
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from bench.data import Group
from common.dates import group_time_zone, group_today
from coordination import handovers
from coordination.models import (
    ChairTerm,
    Handover,
    HandoverComment,
    HandoverSignature,
    HandoverTask,
    Organisation,
    Person,
)
from mapping.models import Initiative, Level, Partnership, Profile, Revision, Term
from meetings import series as meeting_series
from meetings.models import AgendaItem, Decision, Invitation, Meeting, Series
from notifications import contract
from notifications.models import Delivery
from statements import rounds
from statements.delivery import round_opened_key
from statements.models import (
    Comment,
    Endorsement,
    EndorsementRound,
    NoComments,
    Paragraph,
    Statement,
    Version,
)
from statements.notify import ENDORSEMENT_REQUESTED
from workplans.models import Pledge, PledgeReport, PledgeUpdate, PriorityArea, WorkItem

PAST_TERMS = 10
TERMS_WITH_PLEDGES = 4  # of the past terms: pledges came with the newer capabilities
PLEDGES_PER_CHAIR = 5
UPDATES_PER_PLEDGE = 6
ADDED_TASKS = 30
HANDOVER_COMMENTS = 40

# Statements by stage: 200 in all.
STAGES = {
    "drafting": 40,
    "comments": 30,
    "endorsement": 20,
    "adopted": 20,
    "published": 70,
    "withdrawn": 20,
}
BENCH_PARAGRAPHS = 40
BENCH_VERSIONS = 6
BENCH_COMMENTS = 150
BENCH_ANSWERS = 20

# Taxonomy sizes; the last term of each is retired.
TAXONOMY_SIZES = {
    Term.Taxonomy.REGION: 20,
    Term.Taxonomy.FORM: 10,
    Term.Taxonomy.INTERVENTION: 12,
    Term.Taxonomy.PRIORITY_AREA: 10,
}
BENCH_INITIATIVES = 30
BENCH_PARTNERSHIPS = 10

SENTENCES = (
    "Trafficking in persons remains a grave violation of human rights that affects every region.",
    "Victims are too often treated as offenders and punished for acts they were compelled to commit.",
    "We call on Member States to apply the non-punishment principle in law and in practice.",
    "Supply chains must be free from forced labour and every other form of labour exploitation.",
    "Children on the move face heightened risks of trafficking and must be protected first.",
    "Survivors should be heard in the design of the policies and programmes that concern them.",
    "Reliable data, disaggregated by sex and age, are the basis of any effective response.",
    "Access to justice and to effective remedies must be ensured for every victim.",
    "Cooperation across borders and between agencies is essential to dismantle criminal networks.",
    "Gender-sensitive and child-sensitive approaches must guide identification and referral.",
    "Conflict and displacement create conditions that traffickers are quick to exploit.",
    "Technology is used to recruit and exploit victims, and it can also help to protect them.",
    "The members of the group stand ready to support States in implementing the Protocol.",
    "Prevention means addressing the root causes that make people vulnerable to trafficking.",
    "National referral mechanisms should connect identification with assistance without delay.",
    "Financial investigations can follow the profits of exploitation and deprive offenders of them.",
)
TASK_TITLES = (
    "Pass on the contact list of the missions in Vienna and Geneva",
    "Brief the incoming chairs on the side event at the Commission",
    "Hand over the draft agenda of the next principals' meeting",
    "Share the budget and the open commitments of the chairs' office",
    "Introduce the incoming chairs to the drafters of the call to action",
    "Transfer the shared drive and the mailing lists",
    "Agree who presents the annual report to the Member States",
    "Walk through the pledges still open and what remains to do",
    "Confirm the host and dates of the autumn Working Group meeting",
    "Send the incoming chairs the notes of the donor consultations",
)


@dataclass
class People:
    secretariat: Person
    # Focal points and alternates by organisation id: they act for it.
    acting: dict[int, list[Person]]
    principals: dict[int, list[Person]]

    def speaker(self, organisation_id: int, rng: random.Random) -> Person:
        """Someone who comments or answers for the organisation."""
        return rng.choice(self.acting[organisation_id] + self.principals.get(organisation_id, []))


def build_capabilities(group: Group) -> dict[str, str]:
    """Add the newer capabilities' data to the group; returns the pages to measure by name."""
    rng = random.Random(2022)  # the same data every run
    organisations = list(Organisation.objects.order_by("pk"))
    people = _people()
    with disable_auditlog(), contract.muted():
        statement, round = build_statements(organisations, people, rng)
        profile_organisation = build_mapping(group, organisations, people, rng)
        series = build_series(organisations, people, rng)
        # Last: the handover's checklist is generated from everything above.
        term, handover = build_chairs(group, organisations, people, rng)
    # After the rest: the board reads its history from the audit log, so these are audited.
    with contract.muted():
        answer_round(round, organisations, people, rng)
    return {
        "chair terms": reverse("coordination:term_list"),
        "chair term page": term.get_absolute_url(),
        # Only the two sides' chairs and the secretariat see a handover.
        "handover (secretariat)": handover.get_absolute_url(),
        "statement list": reverse("statements:statement_list"),
        "statement page": statement.get_absolute_url(),
        "statement board": reverse("statements:round_board", args=[round.pk]),
        "mapping overview": reverse("mapping:overview"),
        "mapping profile": reverse("mapping:profile_detail", args=[profile_organisation.slug]),
        "series page": series.get_absolute_url(),
    }


def _people() -> People:
    acting: dict[int, list[Person]] = defaultdict(list)
    principals: dict[int, list[Person]] = defaultdict(list)
    secretariat = None
    for person in Person.objects.order_by("pk"):
        if person.role == Person.Role.SECRETARIAT and secretariat is None:
            secretariat = person
        elif person.organisation_id is None:
            continue
        elif person.role in (Person.Role.FOCAL_POINT, Person.Role.ALTERNATE):
            acting[person.organisation_id].append(person)
        elif person.role == Person.Role.PRINCIPAL:
            principals[person.organisation_id].append(person)
    assert secretariat is not None  # noqa: S101 - bench.data makes one
    return People(secretariat=secretariat, acting=dict(acting), principals=dict(principals))


def _text(rng: random.Random, sentences: int) -> str:
    return " ".join(rng.sample(SENTENCES, sentences))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=group_time_zone())


# --- Chair terms, pledges and the handover -------------------------------------------------------


def build_chairs(
    group: Group, organisations: list[Organisation], people: People, rng: random.Random
) -> tuple[ChairTerm, Handover]:
    """The current term (bench.data's, given this year's dates), ten past terms and the next one,
    each with one or two chairs; pledges of the last four, the current and the next; the handover
    to the next term's chairs, open. The focal point the benchmark logs in as never chairs, so
    that its pages measure the same role as before."""
    today = group_today()
    year = today.year
    current = ChairTerm.objects.covering(today).prefetch_related("organisations").get()
    ChairTerm.objects.filter(pk=current.pk).update(
        starts_on=date(year, 1, 1), ends_on=date(year, 12, 31), note="Endorsed by the principals."
    )
    current.refresh_from_db()
    current_chairs = {o.pk for o in current.organisations.all()}
    candidates = [
        o
        for o in organisations
        if o.pk != group.focal_point.organisation_id and o.pk not in current_chairs
    ]
    terms = ChairTerm.objects.bulk_create(
        [
            *(
                ChairTerm(starts_on=date(year - k, 1, 1), ends_on=date(year - k, 12, 31))
                for k in range(PAST_TERMS, 0, -1)
            ),
            ChairTerm(
                starts_on=date(year + 1, 1, 1),
                ends_on=date(year + 1, 12, 31),
                note="Endorsed at the principals' meeting.",
            ),
        ]
    )
    *past, upcoming = terms
    chairs: dict[int, list[Organisation]] = {current.pk: list(current.organisations.all())}
    for k, term in enumerate(past):
        # One chair, or two co-chairs every other year; the permanent coordinator chairs twice.
        chosen = [candidates[(3 * k) % len(candidates)]]
        if k % 2:
            chosen.append(candidates[(3 * k + 7) % len(candidates)])
        if k in (4, 8):
            chosen[-1] = organisations[0]
        chairs[term.pk] = chosen
    chairs[upcoming.pk] = candidates[1:3]
    through = ChairTerm.organisations.through
    through.objects.bulk_create(
        through(chairterm_id=term.pk, organisation_id=o.pk)
        for term in terms
        for o in chairs[term.pk]
    )
    _endorsements(current, upcoming)
    pledged = [*past[-TERMS_WITH_PLEDGES:], current, upcoming]
    _pledges(group, pledged, chairs, people, rng)
    # The handovers to the terms that came with the newer capabilities, signed off long ago.
    for before, term in pairwise(pledged[:-1]):
        _signed_off_handover(term, before, chairs, people, rng)

    # The handover: opened by its service, which generates the checklist from the live data.
    upcoming = ChairTerm.objects.prefetch_related("organisations").get(pk=upcoming.pk)
    handover = handovers.handover_open(term=upcoming, actor=people.secretariat)
    Handover.objects.filter(pk=handover.pk).update(opened_at=timezone.now() - timedelta(days=35))
    _handover_work(handover, current, upcoming, chairs, people, rng)
    return current, handover


def _endorsements(current: ChairTerm, upcoming: ChairTerm) -> None:
    """The principals' decisions endorsing the current and the next chairs, on past meetings."""
    now = timezone.now()
    past = Meeting.objects.filter(series__isnull=True, starts_at__lt=now)
    for term, before in ((current, _at(current.starts_on)), (upcoming, now - timedelta(days=30))):
        meeting = past.filter(starts_at__lt=before).order_by("-starts_at").first()
        if meeting is not None:
            Decision.objects.create(
                meeting=meeting,
                text=f"The principals endorsed the chairs of the {term} term.",
                endorses_term=term,
            )


def _pledges(
    group: Group,
    terms: Sequence[ChairTerm],
    chairs: dict[int, list[Organisation]],
    people: People,
    rng: random.Random,
) -> None:
    today = group_today()
    areas = list(PriorityArea.objects.filter(plan=group.plan).order_by("position"))
    items_by_area: dict[int, list[int]] = defaultdict(list)
    for pk, area_id in WorkItem.objects.filter(priority_area__plan=group.plan).values_list(
        "pk", "priority_area_id"
    ):
        items_by_area[area_id].append(pk)
    statuses = Pledge.Status.values
    pledges: list[Pledge] = []
    # (index in pledges, the priority area it concerns if any, the work items it names)
    links: list[tuple[int, int | None, list[int]]] = []
    for term in terms:
        started = term.starts_on <= today
        ended = term.ends_on < today
        for organisation in chairs[term.pk]:
            for n in range(PLEDGES_PER_CHAIR):
                status: str
                if ended:
                    status = rng.choice(Pledge.CLOSED_STATUSES)
                elif started:
                    status = rng.choice(statuses[1:])  # not "not started": it has updates
                else:
                    status = Pledge.Status.NOT_STARTED
                percent = (
                    100 if status == Pledge.Status.DONE else rng.randint(0, 90) if started else 0
                )
                # A chair's first pledge is on its priority area as a whole (the handover then
                # carries all of the area's open items); the others name work items.
                area = areas[(n + organisation.pk) % len(areas)]
                items = rng.sample(items_by_area[area.pk], k=rng.randint(2, 5))
                links.append((len(pledges), area.pk if n == 0 else None, items))
                pledges.append(
                    Pledge(
                        term=term,
                        organisation=organisation,
                        title=f"{organisation.acronym} pledge {n + 1}: {area.title}",
                        text=_text(rng, 3),
                        target=f"By the end of {term.ends_on.year}",
                        status=status,
                        percent_complete=percent,
                        created_at=_at(term.starts_on - timedelta(days=40)),
                        last_progress_at=_at(
                            term.starts_on
                            + (min(today, term.ends_on) - term.starts_on)
                            * UPDATES_PER_PLEDGE
                            // (UPDATES_PER_PLEDGE + 1)
                        )
                        if started
                        else None,
                    )
                )
    pledges = Pledge.objects.bulk_create(pledges)
    areas_through = Pledge.priority_areas.through
    areas_through.objects.bulk_create(
        areas_through(pledge_id=pledges[i].pk, priorityarea_id=area)
        for i, area, _items in links
        if area is not None
    )
    items_through = Pledge.work_items.through
    items_through.objects.bulk_create(
        items_through(pledge_id=pledges[i].pk, workitem_id=item)
        for i, _area, items in links
        for item in items
    )
    updates = []
    for pledge in pledges:
        term = pledge.term
        if term.starts_on > today:
            continue
        last = min(today, term.ends_on)
        span = (last - term.starts_on).days
        for k in range(UPDATES_PER_PLEDGE):
            updates.append(
                PledgeUpdate(
                    pledge=pledge,
                    author=people.acting[pledge.organisation_id][0],
                    reported_on=term.starts_on
                    + timedelta(days=span * (k + 1) // (UPDATES_PER_PLEDGE + 1)),
                    narrative=_text(rng, 2),
                    status=pledge.status if k == UPDATES_PER_PLEDGE - 1 else Pledge.Status.ON_TRACK,
                    percent_complete=pledge.percent_complete * (k + 1) // UPDATES_PER_PLEDGE,
                )
            )
    PledgeUpdate.objects.bulk_create(updates, batch_size=1000)
    PledgeReport.objects.bulk_create(
        PledgeReport(
            term=term,
            organisation=organisation,
            text=_text(rng, 6),
            written_by=people.acting[organisation.pk][0],
            updated_at=_at(term.ends_on),
        )
        for term in terms
        if term.ends_on < today
        for organisation in chairs[term.pk]
    )


def _signed_off_handover(
    term: ChairTerm,
    before: ChairTerm,
    chairs: dict[int, list[Organisation]],
    people: People,
    rng: random.Random,
) -> None:
    """A handover signed off before `term` started: its tasks as they were left, every signature,
    and the snapshot its page reads (coordination.handovers freezes it in this form)."""
    signed = _at(term.starts_on - timedelta(days=3))
    handover = Handover.objects.create(
        term=term,
        opened_at=signed - timedelta(days=60),
        opened_by=people.secretariat,
        signed_off_at=signed,
    )
    outgoing = chairs[before.pk]
    staying = {o.pk for o in outgoing}
    owners = [p for o in [*outgoing, *chairs[term.pk]] for p in people.acting[o.pk]]
    tasks = HandoverTask.objects.bulk_create(
        HandoverTask(
            handover=handover,
            title=f"{TASK_TITLES[n % len(TASK_TITLES)]} ({n // len(TASK_TITLES) + 1})",
            owner=owners[n % len(owners)],
            due_on=term.starts_on - timedelta(days=rng.randint(1, 40)),
            status=HandoverTask.Status.DONE if n % 6 else HandoverTask.Status.NOT_NEEDED,
            position=n,
            created_at=signed - timedelta(days=50),
        )
        for n in range(25)
    )
    needed = [
        *((HandoverSignature.Side.OUTGOING, o) for o in outgoing),
        *((HandoverSignature.Side.INCOMING, o) for o in chairs[term.pk] if o.pk not in staying),
        (HandoverSignature.Side.SECRETARIAT, None),
    ]
    signatures = HandoverSignature.objects.bulk_create(
        HandoverSignature(
            handover=handover,
            side=side,
            organisation=organisation,
            person=people.acting[organisation.pk][0] if organisation else people.secretariat,
            signed_at=signed - timedelta(days=len(needed) - n),
        )
        for n, (side, organisation) in enumerate(needed)
    )
    handover.snapshot = {
        "frozen_at": signed.isoformat(),
        "term": str(term),
        "outgoing_term": str(before),
        "groups": [
            {
                "source": "",
                "tasks": [
                    {
                        "id": task.pk,
                        "source": "",
                        "title": task.title,
                        "detail": "",
                        "url": "",
                        "owner": task.owner.full_name if task.owner else "",
                        "due_on": task.due_on.isoformat() if task.due_on else None,
                        "status": task.status,
                        "note": "",
                        "gone": False,
                        "comments": [],
                    }
                    for task in tasks
                ],
            }
        ],
        "comments": [],
        "signatures": [
            {
                "side": signature.side,
                "organisation": signature.organisation.acronym if signature.organisation else "",
                "person": signature.person.full_name,
                "at": signature.signed_at.isoformat(),
            }
            for signature in signatures
        ],
    }
    handover.save(update_fields=["snapshot"])


def _handover_work(
    handover: Handover,
    outgoing: ChairTerm,
    incoming: ChairTerm,
    chairs: dict[int, list[Organisation]],
    people: People,
    rng: random.Random,
) -> None:
    """Tasks added by hand, comments on them and on the generated ones, and the signatures of
    one outgoing and one incoming chair (the others have not signed: the handover stays open)."""
    now = timezone.now()
    owners = list(handovers.handover_people(handover, outgoing))
    position = (handover.tasks.aggregate(last=Max("position"))["last"] or 0) + 1
    due = handovers.default_due_on(incoming)
    statuses = HandoverTask.Status.values
    added = HandoverTask.objects.bulk_create(
        HandoverTask(
            handover=handover,
            title=f"{TASK_TITLES[n % len(TASK_TITLES)]} ({n // len(TASK_TITLES) + 1})",
            owner=owners[n % len(owners)] if n % 5 else None,
            due_on=due - timedelta(days=rng.randint(-10, 60)),
            status=statuses[n % 3] if n % 2 else HandoverTask.Status.OPEN,
            note=_text(rng, 1) if n % 3 == 0 else "",
            position=position + n,
            created_at=now - timedelta(days=rng.randint(1, 30)),
        )
        for n in range(ADDED_TASKS)
    )
    generated = list(handover.tasks.exclude(reference="").order_by("position")[:40])
    on_tasks = added + generated
    authors = [*owners, people.secretariat]
    HandoverComment.objects.bulk_create(
        HandoverComment(
            handover=handover,
            task=on_tasks[n % len(on_tasks)] if n % 4 else None,
            author=authors[n % len(authors)],
            text=_text(rng, rng.randint(1, 3)),
            created_at=now - timedelta(days=30) + timedelta(hours=17 * n),
        )
        for n in range(HANDOVER_COMMENTS)
    )
    first_out = chairs[outgoing.pk][0]
    first_in = next(
        o for o in chairs[incoming.pk] if o.pk not in {c.pk for c in chairs[outgoing.pk]}
    )
    HandoverSignature.objects.bulk_create(
        [
            HandoverSignature(
                handover=handover,
                side=HandoverSignature.Side.OUTGOING,
                organisation=first_out,
                person=people.acting[first_out.pk][0],
                signed_at=now - timedelta(days=3),
            ),
            HandoverSignature(
                handover=handover,
                side=HandoverSignature.Side.INCOMING,
                organisation=first_in,
                person=people.acting[first_in.pk][0],
                signed_at=now - timedelta(days=1),
            ),
        ]
    )


# --- Statements ----------------------------------------------------------------------------------


@dataclass
class _Draft:
    """A statement being built, with the texts of its versions (lists of (key, kind, text))."""

    statement: Statement
    stage: str
    leads: list[Organisation]
    drafters: list[Person]
    texts: list[list[tuple[str, str, str]]]
    versions: list[Version] | None = None


def _key(rng: random.Random) -> str:
    return f"{rng.getrandbits(48):012x}"


def _versions_text(
    rng: random.Random, count: int, paragraphs: int
) -> list[list[tuple[str, str, str]]]:
    """`count` versions of a text: each edits some paragraphs (same key), adds or removes one."""
    kinds = ["heading"] + [
        "list_item" if 4 <= n % 9 <= 6 else "paragraph" for n in range(1, paragraphs)
    ]
    text = [
        (_key(rng), kinds[n], _text(rng, 1) if kinds[n] == "heading" else _text(rng, 3))
        for n in range(paragraphs)
    ]
    versions = [text]
    for _n in range(count - 1):
        text = [
            (key, kind, _text(rng, 3) if kind != "heading" and rng.random() < 0.2 else words)
            for key, kind, words in text
        ]
        if rng.random() < 0.5:
            text.insert(rng.randint(1, len(text)), (_key(rng), "paragraph", _text(rng, 2)))
        if rng.random() < 0.3 and len(text) > 3:
            text.pop(rng.randint(1, len(text) - 1))
        versions.append(text)
    return versions


def build_statements(
    organisations: list[Organisation], people: People, rng: random.Random
) -> tuple[Statement, EndorsementRound]:
    """200 statements in every stage; returns the one the benchmark opens and its open round
    (answered afterwards, by answer_round)."""
    now = timezone.now()
    today = group_today()
    kinds = Statement.Kind.values
    drafts: list[_Draft] = []
    stages = [stage for stage, count in STAGES.items() for _n in range(count)]
    # The benchmark's statement first: in endorsement, the longest text, the most comments.
    stages.remove("endorsement")
    stages.insert(0, "endorsement")
    for n, stage in enumerate(stages):
        bench = n == 0
        age = 90 if bench else rng.randint(20, 900) if stage != "drafting" else rng.randint(1, 120)
        created = now - timedelta(days=age)
        leads = rng.sample(organisations, k=1 + (n % 3 == 0))
        drafters = [p for lead in leads for p in people.acting[lead.pk][:2]]
        versions = BENCH_VERSIONS if bench else rng.randint(1, 5)
        paragraphs = BENCH_PARAGRAPHS if bench else rng.randint(8, 20)
        statement = Statement(
            kind=kinds[n % len(kinds)],
            title=f"Bench {Statement.Kind(kinds[n % len(kinds)]).label.lower()} {n}: {rng.choice(SENTENCES)[:120]}",
            target_date=(created + timedelta(days=rng.randint(60, 200))).date(),
            created_at=created,
            created_by=drafters[0],
        )
        if stage == "comments":
            statement.comment_deadline = now + timedelta(days=rng.randint(2, 25))
        elif stage != "drafting":
            statement.comment_deadline = created + timedelta(days=age // 3)
        if stage in ("adopted", "published"):
            statement.adopted_at = created + timedelta(days=age * 2 // 3)
            statement.adopted_by = drafters[0]
            if stage == "published":
                published = min(today, (statement.adopted_at + timedelta(days=10)).date())
                statement.published_on = published
                statement.public_url = f"https://www.example.org/statements/{n}"
        elif stage == "withdrawn":
            statement.withdrawn_at = created + timedelta(days=age // 2)
            statement.withdrawn_by = drafters[0]
            statement.withdrawal_reason = "The members could not agree on the text."
        drafts.append(
            _Draft(
                statement=statement,
                stage=stage,
                leads=leads,
                drafters=drafters,
                texts=_versions_text(rng, versions, paragraphs),
            )
        )
    Statement.objects.bulk_create([d.statement for d in drafts], batch_size=500)
    lead_through = Statement.lead_organisations.through
    lead_through.objects.bulk_create(
        lead_through(statement_id=d.statement.pk, organisation_id=o.pk)
        for d in drafts
        for o in d.leads
    )
    drafter_through = Statement.drafters.through
    drafter_through.objects.bulk_create(
        drafter_through(statement_id=d.statement.pk, person_id=p.pk)
        for d in drafts
        for p in {p.pk: p for p in d.drafters}.values()
    )
    _write_versions(drafts, now)
    _write_comments(drafts, organisations, people, rng, now)
    bench_round = _write_rounds(drafts, organisations, people, rng, now)
    return drafts[0].statement, bench_round


def _write_versions(drafts: list[_Draft], now: datetime) -> None:
    versions = []
    for d in drafts:
        start = d.statement.created_at
        # Versions are saved before the text closed (adoption, withdrawal) or now.
        end = d.statement.adopted_at or d.statement.withdrawn_at or now - timedelta(days=1)
        if d.stage == "endorsement":
            end = now - timedelta(days=6)
        step = (end - start) / max(1, len(d.texts))
        d.versions = [
            Version(
                statement=d.statement,
                number=k + 1,
                note="" if k == 0 else f"Comments of the round {k} taken in.",
                created_at=start + step * k,
                created_by=d.drafters[k % len(d.drafters)],
            )
            for k in range(len(d.texts))
        ]
        versions.extend(d.versions)
    Version.objects.bulk_create(versions, batch_size=1000)
    Paragraph.objects.bulk_create(
        (
            Paragraph(version=version, key=key, position=position, kind=kind, text=words)
            for d in drafts
            for version, text in zip(d.versions or [], d.texts, strict=True)
            for position, (key, kind, words) in enumerate(text, start=1)
        ),
        batch_size=2000,
    )


def _write_comments(
    drafts: list[_Draft],
    organisations: list[Organisation],
    people: People,
    rng: random.Random,
    now: datetime,
) -> None:
    """Comments and change proposals on the statements past drafting, on the versions read
    during their comment periods; the older ones answered by a drafter."""
    comments = []
    declared: list[NoComments] = []
    for n, d in enumerate(drafts):
        if d.stage == "drafting" or not d.versions:
            continue
        count = BENCH_COMMENTS if n == 0 else rng.randint(3, 25)
        for _k in range(count):
            index = rng.randrange(len(d.versions))
            version, text = d.versions[index], d.texts[index]
            key, _kind, words = rng.choice(text[1:] or text)
            organisation = rng.choice(organisations)
            proposal = rng.random() < 0.3
            created = version.created_at + timedelta(hours=rng.randint(2, 300))
            answered = index < len(d.versions) - 1 or d.stage != "comments"
            comment = Comment(
                statement=d.statement,
                version=version,
                paragraph_key=key,
                quoted_passage=words[: rng.randint(20, 60)] if rng.random() < 0.5 else "",
                kind=Comment.Kind.CHANGE_PROPOSAL if proposal else Comment.Kind.COMMENT,
                text=_text(rng, 1) if not proposal or rng.random() < 0.5 else "",
                proposed_text=_text(rng, 2) if proposal else "",
                author=people.speaker(organisation.pk, rng),
                organisation=organisation,
                created_at=min(created, now - timedelta(minutes=5)),
            )
            if answered and rng.random() < 0.8:
                comment.status = rng.choice(Comment.Status.values[1:])
                comment.reply = "Thank you: taken into account in the next version."
                comment.answered_by = d.drafters[0]
                comment.answered_at = comment.created_at + timedelta(days=2)
            comments.append(comment)
        if d.stage in ("comments", "endorsement"):
            silent = rng.sample(organisations, k=5)
            declared.extend(
                NoComments(
                    statement=d.statement,
                    version=d.versions[-1],
                    organisation=o,
                    declared_by=people.acting[o.pk][0],
                )
                for o in silent
            )
    Comment.objects.bulk_create(comments, batch_size=1000)
    NoComments.objects.bulk_create(declared)


def _write_rounds(
    drafts: list[_Draft],
    organisations: list[Organisation],
    people: People,
    rng: random.Random,
    now: datetime,
) -> EndorsementRound:
    """An open round for each statement in endorsement (some after a round voided by a new
    version), a closed one for each adopted; the endorsements of all but the benchmark's round,
    which answer_round fills through the service."""
    rounds_made: list[tuple[EndorsementRound, _Draft]] = []
    for n, d in enumerate(drafts):
        versions = d.versions or []
        last = versions[-1]
        if d.stage == "endorsement":
            if n and len(versions) > 1 and n % 3 == 0:
                rounds_made.append(
                    (
                        EndorsementRound(
                            statement=d.statement,
                            endorsed_version=versions[-2],
                            procedure=EndorsementRound.Procedure.SILENCE,
                            opened_at=versions[-2].created_at + timedelta(hours=1),
                            opened_by=d.drafters[0],
                            deadline=last.created_at + timedelta(days=10),
                            closed_at=last.created_at,
                            voided_by_version=last,
                        ),
                        d,
                    )
                )
            # After the last version (saved six days ago at the latest): it would void the round.
            opened = now - timedelta(days=5 if n == 0 else rng.randint(1, 5))
            rounds_made.append(
                (
                    EndorsementRound(
                        statement=d.statement,
                        endorsed_version=last,
                        procedure=EndorsementRound.Procedure.EXPLICIT
                        if n == 0 or n % 2
                        else EndorsementRound.Procedure.SILENCE,
                        opened_at=opened,
                        opened_by=d.drafters[0],
                        deadline=now + timedelta(days=10 if n == 0 else rng.randint(2, 20)),
                    ),
                    d,
                )
            )
        elif d.stage in ("adopted", "published"):
            adopted = d.statement.adopted_at or now
            rounds_made.append(
                (
                    EndorsementRound(
                        statement=d.statement,
                        endorsed_version=last,
                        procedure=EndorsementRound.Procedure.EXPLICIT,
                        opened_at=max(last.created_at, adopted - timedelta(days=22))
                        + timedelta(hours=1),
                        opened_by=d.drafters[0],
                        deadline=adopted - timedelta(hours=1),
                        closed_at=adopted - timedelta(minutes=30),
                        closed_by=d.drafters[0],
                    ),
                    d,
                )
            )
    made = EndorsementRound.objects.bulk_create([r for r, _d in rounds_made])
    addressed = EndorsementRound.addressed_organisations.through
    addressed.objects.bulk_create(
        (
            addressed(endorsementround_id=r.pk, organisation_id=o.pk)
            for r in made
            for o in organisations
        ),
        batch_size=5000,
    )
    bench_round = next(r for r, d in rounds_made if d is drafts[0] and r.closed_at is None)
    endorsements = []
    endorsing: list[tuple[int, int]] = []
    for r, d in rounds_made:
        if r is bench_round:
            continue
        closed_for_adoption = r.closed_at is not None and r.voided_by_version_id is None
        answered = (
            organisations
            if closed_for_adoption
            else rng.sample(organisations, k=rng.randint(0, len(organisations) * 2 // 3))
        )
        for o in answered:
            answer: str
            if closed_for_adoption:
                answer = rng.choices(
                    [
                        Endorsement.Answer.ENDORSE,
                        Endorsement.Answer.ENDORSE_WITH_RESERVATION,
                        Endorsement.Answer.DECLINE,
                    ],
                    weights=[85, 10, 5],
                )[0]
            elif r.procedure == EndorsementRound.Procedure.SILENCE:
                answer = rng.choice(
                    [Endorsement.Answer.ENDORSE, Endorsement.Answer.ENDORSE_WITH_RESERVATION]
                )
            else:
                answer = rng.choice(list(rounds.ANSWERS_BY_PROCEDURE[r.procedure]))
            principals = people.principals.get(o.pk)
            endorsements.append(
                Endorsement(
                    round=r,
                    organisation=o,
                    answer=answer,
                    text="" if answer == Endorsement.Answer.ENDORSE else _text(rng, 1),
                    answered_by=principals[0] if principals else people.acting[o.pk][0],
                    on_behalf=not principals,
                    answered_at=min(r.opened_at + (r.deadline - r.opened_at) * rng.random(), now),
                )
            )
            if closed_for_adoption and answer != Endorsement.Answer.DECLINE:
                endorsing.append((d.statement.pk, o.pk))
    Endorsement.objects.bulk_create(endorsements, batch_size=2000)
    endorsing_through = Statement.endorsing_organisations.through
    endorsing_through.objects.bulk_create(
        (endorsing_through(statement_id=s, organisation_id=o) for s, o in endorsing),
        batch_size=5000,
    )
    adopted_statements = []
    for r, d in rounds_made:
        if d.stage in ("adopted", "published"):
            d.statement.adopted_version = d.versions[-1] if d.versions else None
            d.statement.adopted_round = r
            adopted_statements.append(d.statement)
    Statement.objects.bulk_update(adopted_statements, ["adopted_version", "adopted_round"])
    _round_deliveries(bench_round, organisations, people)
    return bench_round


def _round_deliveries(
    round: EndorsementRound, organisations: list[Organisation], people: People
) -> None:
    """The round's request as the delivery log has it: sent to everyone asked, but for one
    failed and one still waiting (the board shows whether each organisation was reached)."""
    asked = [
        person
        for o in organisations
        for person in [*people.acting[o.pk], *people.principals.get(o.pk, [])]
    ]
    key = round_opened_key(round)
    statuses = {asked[0].pk: Delivery.Status.FAILED, asked[1].pk: Delivery.Status.PENDING}
    Delivery.objects.bulk_create(
        Delivery(
            key=f"{key}:{person.pk}",
            kind=ENDORSEMENT_REQUESTED.code,
            person=person,
            to=person.email,
            subject=f"Endorsement asked: {round.statement.title[:60]}",
            text="Your organisation is asked to endorse the statement.",
            html="<p>Your organisation is asked to endorse the statement.</p>",
            status=statuses.get(person.pk, Delivery.Status.SENT),
            attempts=1,
            created_at=round.opened_at,
            sent_at=round.opened_at if person.pk not in statuses else None,
        )
        for person in asked
    )


def answer_round(
    round: EndorsementRound, organisations: list[Organisation], people: People, rng: random.Random
) -> None:
    """BENCH_ANSWERS organisations answer the benchmark's round through the service, their
    principals where they have one (otherwise a focal point, on the principal's behalf); some
    with a reservation, one declining, two changing their answer."""
    answering = rng.sample(organisations, k=BENCH_ANSWERS)
    for n, organisation in enumerate(answering):
        principals = people.principals.get(organisation.pk)
        actor = principals[0] if principals else people.acting[organisation.pk][0]
        answers = [Endorsement.Answer.ENDORSE]
        if n % 4 == 1:
            answers = [Endorsement.Answer.ENDORSE_WITH_RESERVATION]
        elif n == 2:
            answers = [Endorsement.Answer.DECLINE]
        elif n in (3, 7):
            answers = [Endorsement.Answer.DECLINE, Endorsement.Answer.ENDORSE_WITH_RESERVATION]
        for answer in answers:
            rounds.round_answer(
                round=round,
                organisation=organisation,
                actor=actor,
                answer=answer,
                text="" if answer == Endorsement.Answer.ENDORSE else _text(rng, 1),
            )


# --- The mapping resource ------------------------------------------------------------------------


def build_mapping(
    group: Group, organisations: list[Organisation], people: People, rng: random.Random
) -> Organisation:
    """The taxonomies, and a profile per organisation: two superseded revisions and the published
    one, each with its initiatives and partnerships; every third profile has a revision in
    progress. Returns the organisation whose profile the benchmark opens: the focal point's own
    (the largest, with a draft in progress)."""
    now = timezone.now()
    year = group_today().year
    terms = Term.objects.bulk_create(
        Term(
            taxonomy=taxonomy,
            code=f"bench-{taxonomy}-{n}",
            label_en=f"Bench {Term.Taxonomy(taxonomy).label.lower()} {n}",
            label_fr=f"Terme {n} ({taxonomy})",
            label_es=f"Término {n} ({taxonomy})",
            position=n,
            # A multiple CountryField stores its codes comma-separated.
            countries=",".join(["FR", "DE", "IT", "ES"][: n % 5])
            if taxonomy == Term.Taxonomy.REGION
            else "",
            retired_at=now - timedelta(days=100) if n == size - 1 else None,
        )
        for taxonomy, size in TAXONOMY_SIZES.items()
        for n in range(size)
    )
    by_taxonomy: dict[str, list[Term]] = defaultdict(list)
    for term in terms:
        by_taxonomy[term.taxonomy].append(term)
    bench_organisation = next(o for o in organisations if o.pk == group.focal_point.organisation_id)
    profiles = Profile.objects.bulk_create(
        Profile(organisation=o, created_at=now - timedelta(days=800)) for o in organisations
    )
    revisions: list[Revision] = []
    published: dict[int, Revision] = {}
    for n, profile in enumerate(profiles):
        in_progress = profile.organisation_id == bench_organisation.pk or n % 3 == 0
        states = [Revision.State.SUPERSEDED, Revision.State.SUPERSEDED, Revision.State.PUBLISHED]
        if in_progress:
            states.append(
                [Revision.State.DRAFT, Revision.State.SUBMITTED, Revision.State.RETURNED][n % 3]
                if profile.organisation_id != bench_organisation.pk
                else Revision.State.DRAFT
            )
        for k, state in enumerate(states):
            created = now - timedelta(days=700 - 200 * k + rng.randint(0, 50))
            author = people.acting[profile.organisation_id][0]
            revision = Revision(
                profile=profile,
                number=k + 1,
                state=state,
                mandate=_text(rng, 5),
                expertise=_text(rng, 3),
                levels=rng.sample(Level.values, k=rng.randint(1, 3)),
                contact_name=author.full_name,
                contact_email=author.email,
                created_at=created,
                created_by=author,
                updated_at=created + timedelta(days=5),
            )
            if state != Revision.State.DRAFT:
                revision.submitted_at = created + timedelta(days=6)
                revision.submitted_by = author
            if state in (
                Revision.State.PUBLISHED,
                Revision.State.SUPERSEDED,
                Revision.State.RETURNED,
            ):
                revision.reviewed_at = created + timedelta(days=9)
                revision.reviewed_by = people.secretariat
            if state == Revision.State.RETURNED:
                revision.review_comment = "Please give the years of the initiatives."
            if state == Revision.State.PUBLISHED:
                published[profile.pk] = revision
            revisions.append(revision)
    Revision.objects.bulk_create(revisions, batch_size=500)
    for profile in profiles:
        profile.published = published[profile.pk]
        profile.published_at = published[profile.pk].reviewed_at
    Profile.objects.bulk_update(profiles, ["published", "published_at"])

    links: dict[str, list[Any]] = defaultdict(list)
    initiatives: list[Initiative] = []
    partnerships: list[Partnership] = []
    chosen: list[tuple[Initiative, dict[str, list[Term]]]] = []
    for revision in revisions:
        for name, taxonomy, most in (
            ("regions", Term.Taxonomy.REGION, 5),
            ("forms", Term.Taxonomy.FORM, 4),
            ("interventions", Term.Taxonomy.INTERVENTION, 5),
            ("priority_areas", Term.Taxonomy.PRIORITY_AREA, 4),
        ):
            through = getattr(Revision, name).through
            links[name].extend(
                through(revision_id=revision.pk, term_id=term.pk)
                for term in rng.sample(by_taxonomy[taxonomy], k=rng.randint(2, most))
            )
        bench = revision.profile.organisation_id == bench_organisation.pk
        for k in range(BENCH_INITIATIVES if bench else rng.randint(8, 25)):
            start = year - rng.randint(0, 12)
            ongoing = rng.random() < 0.6
            initiative = Initiative(
                revision=revision,
                title=f"Initiative {k + 1}: {rng.choice(SENTENCES)[:80]}",
                start_year=start,
                end_year=None if ongoing else start + rng.randint(0, 4),
                status=Initiative.Status.ONGOING if ongoing else Initiative.Status.PAST,
                countries=",".join(rng.sample(["NG", "TH", "MX", "UA", "NP", "BR", "KE"], k=k % 4)),
                partners="Ministries of justice and labour; civil society organisations",
                link=f"https://www.example.org/initiatives/{revision.pk}/{k}",
                position=k,
            )
            initiatives.append(initiative)
            chosen.append(
                (
                    initiative,
                    {
                        "regions": rng.sample(
                            by_taxonomy[Term.Taxonomy.REGION], k=rng.randint(1, 3)
                        ),
                        "forms": rng.sample(by_taxonomy[Term.Taxonomy.FORM], k=rng.randint(1, 3)),
                        "interventions": rng.sample(
                            by_taxonomy[Term.Taxonomy.INTERVENTION], k=rng.randint(1, 3)
                        ),
                    },
                )
            )
        partnerships.extend(
            Partnership(
                revision=revision,
                name=f"Partnership {k + 1} of {revision.profile.organisation_id}",
                partners="UN entities, regional organisations and NGOs",
                role="Co-lead" if k % 2 else "Member",
                link=f"https://www.example.org/partnerships/{k}",
                position=k,
            )
            for k in range(BENCH_PARTNERSHIPS if bench else rng.randint(3, 10))
        )
    Initiative.objects.bulk_create(initiatives, batch_size=1000)
    Partnership.objects.bulk_create(partnerships, batch_size=1000)
    for initiative, terms_of in chosen:
        for name, chosen_terms in terms_of.items():
            through = getattr(Initiative, name).through
            links[f"initiative_{name}"].extend(
                through(initiative_id=initiative.pk, term_id=term.pk) for term in chosen_terms
            )
    for rows in links.values():
        type(rows[0]).objects.bulk_create(rows, batch_size=5000)
    return bench_organisation


# --- A monthly meeting series --------------------------------------------------------------------


def build_series(organisations: list[Organisation], people: People, rng: random.Random) -> Series:
    """The Working Group's monthly video call, published, started a year ago: extend stores its
    meetings a year ahead, as beat does; the past ones have their answers."""
    now = timezone.now()
    # The second Tuesday of the month a year ago, at 14:00 in Vienna.
    month = (group_today() - timedelta(days=365)).replace(day=1)
    second_tuesday = month + timedelta(days=(1 - month.weekday()) % 7 + 7)
    first = datetime.combine(second_tuesday, time(14), tzinfo=ZoneInfo("Europe/Vienna"))
    series = Series.objects.create(
        kind=Meeting.Kind.VIDEO_CALL,
        title="Working Group monthly call",
        description=_text(rng, 2),
        starts_at=first,
        duration=timedelta(minutes=90),
        time_zone="Europe/Vienna",
        frequency=Series.Frequency.MONTHLY_BY_WEEKDAY,
        online_link="https://meet.example.org/working-group",
        host_organisation=organisations[0],
        published_at=first - timedelta(days=20),
        created_at=first - timedelta(days=21),
    )
    through = Series.organisations.through
    through.objects.bulk_create(
        through(series_id=series.pk, organisation_id=o.pk) for o in organisations
    )
    meeting_series.extend(series)
    responses = Invitation.Response.values
    answered = []
    for invitation in Invitation.objects.filter(
        meeting__series=series, meeting__starts_at__lt=now + timedelta(days=40)
    ).select_related("meeting"):
        invitation.response = rng.choice(responses)
        if invitation.response != Invitation.Response.NO_ANSWER:
            invitation.answered_by = people.acting[invitation.organisation_id][0]
            invitation.answered_at = invitation.meeting.starts_at - timedelta(days=3)
        answered.append(invitation)
    Invitation.objects.bulk_update(answered, ["response", "answered_by", "answered_at"])
    upcoming = (
        Meeting.objects.filter(series=series, starts_at__gte=now).order_by("starts_at").first()
    )
    if upcoming is not None:
        AgendaItem.objects.bulk_create(
            AgendaItem(
                meeting=upcoming,
                position=n,
                title=f"Agenda item {n + 1}",
                presenter_organisation=organisations[n % len(organisations)],
            )
            for n in range(6)
        )
    return series
