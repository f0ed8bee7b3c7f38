"""The delivery log's block of the dashboard (common.registry.DashboardBlock): for those who may
read the log (common.registry.delivery_log_readers; coordination says the secretariat), how many
emails failed for good or wait for a retry, linked to the log filtered so. It reads only
notifications' own models, and no app."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from common.registry import Block
from notifications import permissions, selectors
from notifications.models import Delivery


def failed_deliveries(person: AbstractBaseUser) -> Block | None:
    """No block while every email went: a failure is what the reader must act on. Two
    queries."""
    if not permissions.can_read_delivery_log(person):
        return None
    counts = selectors.deliveries_needing_attention()
    failed, retrying = counts[Delivery.Status.FAILED], counts[Delivery.Status.RETRY]
    if not (failed or retrying):
        return None
    return Block(
        template="notifications/dashboard_deliveries.html",
        context={
            "failed": failed,
            "retrying": retrying,
            "failed_status": Delivery.Status.FAILED.value,
            "retry_status": Delivery.Status.RETRY.value,
        },
    )
