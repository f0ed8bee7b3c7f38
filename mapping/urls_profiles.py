from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from mapping import profile_views

# Keeping a profile: the focal points' draft, its initiatives and partnerships, the secretariat's
# review, and the history of a profile's revisions. Every address has two segments or more, so
# none is taken for an organisation's profile (`<slug>/`, urls_overview).
urlpatterns: list[URLPattern] = [
    path("<slug:slug>/edit/", profile_views.profile_edit, name="profile_edit"),
    path("<slug:slug>/history/", profile_views.profile_history, name="profile_history"),
    path("revisions/<id:pk>/", profile_views.revision_detail, name="revision_detail"),
    path("revisions/<id:pk>/edit/", profile_views.revision_edit, name="revision_edit"),
    path("revisions/<id:pk>/submit/", profile_views.revision_submit, name="revision_submit"),
    path("revisions/<id:pk>/publish/", profile_views.revision_publish, name="revision_publish"),
    path("revisions/<id:pk>/return/", profile_views.revision_return, name="revision_return"),
    path(
        "revisions/<id:pk>/initiatives/add/",
        profile_views.initiative_add,
        name="initiative_add",
    ),
    path("initiatives/<id:pk>/", profile_views.initiative_edit, name="initiative_edit"),
    path(
        "initiatives/<id:pk>/remove/",
        profile_views.initiative_remove,
        name="initiative_remove",
    ),
    path(
        "revisions/<id:pk>/partnerships/add/",
        profile_views.partnership_add,
        name="partnership_add",
    ),
    path("partnerships/<id:pk>/", profile_views.partnership_edit, name="partnership_edit"),
    path(
        "partnerships/<id:pk>/remove/",
        profile_views.partnership_remove,
        name="partnership_remove",
    ),
]
