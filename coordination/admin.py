from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import F
from django.http import HttpRequest

from coordination.models import ChairTerm, Invitation, Organisation, Person


class VersionBumpingAdmin(admin.ModelAdmin):
    """Saves from the admin move the version on too, so a form open on the site notices them."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            type(obj).objects.filter(pk=obj.pk).update(version=F("version") + 1)


@admin.register(Organisation)
class OrganisationAdmin(VersionBumpingAdmin):
    list_display = [
        "acronym",
        "name",
        "kind",
        "is_working_group_member",
        "is_permanent_coordinator",
        "joined_on",
        "left_on",
    ]
    list_filter = ["kind", "is_working_group_member"]
    search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["acronym"]}


@admin.register(Person)
class PersonAdmin(UserAdmin, VersionBumpingAdmin):
    ordering = ["full_name"]
    list_display = ["email", "full_name", "organisation", "role", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            "Person",
            {"fields": ["full_name", "job_title", "organisation", "role", "time_zone", "language"]},
        ),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "full_name", "organisation", "role", "password1", "password2"],
            },
        ),
    ]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = [
        "created_at",
        "expires_at",
        "sent_at",
        "accepted_at",
        "revoked_at",
        "person",
        "invited_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations carry a token that only the service can mint and email.
        return False


@admin.register(ChairTerm)
class ChairTermAdmin(admin.ModelAdmin):
    list_display = ["__str__", "starts_on", "ends_on"]
    filter_horizontal = ["organisations"]
