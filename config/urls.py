from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from coordination import views as coordination_views

# The admin logs in through allauth, so its login has the same rate limits and two-factor check.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]
admin.site.site_header = "Coordination Hub administration"

urlpatterns = [
    path("", coordination_views.dashboard, name="dashboard"),
    path("health/", coordination_views.health, name="health"),
    # Adding or changing login addresses is not for people to do themselves: the secretariat
    # invited them at one address. allauth's page for it is shadowed here.
    path("accounts/email/", coordination_views.email_managed_by_secretariat, name="account_email"),
    path("accounts/", include("allauth.urls")),
    # The language of the site for someone not logged in (a cookie); a person's profile wins.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("workplans/", include("workplans.urls")),
    path("meetings/", include("meetings.urls")),
    path("statements/", include("statements.urls")),
    path("mapping/", include("mapping.urls")),
    path("notifications/", include("notifications.urls")),
    path("search/", include("common.urls")),
    path("", include("coordination.urls")),
]
