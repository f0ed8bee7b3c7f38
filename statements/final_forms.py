"""The form of a language version: its title and one box per paragraph of the adopted text,
named by the paragraph's key. The rules (every paragraph translated, the markup allowed, the
version check) are the service's (statements.translations)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from statements.models import Paragraph, Statement

TITLE_MAX_LENGTH = Statement._meta.get_field("title").max_length


def paragraph_field(key: str) -> str:
    return f"paragraph-{key}"


class LanguageVersionForm(forms.Form):
    # The version of the language version the page was opened at; empty before its first save.
    version = forms.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    title = forms.CharField(label=_("title"), max_length=TITLE_MAX_LENGTH)

    def __init__(self, *args: Any, paragraphs: list[Paragraph], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.keys = [paragraph.key for paragraph in paragraphs]
        for position, paragraph in enumerate(paragraphs, start=1):
            self.fields[paragraph_field(paragraph.key)] = forms.CharField(
                label=_("Paragraph %(position)s") % {"position": position},
                widget=forms.Textarea,
            )

    def paragraphs(self) -> dict[str, str]:
        return {key: self.cleaned_data[paragraph_field(key)] for key in self.keys}
