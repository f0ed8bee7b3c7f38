"""Reads of meetings with the joins their pages need, and what is due for the dashboard and the
digests."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from common.registry import Backlink
from coordination.models import Organisation, Person
from meetings import permissions
from meetings.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Document,
    Invitation,
    Meeting,
    MeetingQuerySet,
    Minutes,
    MinutesAnswer,
)
from statements.models import Statement
from workplans.models import WorkItem

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# How far ahead "soon" and "due" look in the digests.
DUE_WITHIN_DAYS = 14
# How far back a calendar subscription goes: a year of past meetings stays in people's calendars.
FEED_DAYS_BACK = 365


# --- Which meetings concern an organisation -------------------------------------------------------
#
# A meeting concerns the organisations invited to it and the one hosting it (a host need not be on
# its own invitation list): its calendar feed, its dashboard and its digests all read this rule.


def _concerns(organisation_ids: Collection[int], prefix: str = "") -> Q:
    """Meetings (or, with prefix="meeting__", rows of a meeting) that concern one of the
    organisations: it is invited or it hosts. A subquery, not a join, so no row is repeated."""
    invited = Invitation.objects.filter(organisation_id__in=organisation_ids).values("meeting_id")
    return Q(**{f"{prefix}pk__in": invited}) | Q(
        **{f"{prefix}host_organisation_id__in": organisation_ids}
    )


def concerning(organisation_ids: Collection[int]) -> MeetingQuerySet:
    """Every meeting that concerns one of the organisations (invited or hosting)."""
    return Meeting.objects.filter(_concerns(organisation_ids))


def organisations_concerned(
    meetings: Sequence[Meeting], organisation_ids: Collection[int]
) -> dict[int, set[int]]:
    """For each meeting, which of the organisations it concerns: those invited (one query for
    all the meetings) and the host. A digest section groups its rows by organisation with it."""
    concerned: dict[int, set[int]] = defaultdict(set)
    for meeting_id, organisation_id in Invitation.objects.filter(
        meeting_id__in=[m.pk for m in meetings], organisation_id__in=organisation_ids
    ).values_list("meeting_id", "organisation_id"):
        concerned[meeting_id].add(organisation_id)
    for meeting in meetings:
        host = meeting.host_organisation_id
        if host is not None and host in organisation_ids:
            concerned[meeting.pk].add(host)
    return concerned


# --- Pages ----------------------------------------------------------------------------------------


def meetings_for(user: Person) -> MeetingQuerySet:
    """The meetings a person may see (organisers also see drafts), with what a row shows."""
    meetings = Meeting.objects.select_related("host_organisation")
    if not permissions.can_manage_meetings(user):
        # Everyone sees what is not a draft; the incoming chairs also their own term's drafts.
        drafts_from = permissions.incoming_term_start(user)
        meetings = meetings.filter(
            ~Q(status=Meeting.Status.DRAFT)
            | (Q(starts_at__gte=drafts_from) if drafts_from else Q(pk__in=[]))
        )
    if user.organisation_id:
        mine = Invitation.objects.filter(organisation_id=user.organisation_id)
        meetings = meetings.prefetch_related(
            Prefetch("invitations", queryset=mine, to_attr="my_invitations")
        )
    return meetings


def meetings_in_month(user: Person, year: int, month: int) -> list[Meeting]:
    """The month as the viewer sees it: its days run midnight to midnight in their time zone."""
    zone = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return list(
        meetings_for(user).filter(starts_at__lt=end, ends_at__gte=start).order_by("starts_at", "pk")
    )


def meeting_detail(pk: int) -> Meeting:
    """A meeting with everything its page shows, in a fixed number of queries."""
    return (
        Meeting.objects.select_related("host_organisation", "minutes", "series")
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organisation", "answered_by"),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "presenter_organisation", "presenter", "work_item", "statement"
                ).prefetch_related(
                    Prefetch("documents", queryset=Document.objects.order_by("uploaded_at"))
                ),
            ),
            Prefetch(
                "documents",
                queryset=Document.objects.filter(agenda_item__isnull=True).select_related(
                    "uploaded_by"
                ),
            ),
            "decisions",
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related(
                    "owner_organisation", "owner", "work_item"
                ),
            ),
        )
        .get(pk=pk)
    )


class ResponseCount(NamedTuple):
    label: StrOrPromise
    organisations: int  # how many gave this answer
    response: str


def rsvp_counts(meeting: Meeting) -> list[ResponseCount]:
    """How many organisations gave each answer, every answer listed in its order. Counts the
    invitations meeting_detail() prefetched: no query."""
    counts = Counter(invitation.response for invitation in meeting.invitations.all())
    return [
        ResponseCount(label, counts[response], response)
        for response, label in Invitation.Response.choices
    ]


def invitation_of(meeting: Meeting, organisation_id: int | None) -> Invitation | None:
    """The organisation's invitation to the meeting, from the prefetched invitations."""
    if organisation_id is None:
        return None
    return next(
        (i for i in meeting.invitations.all() if i.organisation_id == organisation_id), None
    )


def minutes_of(meeting: Meeting) -> Minutes | None:
    """The meeting's minutes (joined by meeting_detail()), or None before anyone wrote them."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def feed_meetings(person: Person, now: datetime) -> MeetingQuerySet:
    """What a person's calendar subscription holds: the meetings of their organisation (invited
    or hosting) that are not drafts, from a year back, in order. A person of no organisation
    gets an empty calendar rather than everyone's."""
    if person.organisation_id is None:
        return Meeting.objects.none()
    return (
        concerning({person.organisation_id})
        .visible()
        .filter(ends_at__gte=now - timedelta(days=FEED_DAYS_BACK))
        .select_related("host_organisation")
        .order_by("starts_at")
    )


def work_item_origins(item: object) -> list[Backlink]:
    """The action agreed at a meeting that a work item was made from (common.registry.backlinks)."""
    if not isinstance(item, WorkItem):
        return []
    return [
        Backlink(
            label=_("From"),
            text=_("an action agreed at"),
            title=action.meeting.title,
            url=action.get_absolute_url(),
        )
        for action in ActionItem.objects.select_related("meeting").filter(work_item=item)[:1]
    ]


def statement_agenda_items(statement: object) -> list[Backlink]:
    """The meetings whose agenda names a statement, soonest first (common.registry.backlinks).
    Drafts are the organisers': only scheduled meetings are named."""
    if not isinstance(statement, Statement):
        return []
    return [
        Backlink(
            label=_("On the agenda of"),
            text=date_format(
                timezone.localtime(item.meeting.starts_at, item.meeting.zone), "j M Y"
            ),
            title=item.meeting.title,
            url=item.get_absolute_url(),
        )
        for item in AgendaItem.objects.select_related("meeting")
        .filter(statement=statement)
        .exclude(meeting__status=Meeting.Status.DRAFT)
        .order_by("meeting__starts_at")
    ]


# --- What is due: one set of reads for the dashboard and the digests ------------------------------
#
# Each takes a set of organisation ids, so that the dashboard asks for one organisation and a digest
# batch for all of its readers' organisations at once, by the same rule (see concerning()).


def meetings_soon(
    organisation_ids: Collection[int], now: datetime, days: int = DUE_WITHIN_DAYS
) -> MeetingQuerySet:
    """Scheduled meetings the organisations are invited to or host, starting in the coming days."""
    return (
        concerning(organisation_ids)
        .filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lte=now + timedelta(days=days),
        )
        .select_related("host_organisation")
        .order_by("starts_at", "pk")
    )


def rsvps_missing(organisation_ids: Collection[int], now: datetime) -> QuerySet[Invitation]:
    """The organisations' invitations to scheduled meetings still ahead that nobody answered,
    the nearest deadline first (meetings without one after, by date)."""
    return (
        Invitation.objects.filter(
            organisation_id__in=organisation_ids,
            response=Invitation.Response.NO_ANSWER,
            meeting__status=Meeting.Status.SCHEDULED,
            meeting__starts_at__gt=now,
        )
        .select_related("meeting")
        .order_by(
            F("meeting__rsvp_deadline").asc(nulls_last=True), "meeting__starts_at", "meeting_id"
        )
    )


def minutes_awaiting_approval(organisation_ids: Collection[int]) -> QuerySet[Minutes]:
    """Minutes circulated for approval, of meetings the organisations were invited to or hosted."""
    return (
        Minutes.objects.filter(status=Minutes.Status.CIRCULATED)
        .filter(_concerns(organisation_ids, prefix="meeting__"))
        .select_related("meeting")
        .order_by(F("approval_due_on").asc(nulls_last=True), "pk")
    )


def action_items_due(
    organisation_ids: Collection[int], today: date, days: int = DUE_WITHIN_DAYS
) -> QuerySet[ActionItem]:
    """The organisations' open actions (not yet work items) due in the coming days or overdue."""
    return (
        ActionItem.objects.filter(
            owner_organisation_id__in=organisation_ids,
            work_item__isnull=True,
            due_on__isnull=False,
            due_on__lte=today + timedelta(days=days),
        )
        .select_related("meeting", "owner")
        .order_by("due_on", "pk")
    )


# --- Minutes: who answers, who answered, who attended ---------------------------------------------


def answering_organisation_ids(meeting: Meeting) -> set[int]:
    """The organisations that answer the meeting's circulated minutes and whose attendance they
    record: those invited, and the host (the organisations the meeting concerns)."""
    ids = set(meeting.invitations.values_list("organisation_id", flat=True))
    if meeting.host_organisation_id is not None:
        ids.add(meeting.host_organisation_id)
    return ids


class AnswerRow(NamedTuple):
    organisation: Organisation
    answer: MinutesAnswer | None  # this circulation's answer, or None while awaited
    earlier: MinutesAnswer | None  # an answer to an earlier circulation of the minutes


def minutes_answer_rows(meeting: Meeting, minutes: Minutes) -> list[AnswerRow]:
    """Every organisation of the meeting, in order, with its answer to the minutes: three
    queries, whatever the number of organisations."""
    ids = answering_organisation_ids(meeting)
    answers = {
        a.organisation_id: a
        for a in minutes.answers.select_related("answered_by", "replied_by").filter(
            organisation_id__in=ids
        )
    }
    rows = []
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("acronym"):
        answer = answers.get(organisation.pk)
        current = answer is not None and answer.circulation == minutes.circulation
        rows.append(
            AnswerRow(
                organisation=organisation,
                answer=answer if current else None,
                earlier=None if current else answer,
            )
        )
    return rows


def minutes_awaiting_answer(
    organisation_ids: Collection[int], today: date
) -> list[tuple[Minutes, int]]:
    """Circulated minutes whose deadline has not passed, of meetings the organisations were
    invited to or hosted, paired with each of those organisations that has not answered this
    circulation yet: the soonest deadline first. Three queries for any number of
    organisations (the dashboard asks for one, a digest batch for all of its readers')."""
    minutes_list = list(
        Minutes.objects.filter(status=Minutes.Status.CIRCULATED)
        .filter(Q(approval_due_on__isnull=True) | Q(approval_due_on__gte=today))
        .filter(_concerns(organisation_ids, prefix="meeting__"))
        .select_related("meeting")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=MinutesAnswer.objects.filter(organisation_id__in=organisation_ids),
                to_attr="readers_answers",
            )
        )
        .order_by(F("approval_due_on").asc(nulls_last=True), "pk")
    )
    concerned = organisations_concerned([m.meeting for m in minutes_list], organisation_ids)
    awaiting: list[tuple[Minutes, int]] = []
    for minutes in minutes_list:
        answered = {
            a.organisation_id
            for a in minutes.readers_answers
            if a.circulation == minutes.circulation
        }
        for organisation_id in sorted(concerned[minutes.meeting_id] - answered):
            awaiting.append((minutes, organisation_id))
    return awaiting


def attendance_of(meeting: Meeting) -> dict[int, bool]:
    """The meeting's recorded attendance: organisation id → attended (absent: not recorded)."""
    return dict(
        Attendance.objects.filter(meeting=meeting).values_list("organisation_id", "attended")
    )


class AttendanceCount(NamedTuple):
    attended: int  # meetings the organisation took part in
    recorded: int  # meetings whose minutes recorded its attendance, attended or not


def attendance_counts(
    start: datetime, end: datetime, organisation_ids: Collection[int] | None = None
) -> dict[int, AttendanceCount]:
    """Per organisation, how many meetings starting in [start, end) it attended, of those whose
    attendance was recorded (cancelled meetings excepted): one query. For the annual report."""
    rows = Attendance.objects.filter(
        meeting__starts_at__gte=start, meeting__starts_at__lt=end
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    counts = rows.values("organisation_id").annotate(
        attended=Count("pk", filter=Q(attended=True)), recorded=Count("pk")
    )
    return {
        row["organisation_id"]: AttendanceCount(row["attended"], row["recorded"])
        for row in counts.order_by("organisation_id")
    }
