"""A production process must not run with the placeholder secret copied from .env.example."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PLACEHOLDER_PREFIX = "REPLACE-ME"


def refuse_placeholder_secret(**_: Any) -> None:
    """Called as the web server and the Celery processes start (not by `manage.py check`, which
    must stay clean with .env.example as it is)."""
    if not settings.DEBUG and settings.SECRET_KEY.startswith(PLACEHOLDER_PREFIX):
        raise ImproperlyConfigured(
            "SECRET_KEY still holds the placeholder from .env.example: set your own "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )
