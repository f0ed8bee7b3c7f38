"""Chair terms and handovers, under /chairs/ (included by coordination/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from coordination import handover_views, views

urlpatterns: list[URLPattern] = [
    path("", views.term_list, name="term_list"),
    path("new/", views.term_create, name="term_create"),
    path("<id:pk>/", views.term_detail, name="term_detail"),
    path("<id:pk>/edit/", views.term_edit, name="term_edit"),
]

# The handover to a term's chairs: <pk> is the incoming term's id (task_update: the task's).
urlpatterns += [
    path("<id:pk>/handover/", handover_views.handover_detail, name="handover_detail"),
    path("<id:pk>/handover/open/", handover_views.handover_open, name="handover_open"),
    path("<id:pk>/handover/tasks/", handover_views.task_add, name="handover_task_add"),
    path("<id:pk>/handover/comments/", handover_views.comment_add, name="handover_comment_add"),
    path("<id:pk>/handover/sign/", handover_views.handover_sign, name="handover_sign"),
    path("handover-tasks/<id:pk>/", handover_views.task_update, name="handover_task_update"),
]
