from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from common.forms import IdsField, VersionedModelForm
from coordination.models import ChairTerm, Invitation, Organisation, Person, time_zone_choices
from coordination.services import (
    CHAIR_TERM_FIELDS,
    ORGANISATION_FIELDS,
    PERSON_FIELDS_FOR_SECRETARIAT,
    PROFILE_FIELDS,
    default_time_zone,
)


def offer_time_zones(form: forms.BaseForm, *, first: str | None, keep: str | None) -> None:
    """The form's time zone offers the canonical zones, grouped by region, `first` (the
    organisation's zone) at the top; `keep`, the zone stored on the row, stays selectable
    even if it is an alias the list no longer offers."""
    field = form.fields.get("time_zone")
    if isinstance(field, forms.ChoiceField):
        field.choices = time_zone_choices(first=first, keep=keep)


class OrganisationForm(VersionedModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}),
            "left_on": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False
        offer_time_zones(
            self, first=None, keep=self.instance.time_zone if self.instance.pk else None
        )

    def _get_validation_exclusions(self) -> Any:
        # Naming a new permanent coordinator is allowed: the service stands the old one down
        # before saving, so the one-coordinator constraint is the service's to check.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]  # private, not in the stubs
        exclusions.add("is_permanent_coordinator")
        return exclusions


class TermForm(VersionedModelForm):
    """The secretariat records or corrects a chair term; the service's rules (seats, membership
    on those dates, no overlap) come back as errors on this form."""

    organisations = IdsField(
        label=_("Chair organisations"),
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        # The service says what is missing, in the group's words, rather than "required".
        required=False,
        help_text=_("One chair, or two co-chairs."),
    )

    class Meta:
        model = ChairTerm
        fields = list(CHAIR_TERM_FIELDS)
        widgets = {
            # The format a date input reads, whatever the viewer's language.
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "starts_on": _("Usually 1 January: the chair's rights move at midnight, group time."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["version"].required = False

    def _get_validation_exclusions(self) -> Any:
        # An end before the start is the service's to refuse, in words, not the check
        # constraint's generic message.
        exclusions = super()._get_validation_exclusions()  # type: ignore[misc]  # private, not in the stubs
        exclusions.add("ends_on")
        return exclusions


class _PersonZoneForm(VersionedModelForm):
    """A person's form whose time zone offers their organisation's zone first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        offer_time_zones(
            self,
            first=organisation.time_zone if organisation is not None else None,
            keep=self.instance.time_zone,
        )


class PersonForm(_PersonZoneForm):
    """The secretariat's view of a person."""

    class Meta:
        model = Person
        fields = list(PERSON_FIELDS_FOR_SECRETARIAT)


class ProfileForm(_PersonZoneForm):
    """What a person changes about themselves."""

    class Meta:
        model = Person
        fields = list(PROFILE_FIELDS)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "full_name", "organisation", "role"]
        help_texts = {
            "full_name": _("Used to greet them; they can change it when they accept."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field = self.fields["organisation"]
        if isinstance(organisation_field, forms.ModelChoiceField):  # always; narrows the type
            organisation_field.queryset = Organisation.objects.current()


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Your full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    # Not required: left out, the service gives the organisation's zone and the site's language.
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        required=False,
        help_text=_("Times in the site and in emails are shown in this zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        required=False,
        help_text=_("Of the site and of the emails you receive."),
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        zone = default_time_zone(invitation.organisation)
        offer_time_zones(self, first=zone, keep=zone)
        self.fields["time_zone"].initial = zone
        # The language the page is read in: the one chosen before logging in, if any.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            self.fields["language"].initial = language

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2:
            if password1 != password2:
                self.add_error("password2", _("The two passwords are not the same."))
            else:
                candidate = Person(
                    email=self.invitation.email, full_name=cleaned.get("full_name", "")
                )
                try:
                    password_validation.validate_password(password1, user=candidate)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned
