"""Reads of members and people, with the joins their pages need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from common import registry
from common.choices import Cached
from common.dates import group_today
from common.registry import Block, Status
from coordination.models import ChairTerm, Invitation, Organisation, Person

DIRECTORY_ROLES = [Person.Role.FOCAL_POINT, Person.Role.ALTERNATE, Person.Role.PRINCIPAL]


def dashboard_blocks(person: Person) -> list[Block]:
    """What each app shows this person on the dashboard, in the order the apps registered."""
    return [b for block in registry.dashboard_blocks if (b := block(person)) is not None]


def system_status() -> list[Status]:
    """Every line of the system status page (common.registry.status_checks), in order."""
    return [check() for check in registry.status_checks]


@dataclass
class GroupAtAGlance:
    member_count: int
    working_group: list[Organisation]


def group_at_a_glance() -> GroupAtAGlance:
    """How many members the group has today, and which of them form the Working Group."""
    members = list(
        Organisation.objects.current().only("acronym", "slug", "name", "is_working_group_member")
    )
    return GroupAtAGlance(
        member_count=len(members),
        working_group=[o for o in members if o.is_working_group_member],
    )


def _every_term() -> list[ChairTerm]:
    return list(ChairTerm.objects.order_by("-starts_on", "-pk").prefetch_related("organisations"))


# Every chair term with its organisations, newest first: a few dozen rows at most, from which
# every page derives who chairs today, who comes next and who hands over (three or four reads
# of the same table on a dashboard). Forgotten when a term, its organisations or an
# organisation changes; the dates are compared with today at each call, so the roles still move
# at the group's midnight without anything being forgotten.
TERMS: Cached[list[ChairTerm]] = Cached(
    "coordination.chair_terms",
    build=_every_term,
    models=[ChairTerm, Organisation],
    links=[ChairTerm.organisations.through],
)


def next_chair_term() -> ChairTerm | None:
    """The next recorded term, starting after today (the incoming chairs')."""
    today = group_today()
    upcoming = [term for term in TERMS() if term.starts_on > today]
    return min(upcoming, key=lambda term: (term.starts_on, term.pk), default=None)


def previous_chair_term() -> ChairTerm | None:
    """The latest term that has ended (the outgoing chairs')."""
    today = group_today()
    return _latest_ended_before(today)


def term_before(term: ChairTerm) -> ChairTerm | None:
    """The term that ended before `term` started: the chairs who hand over to its chairs."""
    return _latest_ended_before(term.starts_on)


def _latest_ended_before(day: date) -> ChairTerm | None:
    ended = [term for term in TERMS() if term.ends_on < day]
    return max(ended, key=lambda term: (term.ends_on, -term.pk), default=None)


def chair_terms() -> QuerySet[ChairTerm]:
    """Every term, newest first, with its chairs and its handover."""
    return ChairTerm.objects.order_by("-starts_on").prefetch_related("organisations")


def current_chair_term() -> ChairTerm | None:
    """The term covering today in the group's calendar (GROUP_TIME_ZONE), not the viewer's: the
    chair's rights change at the group's midnight, the same moment for everyone."""
    today = group_today()
    return next((t for t in TERMS() if t.starts_on <= today <= t.ends_on), None)


def chair_terms_of(organisation: Organisation) -> QuerySet[ChairTerm]:
    """The terms the organisation chaired or will chair, newest first."""
    terms: QuerySet[ChairTerm] = ChairTerm.objects.filter(organisations=organisation)
    return terms.order_by("-starts_on")


def audit_entries(*, model: str = "", object_id: str = "") -> QuerySet[LogEntry]:
    """The audit history of coordination's records, newest first: all of them, one kind of
    record ("person"), or one record of that kind."""
    entries: QuerySet[LogEntry] = LogEntry.objects.select_related("actor", "content_type")
    entries = entries.order_by("-timestamp")
    if model:
        content_type = ContentType.objects.filter(app_label="coordination", model=model).first()
        entries = entries.filter(content_type=content_type)
        if object_id.isdigit():
            entries = entries.filter(object_pk=object_id)
    return entries


def member_directory(*, include_former: bool = False) -> QuerySet[Organisation]:
    """Organisations with their active focal points, alternates and principals prefetched."""
    organisations = Organisation.objects.all() if include_former else Organisation.objects.current()
    contacts = Person.objects.filter(is_active=True, role__in=DIRECTORY_ROLES).order_by(
        "role", "full_name"
    )
    return organisations.prefetch_related(Prefetch("people", queryset=contacts, to_attr="contacts"))


def organisation_people(organisation: Organisation) -> QuerySet[Person]:
    return organisation.people.filter(is_active=True).order_by("role", "full_name")


def people_list(*, search: str = "") -> QuerySet[Person]:
    people = Person.objects.select_related("organisation").order_by("full_name")
    if search:
        people = people.filter(
            Q(full_name__icontains=search)
            | Q(email__icontains=search)
            | Q(organisation__acronym__icontains=search)
        )
    return people


def assignable_people() -> QuerySet[Person]:
    """Who can present, own an action or own an item: active people of an organisation."""
    return (
        Person.objects.filter(is_active=True)
        .exclude(organisation=None)
        .select_related("organisation")
        .order_by("full_name")
    )


def open_invitations() -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )
