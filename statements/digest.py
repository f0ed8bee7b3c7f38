"""The statements' sections of the digest (common.registry.DigestSection says how it is read):
the comment and endorsement deadlines of the next 14 days that the reader's organisation has not
answered yet.

Each section reads what is due for all the organisations of a batch at once (a fixed number of
queries, whatever the number of people), then gives every reader the lines of the organisations
they speak for. The deadline a line shows is formatted when each reader's digest is rendered, in
that reader's language and on their clock (common.formats).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.dates import group_today
from common.digests import lines_for_people, organisations_of
from common.formats import local_datetime
from common.people import Recipient
from coordination.models import Organisation, Person
from statements.models import (
    ActingPrincipal,
    Comment,
    Endorsement,
    EndorsementRound,
    NoComments,
    Statement,
    Version,
)
from statements.notify import ORGANISATION_ROLES, board_url

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    Line = dict[str, StrOrPromise]

WINDOW = timedelta(days=14)


def _when(deadline: datetime) -> StrOrPromise:
    """A deadline on the reader's clock and in their language, the zone named: formatted when
    each reader's digest is rendered (collect runs once for readers of several zones)."""
    return local_datetime(deadline)


def _members_readers(people: Sequence[Recipient]) -> list[Recipient]:
    """The readers who may read statements before they are published: not observers (who
    could choose these reminders on their preferences page)."""
    return [p for p in people if p.role != Person.Role.OBSERVER]


def comment_periods_due(now: datetime) -> list[Statement]:
    """The statements open for comments whose deadline falls within WINDOW, each annotated with
    its latest version (`latest_version_id`, `latest_number`). One query.

    The database form of `Statement.stage == OPEN_FOR_COMMENTS` (see Statement.stage_at)."""
    latest = Version.objects.filter(statement=OuterRef("pk")).order_by("-number")
    return list(
        Statement.objects.filter(
            comment_deadline__gt=now,
            comment_deadline__lte=now + WINDOW,
            withdrawn_at__isnull=True,
            adopted_at__isnull=True,
        )
        .filter(Q(published_on__isnull=True) | Q(published_on__gt=group_today()))
        .exclude(Exists(EndorsementRound.objects.filter(statement=OuterRef("pk"), closed_at=None)))
        .annotate(
            latest_version_id=Subquery(latest.values("pk")[:1]),
            latest_number=Subquery(latest.values("number")[:1]),
        )
        .filter(latest_version_id__isnull=False)
        .order_by("comment_deadline", "pk")
    )


class CommentDeadlinesSection:
    kind = "statement_comments"
    label = _("Comment deadlines of joint statements")
    roles: frozenset[str] | None = frozenset(ORGANISATION_ROLES)
    title = _("Comments your organisation owes")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        """Four queries: the statements, the current members among the readers' organisations,
        and who has commented or said "no comments" on each latest version."""
        people = _members_readers(people)
        statements = comment_periods_due(now)
        if not statements:
            return {}
        organisation_ids = set(
            Organisation.objects.current(group_today())
            .filter(pk__in=organisations_of(people))
            .values_list("pk", flat=True)
        )
        versions = [s.latest_version_id for s in statements]  # type: ignore[attr-defined]
        answered = set(
            Comment.objects.filter(
                version_id__in=versions, organisation_id__in=organisation_ids
            ).values_list("version_id", "organisation_id")
        ) | set(
            NoComments.objects.filter(
                version_id__in=versions, organisation_id__in=organisation_ids
            ).values_list("version_id", "organisation_id")
        )
        lines: dict[int, list[Line]] = defaultdict(list)
        for statement in statements:
            line: Line = {
                "title": statement.title,
                "url": statement.get_absolute_url(),
                "detail": format_lazy(
                    _("comments on version {number} by {deadline}"),
                    number=statement.latest_number,  # type: ignore[attr-defined]
                    deadline=_when(statement.comment_deadline),  # type: ignore[arg-type]
                ),
            }
            version_id = statement.latest_version_id  # type: ignore[attr-defined]
            for organisation_id in sorted(organisation_ids):
                if (version_id, organisation_id) not in answered:
                    lines[organisation_id].append(line)
        return lines_for_people(people, lines)


class EndorsementDeadlinesSection:
    kind = "statement_endorsements"
    label = _("Endorsement deadlines of joint statements")
    roles: frozenset[str] | None = frozenset(ORGANISATION_ROLES)
    title = _("Endorsements your organisation owes")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[Line]]:
        """Four queries: the readers' acting-principal periods, the open rounds due, which of
        the readers' organisations they address, and which of those have answered.

        A reader gets the lines of their own organisation and of those they act for as
        principal today."""
        people = _members_readers(people)
        today = group_today()
        acting: dict[int, set[int]] = defaultdict(set)
        for person_id, organisation_id in ActingPrincipal.objects.filter(
            person_id__in=[p.pk for p in people], starts_on__lte=today, ends_on__gte=today
        ).values_list("person_id", "organisation_id"):
            acting[person_id].add(organisation_id)
        speaks_for = {
            p.pk: ({p.organisation_id} if p.organisation_id is not None else set()) | acting[p.pk]
            for p in people
        }
        organisation_ids = set().union(*speaks_for.values()) if speaks_for else set()
        if not organisation_ids:
            return {}
        rounds = {
            r.pk: r
            for r in EndorsementRound.objects.filter(
                closed_at__isnull=True, deadline__gt=now, deadline__lte=now + WINDOW
            )
            .select_related("statement", "endorsed_version")
            .order_by("deadline", "pk")
        }
        if not rounds:
            return {}
        addressed = EndorsementRound.addressed_organisations.through.objects.filter(
            endorsementround_id__in=rounds, organisation_id__in=organisation_ids
        ).values_list("endorsementround_id", "organisation_id", "organisation__acronym")
        answered = set(
            Endorsement.objects.filter(
                round_id__in=rounds, organisation_id__in=organisation_ids
            ).values_list("round_id", "organisation_id")
        )
        owed: dict[int, list[tuple[EndorsementRound, str]]] = defaultdict(list)
        for round_id, organisation_id, acronym in addressed:
            if (round_id, organisation_id) not in answered:
                owed[organisation_id].append((rounds[round_id], acronym))
        result: dict[int, list[Line]] = {}
        for person in people:
            due = sorted(
                (item for o in speaks_for[person.pk] for item in owed.get(o, [])),
                key=lambda item: (item[0].deadline, item[0].pk, item[1]),
            )
            if due:
                # Someone acting for another organisation's principal speaks for more than one:
                # each line names its organisation.
                named = bool(acting[person.pk])
                result[person.pk] = [
                    self._line(round, acronym if named else None) for round, acronym in due
                ]
        return result

    def _line(self, round: EndorsementRound, acronym: str | None) -> Line:
        if (
            round.procedure == EndorsementRound.Procedure.SILENCE
            and round.silence_broken_at is None
        ):
            detail = _(
                "version {number}, silence procedure: no objection by {deadline} counts as "
                "endorsement"
            )
        else:
            detail = _("endorse version {number} by {deadline}")
        text = format_lazy(
            detail, number=round.endorsed_version.number, deadline=_when(round.deadline)
        )
        return {
            "title": round.statement.title,
            "url": board_url(round),
            "detail": format_lazy("{} · {}", acronym, text) if acronym else text,
        }


COMMENT_DEADLINES = CommentDeadlinesSection()
ENDORSEMENT_DEADLINES = EndorsementDeadlinesSection()
