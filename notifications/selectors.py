"""Reads of notifications' own rows, with what their pages need."""

from __future__ import annotations

from django.db.models import QuerySet

from common.people import Recipient
from notifications.models import Delivery, Notification


def notifications_of(person: Recipient) -> QuerySet[Notification]:
    return Notification.objects.filter(person_id=person.pk)


def delivery_log(*, status: str) -> QuerySet[Delivery]:
    """Emails of one status (every one for an unknown status), newest first, without bodies."""
    deliveries = Delivery.objects.select_related("person").order_by("-created_at")
    if status in Delivery.Status.values:
        deliveries = deliveries.filter(status=status)
    return deliveries.defer("text", "html", "ics")


def deliveries_needing_attention() -> dict[str, int]:
    """How many emails failed for good, and how many wait for a retry."""
    return {
        status: Delivery.objects.filter(status=status).count()
        for status in (Delivery.Status.FAILED, Delivery.Status.RETRY)
    }
