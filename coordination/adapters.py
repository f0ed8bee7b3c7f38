from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.core.mail import EmailMessage
from django.http import HttpRequest

from common import secrets as stored_secrets
from coordination import permissions


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: accounts come from the secretariat's invitations."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        # Every email allauth sends (a login code, a password reset, a new address to confirm)
        # is sent by a program, as the hub's own emails are (RFC 3834): auto-responders stay
        # silent.
        return super().render_mail(
            template_prefix,
            email,
            context,
            headers={"Auto-Submitted": "auto-generated", **(headers or {})},
        )


class RequiredTwoFactorMFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        # Someone who must use two-factor cannot switch it off, only replace it.
        return not permissions.requires_two_factor(authenticator.user)

    # allauth passes every secret it stores (the TOTP secret, the recovery-code seed) through
    # these two, and stores them in clear unless they are overridden.
    def encrypt(self, text: str) -> str:
        return stored_secrets.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return stored_secrets.decrypt(encrypted_text)
