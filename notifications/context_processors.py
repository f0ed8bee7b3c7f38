from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from notifications.models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    """The header's unread count, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(person=user, read_at__isnull=True).count()
        )
    }
