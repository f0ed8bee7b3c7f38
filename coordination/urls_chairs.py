"""Chair terms and handovers, under /chairs/ (included by coordination/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids

urlpatterns: list[URLPattern] = []
