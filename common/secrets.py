"""Secrets kept in the database (the two-factor secrets allauth stores), encrypted with Fernet.

MFA_ENCRYPTION_KEYS lists the keys: the first encrypts, every one decrypts, so a new key can go
first while the rows written under the old one are re-encrypted (`manage.py rotate_mfa_keys`).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

# A Fernet token is url-safe base64 of the version byte 0x80 and a 64-bit timestamp whose high
# bits stay zero for thousands of years. A TOTP secret (base32 capitals) or a recovery-code seed
# (hex) never starts like this, so a value written before encryption existed is told apart.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105 - the format's marker, not a secret

# How .env.example marks a value to replace (config/placeholders.py uses the same prefix).
PLACEHOLDER_PREFIX = "REPLACE-ME"

# Changing the salt would make every secret stored in the embedded mode unreadable.
_DERIVATION_SALT = b"coordination-hub/mfa-encryption-key/"

# Where allauth keeps a secret in Authenticator.data, by authenticator type.
_SECRET_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed",)}
# Recovery codes imported from another two-factor package are kept as a list of secrets.
_SECRET_LISTS = {"recovery_codes": ("migrated_codes",)}
AUTHENTICATOR_TYPES = tuple(_SECRET_FIELDS)


class UndecryptableSecret(Exception):
    """A stored secret that none of the keys opens: a key was dropped before rotation."""


def derived_key() -> bytes:
    """The embedded mode's key, so that a fresh machine works with no setup; production sets
    MFA_ENCRYPTION_KEYS (`check --deploy` says so), so that a leaked SECRET_KEY opens no secret."""
    digest = hashlib.sha256(_DERIVATION_SALT + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def configured_keys() -> list[str]:
    return [key.strip() for key in settings.MFA_ENCRYPTION_KEYS if key.strip()]


def invalid_keys() -> list[str]:
    """The configured keys Fernet refuses, for the system check (shortened: they are secrets).

    The placeholder of .env.example is not counted: `check --deploy` stays clean with that file
    as it is (as for SECRET_KEY), and a placeholder key refuses every use with a clear message.
    """
    refused = []
    for key in configured_keys():
        if key.startswith(PLACEHOLDER_PREFIX):
            continue
        try:
            Fernet(key)
        except ValueError:
            refused.append(f"{key[:4]}…")
    return refused


def _fernets() -> list[Fernet]:
    keys = [key.encode() for key in configured_keys()]
    # Accepted last, for reading only once a key is configured: a site that ran without
    # MFA_ENCRYPTION_KEYS moves onto its own key by setting it and running rotate_mfa_keys.
    if derived_key() not in keys:
        keys.append(derived_key())
    try:
        return [Fernet(key) for key in keys]
    except ValueError as error:
        raise ImproperlyConfigured(
            "MFA_ENCRYPTION_KEYS: every key must be 32 url-safe base64-encoded bytes, e.g. the "
            'output of python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())".'
        ) from error


def is_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypt(text: str) -> str:
    return _fernets()[0].encrypt(text.encode()).decode()


def encrypt_if_clear(value: str) -> str:
    return value if is_encrypted(value) else encrypt(value)


def decrypt(value: str) -> str:
    # A value in clear was stored before encryption existed (or by a test fixture); the data
    # migration encrypts those, this keeps a row written in between readable.
    if not is_encrypted(value):
        return value
    try:
        return MultiFernet(_fernets()).decrypt(value.encode()).decode()
    except InvalidToken as error:
        raise UndecryptableSecret(
            "No key in MFA_ENCRYPTION_KEYS decrypts a stored two-factor secret: put back the key "
            "it was written with (second), then run manage.py rotate_mfa_keys."
        ) from error


def reencrypt(value: str) -> str:
    """The value under the first key, unchanged if it already is, so that rotating twice
    changes nothing the second time."""
    fernets = _fernets()
    if not is_encrypted(value):
        return fernets[0].encrypt(value.encode()).decode()
    try:
        fernets[0].decrypt(value.encode())
    except InvalidToken:
        pass
    else:
        return value
    try:
        return MultiFernet(fernets).rotate(value.encode()).decode()
    except InvalidToken as error:
        raise UndecryptableSecret(
            "No key in MFA_ENCRYPTION_KEYS decrypts a stored two-factor secret: put back the key "
            "it was written with (second) and run rotate_mfa_keys again."
        ) from error


def transform_authenticator_data(
    kind: str, data: dict[str, Any], transform: Callable[[str], str]
) -> dict[str, Any]:
    """A copy of an Authenticator's data with each secret in it passed through transform."""
    data = dict(data)
    for field in _SECRET_FIELDS.get(kind, ()):
        if isinstance(data.get(field), str):
            data[field] = transform(data[field])
    for field in _SECRET_LISTS.get(kind, ()):
        if isinstance(data.get(field), list):
            data[field] = [transform(v) if isinstance(v, str) else v for v in data[field]]
    return data


def transform_authenticators(
    model: type[models.Model], transform: Callable[[str], str]
) -> tuple[int, int]:
    """Pass every secret of every Authenticator (allauth's model, or the data migration's
    historical one) through transform; returns (rows changed, rows read)."""
    manager = model._default_manager
    pks = list(manager.filter(type__in=AUTHENTICATOR_TYPES).values_list("pk", flat=True))
    changed = 0
    for pk in pks:
        # One row at a time and locked: allauth saves the whole data when a recovery code is
        # used, and an overlapping save would undo either that (the code reusable) or this.
        with transaction.atomic():
            row = manager.select_for_update().filter(pk=pk).first()
            if row is None:  # deleted since the list was read
                continue
            data = transform_authenticator_data(row.type, row.data, transform)  # type: ignore[attr-defined]
            if data != row.data:  # type: ignore[attr-defined]
                row.data = data  # type: ignore[attr-defined]
                row.save(update_fields=["data"])
                changed += 1
    return changed, len(pks)
