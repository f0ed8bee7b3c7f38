from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common import registry
from notifications.models import Preference

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise


def reminder_kinds() -> list[tuple[str, StrOrPromise]]:
    """The kinds of reminder the apps declare with their digest sections."""
    return [(section.kind, section.label) for section in registry.digest_sections]


class PreferenceForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("What the digest reminds me of"),
        choices=reminder_kinds,
        widget=forms.CheckboxSelectMultiple,
        # The model keeps at least one kind (its field may not be blank); a person who wants no
        # reminders at all says so with the digest's frequency, not with an empty digest.
        error_messages={
            "required": _(
                "Choose at least one reminder. To receive no digest, choose “Never” above."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds come from the apps that send them (common.registry.email_kinds).
        self.fields["immediate"].help_text = _("Emails sent at once: %(kinds)s.") % {
            "kinds": ", ".join(str(kind.label).lower() for kind in registry.email_kinds)
        }

    class Meta:
        model = Preference
        fields = ["frequency", "weekday", "hour", "kinds", "immediate"]
        widgets = {"frequency": forms.RadioSelect}
