from __future__ import annotations

from django.urls import include, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from coordination import announcement_views, views

app_name = "coordination"

urlpatterns = [
    path("members/", views.organisation_list, name="organisation_list"),
    path("members/new/", views.organisation_create, name="organisation_create"),
    path("members/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("members/<slug:slug>/edit/", views.organisation_edit, name="organisation_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/<id:pk>/", views.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<id:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/<id:pk>/resend/", views.invitation_resend, name="invitation_resend"),
    path("invitations/<id:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("join/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("profile/", views.profile, name="profile"),
    path("history/", views.audit_log, name="audit_log"),
    path("status/", views.system_status, name="system_status"),
    # Chair terms (coordination/views.py) and their handovers (coordination/handover_views.py).
    path("chairs/", include("coordination.urls_chairs")),
    # Announcements and calls for inputs (coordination/announcement_views.py).
    path("announcements/", announcement_views.announcement_list, name="announcement_list"),
    path("announcements/new/", announcement_views.announcement_new, name="announcement_new"),
    path(
        "announcements/<id:pk>/",
        announcement_views.announcement_detail,
        name="announcement_detail",
    ),
    path(
        "announcements/<id:pk>/answer/<slug:slug>/",
        announcement_views.announcement_answer,
        name="announcement_answer",
    ),
    path(
        "announcements/<id:pk>/answer/<slug:slug>/files/",
        announcement_views.announcement_files_add,
        name="announcement_files_add",
    ),
    path(
        "announcements/files/<id:pk>/",
        announcement_views.announcement_file,
        name="announcement_file",
    ),
    path(
        "announcements/files/<id:pk>/remove/",
        announcement_views.announcement_file_remove,
        name="announcement_file_remove",
    ),
    path(
        "announcements/<id:pk>/remind/",
        announcement_views.announcement_remind,
        name="announcement_remind",
    ),
    path(
        "announcements/<id:pk>/inputs.<str:fmt>",
        announcement_views.announcement_export,
        name="announcement_export",
    ),
]
