"""Whether a round's request reached each addressed organisation, read from notifications'
delivery log (the board shows it: silence is never deemed consent from someone not asked)."""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from common.dates import group_time_zone
from coordination.models import Person
from notifications import contract
from statements.models import ActingPrincipal, EndorsementRound

DELIVERED = "delivered"
PENDING = "pending"
FAILED = "failed"
NOT_SENT = "not_sent"

# Delivery statuses (notifications.models.Delivery.Status values, read through the contract as
# plain strings) as the board reads them; "skipped" (not needed any more) counts for nothing.
_STATE_OF_STATUS = {
    "sent": DELIVERED,
    "failed": FAILED,
    "pending": PENDING,
    "sending": PENDING,
    "retry": PENDING,
}
# An organisation is as well off as its best-reached person.
_RANK = {DELIVERED: 3, FAILED: 2, PENDING: 1, NOT_SENT: 0}


def round_opened_key(round: EndorsementRound) -> str:
    """The event key under which statements.notify.round_opened records the round's request."""
    return f"round:{round.pk}:opened"


def round_deliveries(round: EndorsementRound) -> dict[int, str]:
    """Organisation id → "delivered" (the request email reached at least one of its people),
    else "failed" (one failed for good), else "pending" (one waits to be sent or retried), else
    "not_sent", for every organisation the round addresses.

    Four queries whatever the number of organisations and people (three if the round's
    addressed organisations are prefetched)."""
    organisation_ids = [o.pk for o in round.addressed_organisations.all()]
    states = {organisation_id: NOT_SENT for organisation_id in organisation_ids}
    # Whom the request may have gone to, for which organisation: its people now (someone who
    # moved since counts for the organisation they are in, which is the one that will answer),
    # and those acting as its principal on the opening day.
    organisations_of: dict[int, set[int]] = defaultdict(set)
    for person_id, organisation_id in Person.objects.filter(
        organisation_id__in=organisation_ids
    ).values_list("pk", "organisation_id"):
        organisations_of[person_id].add(organisation_id)
    opened_on = timezone.localdate(round.opened_at, timezone=group_time_zone())
    for person_id, organisation_id in ActingPrincipal.objects.filter(
        organisation_id__in=organisation_ids, starts_on__lte=opened_on, ends_on__gte=opened_on
    ).values_list("person_id", "organisation_id"):
        organisations_of[person_id].add(organisation_id)
    statuses = contract.delivery_states(key=round_opened_key(round), people=organisations_of)
    for person_id, status in statuses.items():
        state = _STATE_OF_STATUS.get(status)
        if state is None:
            continue
        for organisation_id in organisations_of[person_id]:
            if _RANK[state] > _RANK[states[organisation_id]]:
                states[organisation_id] = state
    return states
