"""The one way every app refuses: its predicates answer, `require` turns a no into a 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied


def require(allowed: bool) -> None:
    """Refuse (403) unless the predicate allowed it: every mutating service and view asks."""
    if not allowed:
        raise PermissionDenied
