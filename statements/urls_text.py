from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from statements import text_views

urlpatterns: list[URLPattern] = [
    path("<id:pk>/text/", text_views.version_edit, name="version_edit"),
]
