"""Who may do what with notifications. notifications knows no roles: the app that does answers
through common.registry.delivery_log_readers (coordination: the secretariat)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from common import registry


def can_read_delivery_log(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Read every email's delivery and send a failed one again."""
    return bool(user.is_authenticated) and any(rule(user) for rule in registry.delivery_log_readers)
