from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _lazy

from common.editing import apply_errors
from common.forms import VersionedModelForm
from common.versioning import ConflictError
from coordination import permissions, services
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
    # As the site's own form does: a website typed without a scheme is https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


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


# Shown when the version the form was opened at is no longer the stored one.
STALE_TERM = _lazy(
    "Someone else changed this chair term since you opened it. Nothing was saved: reload the "
    "page to see their change, then make yours again."
)


class ChairTermAdminForm(VersionedModelForm):
    """The admin's chair-term form. Its clean() asks the service's own checks, so that a refused
    term comes back as errors on the form (and nothing is written) rather than as a failure
    when the admin saves."""

    class Meta:
        model = ChairTerm
        fields = list(services.CHAIR_TERM_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False  # a new term has no version yet

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if any(name not in cleaned for name in ("starts_on", "ends_on", "organisations")):
            return cleaned  # a field is missing or invalid, and already says so
        try:
            services.chair_term_validate(
                starts_on=cleaned["starts_on"],
                ends_on=cleaned["ends_on"],
                organisations=cleaned["organisations"],
                term=self.instance if self.instance.pk else None,
            )
        except ValidationError as error:
            apply_errors(self, error)
        if self.instance.pk and "version" in cleaned:
            stored = ChairTerm.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if cleaned["version"] != stored.first():
                # Checked here too so that the usual case is an error on the form; the service's
                # version check still decides if two saves race past this point.
                self.add_error(None, STALE_TERM)
        return cleaned


def _actor(request: HttpRequest) -> Person:
    user = request.user
    if not isinstance(user, Person):
        raise PermissionDenied
    return user


@admin.register(ChairTerm)
class ChairTermAdmin(admin.ModelAdmin):
    """Where the secretariat records chair terms (next year's chairs too). Every save goes
    through coordination.services, which checks the rules and the version and writes the audit
    history with the person who saved."""

    form = ChairTermAdminForm
    fields = [*services.CHAIR_TERM_FIELDS, "version"]
    list_display = ["__str__", "starts_on", "ends_on"]
    filter_horizontal = ["organisations"]

    def get_form(
        self,
        request: HttpRequest,
        obj: ChairTerm | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> type[ModelForm[ChairTerm]]:
        # The admin shows `version` (the form's hidden field), but builds the form from the
        # model's fields, where `version` is not editable: leave it to the form's declaration.
        if kwargs.get("fields"):
            kwargs["fields"] = [name for name in kwargs["fields"] if name != "version"]
        return super().get_form(request, obj, change, **kwargs)

    # Who may record chair terms is the service's rule (the secretariat), not Django's model
    # permissions: a secretariat account with admin access records next year's chairs here
    # until the site has its own pages for them; anyone else is refused, superusers included.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_chair_terms(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_chair_terms(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return permissions.can_manage_chair_terms(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return permissions.can_manage_chair_terms(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A term is history (and the rights it gave are in the audit trail): it is corrected
        # through the service, never deleted around it.
        return False

    def save_model(
        self, request: HttpRequest, obj: ChairTerm, form: ChairTermAdminForm, change: bool
    ) -> None:
        fields = {name: form.cleaned_data[name] for name in services.CHAIR_TERM_FIELDS}
        if change:
            services.chair_term_update(
                term=obj, actor=_actor(request), version=form.cleaned_data["version"], **fields
            )
        else:
            created = services.chair_term_create(actor=_actor(request), **fields)
            # The admin goes on with `obj` (its message, its log, the redirect): make it the
            # term the service saved.
            obj.pk, obj.version = created.pk, created.version
            obj._state.adding = False

    def save_related(
        self,
        request: HttpRequest,
        form: ChairTermAdminForm,
        formsets: list[BaseFormSet[Any]],
        change: bool,
    ) -> None:
        # The service set the chair organisations in save_model; form.save_m2m() would set them
        # again, outside its checks and audit.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ConflictError:
            # Two saves raced past the form's checks; the admin's transaction has rolled back.
            messages.error(request, STALE_TERM)
        except ValidationError as error:
            # Another term was saved between the form's checks and this save.
            messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(request.get_full_path())
