"""Writes of notifications' own state: preferences, reading notifications, sending again.

What other apps call to tell people of their events is in notifications.contract.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from common import registry
from common.people import Recipient
from common.permissions import require
from notifications import permissions
from notifications.delivery import send_again
from notifications.models import Delivery, Notification, Preference

# --- Preferences ---------------------------------------------------------------------------------


def role_kinds(role: str) -> list[str]:
    """The reminder kinds a role gets until the person chooses, as each section declares."""
    return [
        section.kind
        for section in registry.digest_sections
        if section.roles is None or role in section.roles
    ]


def role_defaults(person: Recipient) -> dict[str, Any]:
    """What a new person gets before choosing: the kinds their role has by default, and how
    often and whether at once as the app that knows the roles says (weekly otherwise)."""
    defaults: dict[str, Any] = {"frequency": Preference.Frequency.WEEKLY, "immediate": True}
    for rule in registry.preference_defaults:
        defaults |= rule(person)
    return {**defaults, "kinds": role_kinds(person.role)}


def wanted_kinds(preference: Preference, role: str) -> set[str]:
    """The kinds chosen, plus any kind added since the choice that the role has by default."""
    known = set(preference.kinds_known)
    return set(preference.kinds) | {kind for kind in role_kinds(role) if kind not in known}


def ensure_preferences(now: datetime, *, people: Iterable[Recipient] | None = None) -> int:
    """Give every active person without preferences their role's defaults (new people join by
    invitation at any time; this keeps the digest from needing to know)."""
    candidates = (
        people
        if people is not None
        else get_user_model()._default_manager.filter(
            is_active=True, notification_preference__isnull=True
        )
    )
    created = []
    for person in candidates:
        preference = Preference(person_id=person.pk, **role_defaults(person))
        preference.next_digest_at = preference.compute_next_digest_at(now, person.time_zone)
        created.append(preference)
    Preference.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def preference_for(person: Recipient) -> Preference:
    preference = Preference.objects.filter(person_id=person.pk).first()
    if preference is None:
        ensure_preferences(timezone.now(), people=[person])
        preference = Preference.objects.get(person_id=person.pk)
    return preference


@transaction.atomic
def preference_update(*, person: Recipient, **changes: Any) -> Preference:
    """A person changes how they hear from the hub; the next digest time follows."""
    preference = preference_for(person)
    for field, value in changes.items():
        setattr(preference, field, value)
    if "kinds" in changes:
        # What they saw offered is what they chose from: a kind added later is new to them.
        preference.kinds_known = [section.kind for section in registry.digest_sections]
    preference.full_clean()
    preference.next_digest_at = preference.compute_next_digest_at(timezone.now(), person.time_zone)
    # Clearing the claim tells a digest batch running now not to overwrite the new time.
    preference.claim = None
    preference.save()
    return preference


def preference_reschedule(*, person: Recipient) -> None:
    """A person's time zone changed: their next digest moves to their hour in the new zone."""
    if Preference.objects.filter(person_id=person.pk).exists():
        preference_update(person=person)


# --- In-app notifications ------------------------------------------------------------------------


def notifications_mark_read(*, person: Recipient) -> int:
    return Notification.objects.filter(person_id=person.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def notification_open(*, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


# --- The delivery log ----------------------------------------------------------------------------


def delivery_send_again(*, delivery: Delivery, actor: AbstractBaseUser) -> bool:
    """The secretariat's "send again" for a failed email: back in the queue, attempts reset.
    False if it is not failed (any more): someone else sent it again meanwhile."""
    require(permissions.can_read_delivery_log(actor))
    if delivery.status != Delivery.Status.FAILED:
        return False
    return send_again(delivery).status == Delivery.Status.RETRY
