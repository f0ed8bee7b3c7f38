from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import REMINDER_KINDS, Preference


class PreferenceForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label=_("What the digest reminds me of"),
        choices=REMINDER_KINDS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Preference
        fields = ["frequency", "weekday", "hour", "kinds", "immediate"]
        widgets = {"frequency": forms.RadioSelect}
