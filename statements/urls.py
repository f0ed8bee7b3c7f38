from __future__ import annotations

from django.urls import path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from statements import urls_final, urls_rounds, urls_text, views

app_name = "statements"

urlpatterns = [
    path("", views.statement_list, name="statement_list"),
    path("new/", views.statement_create, name="statement_create"),
    path("<id:pk>/", views.statement_detail, name="statement_detail"),
    path("<id:pk>/compare/<int:a>/<int:b>/", views.version_diff, name="version_diff"),
    path("<id:pk>/comments/", views.comment_add, name="comment_add"),
    path("<id:pk>/proposals/", views.proposal_add, name="proposal_add"),
    path("<id:pk>/no-comments/", views.no_comments, name="no_comments"),
    path("comments/<id:pk>/answer/", views.comment_answer, name="comment_answer"),
    # Editing the text (urls_text), endorsement rounds and the statement's life (urls_rounds),
    # the final text: documents, language versions, public pages (urls_final).
    *urls_text.urlpatterns,
    *urls_rounds.urlpatterns,
    *urls_final.urlpatterns,
]
