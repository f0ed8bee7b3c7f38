"""Forms every app shares."""

from __future__ import annotations

from typing import Any

from django import forms


class VersionedModelForm(forms.ModelForm):  # type: ignore[type-arg]  # for any model
    """Carries the version the form was opened at, so a save can detect someone else's."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "version" not in self.initial:
            self.initial["version"] = self.instance.version

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self._meta.fields or ()}
