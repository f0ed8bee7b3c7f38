"""System checks for what production must configure itself (run by `manage.py check --deploy`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

from common import secrets as stored_secrets

GENERATE_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


@register(Tags.security, deploy=True)
def check_mfa_encryption_keys(
    *,
    app_configs: Sequence[AppConfig] | None = None,
    databases: Sequence[str] | None = None,
    **kwargs: Any,
) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if not settings.DEBUG and not stored_secrets.configured_keys():
        errors.append(
            Error(
                "MFA_ENCRYPTION_KEYS is not set: two-factor secrets would be encrypted with a key "
                "derived from SECRET_KEY.",
                hint=f"Set MFA_ENCRYPTION_KEYS to a key of its own, e.g. the output of {GENERATE_KEY}.",
                id="coordination.E001",
            )
        )
    refused = stored_secrets.invalid_keys()
    if refused:
        errors.append(
            Error(
                f"MFA_ENCRYPTION_KEYS holds values that are not Fernet keys: {', '.join(refused)}.",
                hint=f"Each key is 32 url-safe base64-encoded bytes, e.g. the output of {GENERATE_KEY}.",
                id="coordination.E002",
            )
        )
    return errors
