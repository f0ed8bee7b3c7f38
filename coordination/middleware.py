from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination import permissions


class PersonPreferencesMiddleware:
    """Show pages in the logged-in person's time zone and language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Overridden for this request only, then put back: a thread that serves (or a test that
        # makes) the next request, or renders anything afterwards, starts from the defaults.
        user = request.user
        zone: zoneinfo.ZoneInfo | None = None
        language: str | None = None
        if user.is_authenticated:
            try:
                zone = zoneinfo.ZoneInfo(user.time_zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
            if user.language in dict(settings.LANGUAGES):
                language = user.language
                request.LANGUAGE_CODE = user.language
        with timezone.override(zone):
            if language is None:
                return self.get_response(request)
            with translation.override(language):
                response = self.get_response(request)
            # LocaleMiddleware, outside this one, would otherwise name the language it chose.
            response.headers.setdefault("Content-Language", language)
            return response


class RequireTwoFactorMiddleware:
    """Send people who must use two-factor authentication to set it up before anything else.

    Who must is decided by permissions.requires_two_factor (the MFA_REQUIRED_FOR setting).
    """

    # What someone who must set up two-factor may still reach: the setup itself, and the way
    # in and out. Nothing else under /accounts/ (such as adding email addresses).
    allowed_url_names = frozenset(
        {
            "mfa_index",
            "mfa_activate_totp",
            "mfa_generate_recovery_codes",
            "mfa_view_recovery_codes",
            "mfa_download_recovery_codes",
            "mfa_authenticate",
            "mfa_reauthenticate",
            "account_reauthenticate",
            "account_login",
            "account_logout",
            "account_reset_password",
            "account_reset_password_done",
            "account_reset_password_from_key",
            "account_reset_password_from_key_done",
            "health",
        }
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(settings.STATIC_URL)
            and self._url_name(request) not in self.allowed_url_names
            and permissions.requires_two_factor(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set it up to continue."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _url_name(request: HttpRequest) -> str | None:
        try:
            return resolve(request.path_info).url_name
        except Resolver404:
            return None
