from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from mapping import export_views

# Public, without login: what the group links to instead of a PDF assembled by hand. The format
# is read from the address ("organisations.csv"); one that is not offered is a 404.
urlpatterns: list[URLPattern] = [
    path(
        "export/organisations.<str:fmt>",
        export_views.organisations_export,
        name="export_organisations",
    ),
    path(
        "export/initiatives.<str:fmt>",
        export_views.initiatives_export,
        name="export_initiatives",
    ),
    path("export/mapping.pdf", export_views.mapping_pdf, name="export_pdf"),
]
