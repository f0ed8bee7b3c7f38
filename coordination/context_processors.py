from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from coordination import permissions


def group(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "GROUP_NAME": settings.GROUP_NAME,
        "can_manage_members": bool(user and permissions.can_manage_members(user)),
    }
