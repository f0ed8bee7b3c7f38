from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from statements import final_views

# A language is a slug ("fr"): it holds no dot, so "fr.pdf" reads as the language and its format.
urlpatterns: list[URLPattern] = [
    path(
        "<id:pk>/download/<slug:language>.pdf",
        final_views.final_download,
        {"extension": "pdf"},
        name="final_pdf",
    ),
    path(
        "<id:pk>/download/<slug:language>.docx",
        final_views.final_download,
        {"extension": "docx"},
        name="final_docx",
    ),
    path(
        "<id:pk>/languages/<slug:language>/",
        final_views.language_version_edit,
        name="language_version_edit",
    ),
    # Read without logging in, once published.
    path("public/<id:pk>/", final_views.public_statement, name="public_statement"),
    path(
        "public/<id:pk>/<slug:language>/",
        final_views.public_statement,
        name="public_statement_language",
    ),
    path(
        "public/<id:pk>/<slug:language>.pdf",
        final_views.public_download,
        {"extension": "pdf"},
        name="public_pdf",
    ),
    path(
        "public/<id:pk>/<slug:language>.docx",
        final_views.public_download,
        {"extension": "docx"},
        name="public_docx",
    ),
]
