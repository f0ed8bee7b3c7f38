from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from statements import round_views

urlpatterns: list[URLPattern] = [
    # Endorsement rounds: opened from the statement's page, run from their board.
    path("<id:pk>/rounds/new/", round_views.round_open, name="round_open"),
    path("rounds/<id:pk>/", round_views.round_board, name="round_board"),
    path("rounds/<id:pk>/export.<str:fmt>", round_views.round_export, name="round_export"),
    path("rounds/<id:pk>/answer/", round_views.round_answer, name="round_answer"),
    path("rounds/<id:pk>/extend/", round_views.round_extend, name="round_extend"),
    path("rounds/<id:pk>/explicit/", round_views.round_explicit, name="round_explicit"),
    path("rounds/<id:pk>/close/", round_views.round_close, name="round_close"),
    path("rounds/<id:pk>/remind/", round_views.round_remind, name="round_remind"),
    # The statement's life around its text.
    path("<id:pk>/comment-period/", round_views.comment_period, name="comment_period"),
    path("<id:pk>/comment-period/remind/", round_views.comment_remind, name="comment_remind"),
    path("<id:pk>/adopt/", round_views.statement_adopt, name="statement_adopt"),
    path("<id:pk>/withdraw/", round_views.statement_withdraw, name="statement_withdraw"),
    path("<id:pk>/publish/", round_views.statement_publish, name="statement_publish"),
    # A principal's acting principals.
    path("acting-principals/", round_views.acting_principals, name="acting_principals"),
    path(
        "acting-principals/<id:pk>/end/",
        round_views.acting_principal_end,
        name="acting_principal_end",
    ),
]
