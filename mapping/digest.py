"""Keeping the mapping resource current: the digest's sections (common.registry.DigestSection
says how they are read), and the rule of a stale profile that the dashboard and the organisation
page read too.

- STALE_PROFILE: a member's profile whose published revision is more than STALE_AFTER_MONTHS old
  puts a line in the digest of the organisation's focal points and alternates, unless a revision
  is waiting for the secretariat's review (then the next move is not theirs). A profile never
  published is asked for on their dashboard and the organisation's page, not in every digest.
- REVIEWS: every revision submitted and waiting for review, for the secretariat.

Each section reads the whole batch in one query, whatever the number of people and profiles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.db.models import F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.dates import group_today
from common.digests import lines_for_people
from common.formats import local_date
from coordination.models import Organisation, Person
from mapping.models import Revision

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

    from common.people import Recipient
    from common.registry import DigestLine

# The rule: a profile not updated for a year is out of date.
STALE_AFTER_MONTHS = 12
OPEN_STATES = (Revision.State.DRAFT, Revision.State.SUBMITTED, Revision.State.RETURNED)
# Who keeps an organisation's profile (mapping.permissions lets them edit its draft).
KEEPERS = frozenset({Person.Role.FOCAL_POINT, Person.Role.ALTERNATE})


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from `earlier` to `later` (0 when `later` is not after it)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(0, months)


@dataclass(frozen=True)
class ProfileState:
    """Where an organisation's profile stands: when it was last published, and the revision
    being worked on, if any (the database allows one at a time)."""

    organisation: Organisation
    profile_id: int | None
    published_revision_id: int | None
    # The review date of the published revision (its publication), or the profile's.
    last_published: datetime | None
    open_revision_id: int | None
    open_state: str | None
    open_changed_at: datetime | None
    open_submitted_at: datetime | None
    review_comment: str
    reviewed_at: datetime | None

    @property
    def is_published(self) -> bool:
        return self.published_revision_id is not None

    @property
    def waiting_for_review(self) -> bool:
        return self.open_state == Revision.State.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.open_state == Revision.State.RETURNED

    @property
    def is_draft(self) -> bool:
        return self.open_state == Revision.State.DRAFT

    @property
    def open_state_label(self) -> str:
        return str(Revision.State(self.open_state).label) if self.open_state else ""

    def months_since_published(self, today: date) -> int | None:
        """None when it was never published."""
        if self.last_published is None:
            return None
        return months_between(timezone.localdate(self.last_published), today)

    def is_stale(self, today: date) -> bool:
        months = self.months_since_published(today)
        return months is None or months >= STALE_AFTER_MONTHS

    def needs_keeper(self, today: date) -> bool:
        """Stale, and the next move is the organisation's (nothing waits for the secretariat)."""
        return self.is_stale(today) and not self.waiting_for_review


def profile_states(organisations: QuerySet[Organisation]) -> list[ProfileState]:
    """The state of each of these organisations' profiles (those without a profile included), in
    the organisations' order. One query."""
    open_revision = Revision.objects.filter(
        profile__organisation=OuterRef("pk"), state__in=OPEN_STATES
    ).order_by("-number")

    def latest(field: str) -> Subquery:
        return Subquery(open_revision.values(field)[:1])

    rows = organisations.annotate(
        profile_pk=F("mapping_profile__pk"),
        published_pk=F("mapping_profile__published_id"),
        last_published=Coalesce(
            "mapping_profile__published__reviewed_at", "mapping_profile__published_at"
        ),
        open_pk=latest("pk"),
        open_state=latest("state"),
        open_changed_at=latest("updated_at"),
        open_submitted_at=latest("submitted_at"),
        open_comment=latest("review_comment"),
        open_reviewed_at=latest("reviewed_at"),
    )
    return [
        ProfileState(
            organisation=row,
            profile_id=row.profile_pk,
            published_revision_id=row.published_pk,
            last_published=row.last_published,
            open_revision_id=row.open_pk,
            open_state=row.open_state,
            open_changed_at=row.open_changed_at,
            open_submitted_at=row.open_submitted_at,
            review_comment=row.open_comment or "",
            reviewed_at=row.open_reviewed_at,
        )
        for row in rows
    ]


def profile_state(organisation: Organisation) -> ProfileState:
    """One organisation's profile state (one query)."""
    (state,) = profile_states(Organisation.objects.filter(pk=organisation.pk))
    return state


def stale_detail(state: ProfileState, today: date) -> StrOrPromise:
    """Why the profile needs its keepers, in words (the reader's language, when rendered)."""
    months = state.months_since_published(today)
    if months is None or state.last_published is None:
        reason = _("never published")
    else:
        reason = format_lazy(
            ngettext_lazy(
                "not updated for {months} month (published on {date})",
                "not updated for {months} months (published on {date})",
                months,
            ),
            months=months,
            date=local_date(state.last_published),
        )
    # Lazy: each reader's digest renders it in their language.
    if state.is_returned:
        return format_lazy("{} · {}", reason, _("returned with a comment"))
    if state.is_draft:
        return format_lazy("{} · {}", reason, _("a draft is in progress"))
    return reason


class StaleProfileSection:
    kind = "mapping_profile"
    label = _("Your organisation's profile in the mapping resource, when out of date")
    roles: frozenset[str] | None = KEEPERS
    title = _("Your organisation's profile in the mapping resource")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """One line for each keeper of a current member whose profile is stale and not waiting
        for review. One query for the whole batch: the organisations with their profiles."""
        keepers = [p for p in people if p.is_active and p.role in KEEPERS]
        organisation_ids = {p.organisation_id for p in keepers if p.organisation_id is not None}
        if not organisation_ids:
            return {}
        # "12 months" is counted on the reader's calendar (digests.collect sets the zone).
        today = timezone.localdate(now)
        current = Organisation.objects.current(group_today()).filter(pk__in=organisation_ids)
        lines: dict[int, list[DigestLine]] = defaultdict(list)
        for state in profile_states(current):
            if state.last_published is not None and state.needs_keeper(today):
                organisation = state.organisation
                lines[organisation.pk].append(
                    {
                        "title": organisation.name,
                        "url": reverse("mapping:profile_edit", args=[organisation.slug]),
                        "detail": stale_detail(state, today),
                    }
                )
        return lines_for_people(keepers, lines)


def waiting_for_review() -> list[Revision]:
    """The revisions submitted and not yet reviewed, the longest waiting first, with their
    organisations and who submitted them. One query."""
    return list(
        Revision.objects.filter(state=Revision.State.SUBMITTED)
        .select_related("profile__organisation", "submitted_by")
        .order_by("submitted_at", "pk")
    )


class ReviewsSection:
    kind = "mapping_reviews"
    label = _("Profiles of the mapping resource waiting for review")
    roles: frozenset[str] | None = frozenset({Person.Role.SECRETARIAT})
    title = _("Profiles waiting for your review")

    def collect(self, people: Sequence[Recipient], now: datetime) -> dict[int, list[DigestLine]]:
        """Every submitted revision, for each of the secretariat in the batch. One query (none
        when the batch has nobody of the secretariat)."""
        reviewers = [p for p in people if p.is_active and p.role == Person.Role.SECRETARIAT]
        if not reviewers:
            return {}
        lines: list[DigestLine] = []
        for revision in waiting_for_review():
            organisation = revision.profile.organisation
            submitted = revision.submitted_at or revision.updated_at
            detail = format_lazy(
                _("revision {number}, submitted on {date}"),
                number=revision.number,
                date=local_date(submitted),
            )
            if revision.submitted_by is not None:
                detail = format_lazy(
                    _("{detail} by {name}"), detail=detail, name=revision.submitted_by.full_name
                )
            lines.append(
                {
                    "title": organisation.name,
                    "url": reverse("mapping:revision_detail", args=[revision.pk]),
                    "detail": detail,
                }
            )
        if not lines:
            return {}
        return {p.pk: lines for p in reviewers}


STALE_PROFILE = StaleProfileSection()
REVIEWS = ReviewsSection()
