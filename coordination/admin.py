from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from coordination.models import ChairTerm, Invitation, Organisation, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    """Organisations and people are changed on the site, through the services that check the
    version, write the audit history and keep the rules; the admin only shows them."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
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


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin, UserAdmin):
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
