"""The mapping resource's blocks of the dashboard (common.registry.dashboard_blocks): the
revisions waiting for the secretariat's review, and, for a focal point, where their
organisation's profile stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from common.dates import group_today
from common.registry import Block
from coordination.models import Organisation, Person
from mapping import permissions
from mapping.digest import STALE_AFTER_MONTHS, profile_states, waiting_for_review
from mapping.models import Revision


@dataclass(frozen=True)
class Waiting:
    revision: Revision
    submitted_at: datetime
    days: int


def reviews_waiting(person: Person) -> Block | None:
    """The secretariat: every revision submitted and not yet reviewed, the longest waiting first,
    each with a link to its review. One query; no block when none waits."""
    if not permissions.can_review(person):
        return None
    revisions = waiting_for_review()
    if not revisions:
        return None
    today = group_today()
    rows = []
    for revision in revisions:
        submitted_at = revision.submitted_at or revision.updated_at
        rows.append(
            Waiting(
                revision=revision,
                submitted_at=submitted_at,
                days=max(0, (today - timezone.localdate(submitted_at)).days),
            )
        )
    return Block(template="mapping/dashboard_reviews.html", context={"waiting": rows})


def my_organisation_profile(person: Person) -> Block | None:
    """A focal point (or alternate) of a current member: their organisation's profile, published
    when, and the revision in progress (a draft, submitted, or returned with the comment), or how
    long it has gone without an update. One query."""
    if not (person.is_focal_point and person.organisation_id is not None):
        return None
    states = profile_states(Organisation.objects.current().filter(pk=person.organisation_id))
    if not states:
        return None
    (state,) = states
    months = state.months_since_published(group_today())
    return Block(
        template="mapping/dashboard_profile.html",
        context={
            "state": state,
            "organisation": state.organisation,
            "stale_months": months if months is not None and months >= STALE_AFTER_MONTHS else None,
            "can_edit": permissions.can_edit_profile(person, state.organisation)
            and not state.waiting_for_review,
        },
    )
