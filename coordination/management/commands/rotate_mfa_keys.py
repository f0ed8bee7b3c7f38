from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand, CommandError

from common import secrets as stored_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored two-factor secret with the first key of MFA_ENCRYPTION_KEYS. "
        "Run it after putting a new key first (the old one second); then drop the old key. "
        "Running it again changes nothing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            changed, total = stored_secrets.transform_authenticators(
                Authenticator, stored_secrets.reencrypt
            )
        except stored_secrets.UndecryptableSecret as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{changed} of {total} two-factor authenticators re-encrypted with the first key."
        )
