from __future__ import annotations

from django.urls import URLPattern, path

import common.urls  # noqa: F401  # registers <id:...>, the converter of object ids
from mapping import overview_views, taxonomy_views

urlpatterns: list[URLPattern] = [
    # Public, without login: the overview and the published profiles.
    path("", overview_views.overview, name="overview"),
    # The secretariat's taxonomies, before the profiles' addresses (`taxonomies/` would otherwise
    # read as an organisation's).
    path("taxonomies/", taxonomy_views.taxonomy_list, name="taxonomy_list"),
    path("taxonomies/terms/<id:pk>/edit/", taxonomy_views.term_edit, name="term_edit"),
    path("taxonomies/terms/<id:pk>/retire/", taxonomy_views.term_retire, name="term_retire"),
    path("taxonomies/terms/<id:pk>/restore/", taxonomy_views.term_restore, name="term_restore"),
    path("taxonomies/terms/<id:pk>/delete/", taxonomy_views.term_delete, name="term_delete"),
    path("taxonomies/<str:taxonomy>/", taxonomy_views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomies/<str:taxonomy>/add/", taxonomy_views.term_create, name="term_create"),
    # Last of this module: an organisation's address is any slug. mapping/urls.py must list
    # other modules' one-segment addresses before this module, or this one would take them.
    path("<slug:slug>/", overview_views.profile_detail, name="profile_detail"),
]
