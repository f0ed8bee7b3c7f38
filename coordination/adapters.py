from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from common import secrets as stored_secrets
from coordination import permissions


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):
    """Nobody signs themselves up: accounts come from the secretariat's invitations."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False


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
