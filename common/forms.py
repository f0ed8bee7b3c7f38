"""Forms every app shares."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseForm

from common.urls import BIGGEST_ID


class IdsField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]  # for any model
    """A choice of several objects that refuses an id no column holds as it refuses any unknown id.

    Django guards `pk=` against an integer beyond 64 bits but not `pk__in=`, which this field
    queries: SQLite's driver then raises OverflowError, a 500 for a tampered form.
    """

    def clean(self, value: Any) -> QuerySet[Any]:
        for pk in value if isinstance(value, list | tuple) else ():
            text = str(pk).strip()
            if re.fullmatch(r"[+-]?[0-9]+", text) and (
                len(text) > 20 or abs(int(text)) > BIGGEST_ID
            ):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


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
