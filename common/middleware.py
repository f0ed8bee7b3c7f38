"""Response headers that Django's own settings do not cover."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

# The site uses none of these browser features, so no page (nor anything a page might embed)
# may ask for them. Only features Chromium recognises are listed, since it warns of an unknown
# name on every page (the browser tests fail on such a warning); `interest-cohort`, retired for
# `browsing-topics`, is left out.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
    )
)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response, beside the Content-Security-Policy
    (django-csp), and Referrer-Policy and Cross-Origin-Opener-Policy (SecurityMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # A view that needs a feature on one page may set its own header; it is kept.
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
