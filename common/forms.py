"""Forms every app shares."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import BaseForm
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


class QuickSelect(forms.Select):
    """A drop-down with the markup of Django's Select, written in Python.

    Django renders each option through a template (two includes per option): for a filter form
    of a few hundred options, most of a list page's time. Choices with groups are left to
    Django's own rendering; tests/common/test_forms.py checks the markup is the same.
    """

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # Through iter(): list() would ask a ModelChoiceIterator its length first (a COUNT).
        choices = list(iter(self.choices))
        if any(isinstance(label, list | tuple) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        selected = mark_safe(" selected")
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (
                    "" if option is None else option,
                    selected if str("" if option is None else option) in chosen else "",
                    label,
                )
                for option, label in choices
            ),
        )
        # As Django's attrs.html writes them: in order, True as a bare name, False left out.
        written = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if value is True else format_html(' {}="{}"', key, value),)
                for key, value in self.build_attrs(self.attrs, attrs).items()
                if value is not False and value is not None
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, written, options)
