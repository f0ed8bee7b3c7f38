from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from coordination import permissions


class PersonPreferencesMiddleware:
    """Show pages in the logged-in person's time zone and language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            if user.language in dict(settings.LANGUAGES):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        else:
            timezone.deactivate()
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Send people who must use two-factor authentication to set it up before anything else.

    Who must is decided by permissions.requires_two_factor (the MFA_REQUIRED_FOR setting).
    """

    allowed_prefixes = ("/accounts/", "/static/", "/health/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and permissions.requires_two_factor(user)
            and not is_mfa_enabled(user)
        ):
            messages.warning(
                request,
                _("Your role requires two-factor authentication. Set it up to continue."),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
