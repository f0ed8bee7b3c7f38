from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids

urlpatterns: list[URLPattern] = []
