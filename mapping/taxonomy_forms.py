"""The secretariat's forms for the terms of the group's taxonomies."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import VersionedModelForm
from mapping.models import Term
from mapping.taxonomies import REGION_ONLY_FIELDS, TERM_FIELDS

M49_HELP = _(
    "Optional: the UN M49 code of the region or sub-region this one matches, three digits "
    "(002 Africa, 019 Americas, 142 Asia, 150 Europe, 009 Oceania, 419 Latin America and the "
    "Caribbean)."
)
COUNTRIES_HELP = _(
    "Optional: the countries this region covers; a search by country then finds the "
    "organisations focusing on the region. Hold Ctrl (or Cmd) to choose several."
)


class TermForm(VersionedModelForm):
    """A term's labels and position; for a region, also its M49 code and countries. The code is
    chosen once, when the term is added (TermCreateForm)."""

    class Meta:
        model = Term
        fields = TERM_FIELDS
        help_texts = {
            "label_fr": _("Left empty, the English label is shown."),
            "label_es": _("Left empty, the English label is shown."),
            "m49_code": M49_HELP,
            "countries": COUNTRIES_HELP,
            "position": _("Terms are listed by position, smallest first."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The view gives the instance (a new one carries its taxonomy).
        if self.instance.taxonomy != Term.Taxonomy.REGION:
            for name in REGION_ONLY_FIELDS:
                self.fields.pop(name, None)
        if "countries" in self.fields:
            self.fields["countries"].widget.attrs["size"] = 12
        if "m49_code" in self.fields:
            self.fields["m49_code"].widget.attrs.update(
                {"inputmode": "numeric", "pattern": "[0-9]{3}", "maxlength": 3}
            )

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in TERM_FIELDS if name in self.fields}


class TermCreateForm(TermForm):
    """A new term: its code too, and the position is proposed (the end of the list)."""

    code = forms.SlugField(
        label=_("code"),
        max_length=60,
        help_text=_(
            "A short name in the addresses of the overview (letters, digits, hyphens), such as "
            "“labour-exploitation”. It cannot be changed later."
        ),
    )

    field_order = ["code", *TERM_FIELDS]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("version")
        self.fields["position"].required = False
        self.initial["position"] = None
        self.fields["position"].help_text = _("Left empty, the term goes at the end of the list.")

    def changes(self) -> dict[str, Any]:
        changes = {"code": self.cleaned_data["code"], **super().changes()}
        if changes.get("position") is None:
            changes.pop("position", None)
        return changes
