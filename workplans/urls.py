from __future__ import annotations

from django.urls import path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from workplans import views

app_name = "workplans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_create, name="plan_create"),
    path("<id:pk>/", views.plan_detail, name="plan_detail"),
    path("<id:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<id:plan_pk>/areas/new/", views.area_create, name="area_create"),
    path("areas/<id:pk>/edit/", views.area_edit, name="area_edit"),
    path("<id:plan_pk>/items/new/", views.item_create, name="item_create"),
    path("<id:plan_pk>/report/<int:year>/", views.report, name="report"),
    path("<id:plan_pk>/report/<int:year>.pdf", views.report_pdf, name="report_pdf"),
    path("items/", views.item_list, name="item_list"),
    path("items/export.<str:fmt>", views.item_export, name="item_export"),
    path("items/<id:pk>/", views.item_detail, name="item_detail"),
    path("items/<id:pk>/edit/", views.item_edit, name="item_edit"),
    path("items/<id:pk>/progress/", views.item_progress, name="item_progress"),
    path("items/<id:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("milestones/<id:pk>/done/", views.milestone_done, name="milestone_done"),
    path("milestones/<id:pk>/remove/", views.milestone_remove, name="milestone_remove"),
    path("pledges/<id:pk>/", views.pledge_detail, name="pledge_detail"),
    path(
        "pledges/new/<id:term_pk>/<id:organisation_pk>/",
        views.pledge_create,
        name="pledge_create",
    ),
    path("pledges/<id:pk>/edit/", views.pledge_edit, name="pledge_edit"),
    path("pledges/<id:pk>/progress/", views.pledge_progress, name="pledge_progress"),
    path(
        "pledges/report/<id:term_pk>/<id:organisation_pk>/",
        views.pledge_report,
        name="pledge_report",
    ),
]
