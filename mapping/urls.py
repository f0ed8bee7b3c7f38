from __future__ import annotations

from django.urls import URLPattern, URLResolver

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from mapping import urls_exports, urls_overview, urls_profiles

app_name = "mapping"

# The overview, the public profile pages and the taxonomies (urls_overview); editing a profile
# and its review (urls_profiles); the exports (urls_exports).
urlpatterns: list[URLPattern | URLResolver] = [
    *urls_overview.urlpatterns,
    *urls_profiles.urlpatterns,
    *urls_exports.urlpatterns,
]
