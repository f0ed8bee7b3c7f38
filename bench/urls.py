from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from bench import admin as bench_admin

BARE = engines["django"].from_string(
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><p>{{ title }}</p></body></html>"
)


@login_not_required
def bare(request: HttpRequest) -> HttpResponse:
    """The yardstick: a Django view that renders a minimal template and touches no table."""
    return HttpResponse(BARE.render({"title": "bare"}, request))


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/admin/", bench_admin.site.urls),
    path("", include("config.urls")),
]
