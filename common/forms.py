"""Forms every app shares."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseForm


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]  # for any model
    """Carries the version the form was opened at, so a save can detect someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}


def narrow_choices(form: BaseForm, **querysets: QuerySet[Any]) -> None:
    """Limit what a form's model-choice fields offer (and accept), by field name; a field the
    form does not have is left alone, so one call serves forms that show fewer fields."""
    for name, queryset in querysets.items():
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = queryset
