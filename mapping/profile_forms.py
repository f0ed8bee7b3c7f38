"""The forms of a profile's draft, its initiatives and partnerships, and of the review.

Lists of terms are checkboxes offering the active terms of their taxonomy, labelled in the
reader's language, plus the retired ones the object already has (they may stay, never be chosen
anew; the services check it again). Every form that edits a draft carries the revision's version
it was opened at."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.forms import (
    CharField,
    CheckboxSelectMultiple,
    ChoiceField,
    EmailField,
    Form,
    HiddenInput,
    IntegerField,
    MultipleChoiceField,
    RadioSelect,
    SelectMultiple,
    Textarea,
    URLField,
)
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from common.forms import IdsField
from common.urls import BIGGEST_ID
from mapping import selectors
from mapping.models import Initiative, Level, Partnership, Revision, Term

# A profile's text fields are read on a page, not a book: a bound that no honest text reaches.
# (Versions are bounded too: a number beyond 64 bits in a query is a database error, not a miss.)
LONGEST_TEXT = 10_000
FIRST_YEAR, LAST_YEAR = 1900, 2100


class TermsField(IdsField):
    """Checkboxes of terms, each labelled in the reader's language ("retired" said in words)."""

    widget = CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Term.objects.none(), required=False, **kwargs)

    def label_from_instance(self, obj: Term) -> str:
        if obj.is_retired:
            return str(_("%(label)s (retired)") % {"label": obj.label})
        return obj.label


def _offer_terms(form: Form, obj: Revision | Initiative | None, names: Iterable[str]) -> None:
    """Each terms field offers its taxonomy's active terms and the retired ones `obj` has (read
    from its prefetch when there is one)."""
    for name in names:
        field = form.fields[name]
        assert isinstance(field, TermsField)  # noqa: S101 - the forms below declare them so
        kept = [term.pk for term in getattr(obj, name).all()] if obj is not None else []
        field.queryset = selectors.terms_to_choose(TAXONOMIES[name], keep=kept)


TAXONOMIES = {
    "regions": Term.Taxonomy.REGION,
    "forms": Term.Taxonomy.FORM,
    "interventions": Term.Taxonomy.INTERVENTION,
    "priority_areas": Term.Taxonomy.PRIORITY_AREA,
}


def _label(model: type[Revision] | type[Initiative] | type[Partnership], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


class DraftForm(Form):
    """A draft's own fields; its initiatives and partnerships have forms of their own."""

    version = IntegerField(widget=HiddenInput, min_value=1, max_value=BIGGEST_ID)
    mandate = CharField(
        label=_label(Revision, "mandate"),
        widget=Textarea(attrs={"rows": 5}),
        required=False,
        max_length=LONGEST_TEXT,
        help_text=_("What the organisation is mandated to do against trafficking in persons."),
    )
    expertise = CharField(
        label=_label(Revision, "expertise"),
        widget=Textarea(attrs={"rows": 5}),
        required=False,
        max_length=LONGEST_TEXT,
    )
    regions = TermsField(label=_label(Revision, "regions"))
    forms = TermsField(label=_label(Revision, "forms"))
    interventions = TermsField(label=_label(Revision, "interventions"))
    priority_areas = TermsField(label=_label(Revision, "priority_areas"))
    levels = MultipleChoiceField(
        label=_label(Revision, "levels"),
        choices=Level.choices,
        widget=CheckboxSelectMultiple,
        required=False,
    )
    contact_name = CharField(
        label=_label(Revision, "contact_name"),
        required=False,
        max_length=200,
        help_text=_("Shown to members only, never on the public pages."),
    )
    contact_email = EmailField(
        label=_label(Revision, "contact_email"),
        required=False,
        help_text=_("Shown to members only, never on the public pages."),
    )

    def __init__(self, *args: Any, revision: Revision, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": revision.version,
                "mandate": revision.mandate,
                "expertise": revision.expertise,
                "levels": list(revision.levels),
                "contact_name": revision.contact_name,
                "contact_email": revision.contact_email,
                **{
                    name: [term.pk for term in getattr(revision, name).all()] for name in TAXONOMIES
                },
            },
        )
        super().__init__(*args, **kwargs)
        _offer_terms(self, revision, TAXONOMIES)

    def changes(self) -> dict[str, Any]:
        """What the person changed since the form was opened (the version aside)."""
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


INITIATIVE_TERMS = ("regions", "forms", "interventions")


class InitiativeForm(Form):
    version = IntegerField(widget=HiddenInput, min_value=1, max_value=BIGGEST_ID)
    title = CharField(label=_label(Initiative, "title"), max_length=300)
    start_year = IntegerField(
        label=_label(Initiative, "start_year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    end_year = IntegerField(
        label=_label(Initiative, "end_year"),
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=_("Leave empty for an initiative still running."),
    )
    status = ChoiceField(
        label=_label(Initiative, "status"),
        choices=Initiative.Status.choices,
        widget=RadioSelect,
        initial=Initiative.Status.ONGOING,
    )
    regions = TermsField(label=_label(Initiative, "regions"))
    countries = MultipleChoiceField(
        label=_label(Initiative, "countries"),
        choices=lambda: list(countries),
        required=False,
        widget=SelectMultiple(attrs={"size": 8}),
        help_text=_("Choose several with Ctrl (Cmd on a Mac) held down."),
    )
    partners = CharField(
        label=_label(Initiative, "partners"),
        widget=Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONGEST_TEXT,
    )
    forms = TermsField(label=_label(Initiative, "forms"))
    interventions = TermsField(label=_label(Initiative, "interventions"))
    link = URLField(label=_label(Initiative, "link"), required=False, assume_scheme="https")

    def __init__(
        self,
        *args: Any,
        revision: Revision,
        initiative: Initiative | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {"version": revision.version}
        if initiative is not None:
            initial |= {
                name: getattr(initiative, name)
                for name in ("title", "start_year", "end_year", "status", "partners", "link")
            }
            initial["countries"] = [str(country) for country in initiative.countries]
            initial |= {
                name: [term.pk for term in getattr(initiative, name).all()]
                for name in INITIATIVE_TERMS
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        _offer_terms(self, initiative, INITIATIVE_TERMS)

    def values(self) -> dict[str, Any]:
        """What the services take (the version aside)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PartnershipForm(Form):
    version = IntegerField(widget=HiddenInput, min_value=1, max_value=BIGGEST_ID)
    name = CharField(label=_label(Partnership, "name"), max_length=300)
    partners = CharField(
        label=_label(Partnership, "partners"),
        widget=Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONGEST_TEXT,
    )
    role = CharField(label=_label(Partnership, "role"), max_length=300, required=False)
    link = URLField(label=_label(Partnership, "link"), required=False, assume_scheme="https")

    def __init__(
        self,
        *args: Any,
        revision: Revision,
        partnership: Partnership | None = None,
        **kwargs: Any,
    ) -> None:
        initial: dict[str, Any] = {"version": revision.version}
        if partnership is not None:
            initial |= {
                name: getattr(partnership, name) for name in ("name", "partners", "role", "link")
            }
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class VersionForm(Form):
    """A button that acts on the draft as the person read it (submit, remove an item)."""

    version = IntegerField(widget=HiddenInput, min_value=1, max_value=BIGGEST_ID)


class ReturnForm(Form):
    comment = CharField(
        label=_("Comment to the organisation"),
        widget=Textarea(attrs={"rows": 4}),
        max_length=LONGEST_TEXT,
        help_text=_("Say what should change before the profile can be published."),
    )
