"""The overview's filters, kept in the address so that a filtered overview can be bookmarked and
shared (`/mapping/?form=labour-exploitation&level=national`): terms are named by their code,
which never changes.

What each filter means, for an organisation and for an initiative:

- region: the organisation's regions of focus or one of its initiatives' regions; an initiative's
  own regions.
- country: a country one of its initiatives names, or that one of its regions (its own or an
  initiative's) covers; for an initiative, the same on the initiative alone.
- form of exploitation, type of intervention: the organisation's own or one of its initiatives';
  an initiative's own.
- priority area, level: the organisation's; an initiative has those of its organisation.
- initiative status: organisations with at least one initiative of that status; initiatives of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from common.choices import CachedChoices
from common.forms import QuickSelect
from coordination.models import Organisation
from mapping.models import Initiative, Level, Profile, Revision, Term

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

ANY = _("Any")

# The filters that choose a term, and the taxonomy each chooses from.
TERM_FILTERS = {
    "region": Term.Taxonomy.REGION,
    "form": Term.Taxonomy.FORM,
    "intervention": Term.Taxonomy.INTERVENTION,
    "priority_area": Term.Taxonomy.PRIORITY_AREA,
}
# The revision's many-to-many field holding each taxonomy's terms.
REVISION_FIELD: dict[str, str] = {
    Term.Taxonomy.REGION: "regions",
    Term.Taxonomy.FORM: "forms",
    Term.Taxonomy.INTERVENTION: "interventions",
    Term.Taxonomy.PRIORITY_AREA: "priority_areas",
}
# An initiative's own terms (it has no priority areas: it inherits its organisation's).
INITIATIVE_FIELD: dict[str, str] = {
    Term.Taxonomy.REGION: "regions",
    Term.Taxonomy.FORM: "forms",
    Term.Taxonomy.INTERVENTION: "interventions",
}


# --- What each filter keeps ----------------------------------------------------------------------
# Each test is a set of ids (a subquery), never a join on the filtered queryset: joins through
# several many-to-many tables would repeat rows and multiply the work.


def _revisions_with_term(field: str, term: Term) -> QuerySet[Any]:
    return getattr(Revision, field).through.objects.filter(term=term).values("revision_id")


def _initiatives_with_term(field: str, term: Term) -> QuerySet[Any]:
    return getattr(Initiative, field).through.objects.filter(term=term).values("initiative_id")


def _regions_covering(country: str) -> QuerySet[Term]:
    # Countries are stored as "FR,DE,IT": a two-letter code between commas never straddles two.
    return Term.objects.filter(taxonomy=Term.Taxonomy.REGION, countries__contains=country)


def _initiatives_in_country(country: str) -> Q:
    covering = Initiative.regions.through.objects.filter(
        term__in=_regions_covering(country)
    ).values("initiative_id")
    return Q(countries__contains=country) | Q(pk__in=covering)


def _revisions_at_level(level: str) -> QuerySet[Any]:
    # `levels` is a JSON list; a JSON "contains" lookup is not available on SQLite, so the list's
    # text is searched for the quoted value (one of Level's, checked by the form).
    return (
        Revision.objects.annotate(levels_text=Cast("levels", TextField()))
        .filter(levels_text__contains=f'"{level}"')
        .values("pk")
    )


def _revision_matches(name: str, value: Any) -> Q:
    if name in TERM_FILTERS:
        taxonomy = TERM_FILTERS[name]
        matches = Q(pk__in=_revisions_with_term(REVISION_FIELD[taxonomy], value))
        if taxonomy in INITIATIVE_FIELD:
            initiatives = Initiative.objects.filter(
                pk__in=_initiatives_with_term(INITIATIVE_FIELD[taxonomy], value)
            )
            matches |= Q(pk__in=initiatives.values("revision_id"))
        return matches
    if name == "country":
        initiatives = Initiative.objects.filter(_initiatives_in_country(value))
        regions = Revision.regions.through.objects.filter(term__in=_regions_covering(value))
        return Q(pk__in=initiatives.values("revision_id")) | Q(pk__in=regions.values("revision_id"))
    if name == "level":
        return Q(pk__in=_revisions_at_level(value))
    if name == "status":
        return Q(pk__in=Initiative.objects.filter(status=value).values("revision_id"))
    raise KeyError(name)


def _initiative_matches(name: str, value: Any) -> Q:
    if name in TERM_FILTERS:
        taxonomy = TERM_FILTERS[name]
        if taxonomy in INITIATIVE_FIELD:
            return Q(pk__in=_initiatives_with_term(INITIATIVE_FIELD[taxonomy], value))
        return Q(revision__in=_revisions_with_term(REVISION_FIELD[taxonomy], value))
    if name == "country":
        return _initiatives_in_country(value)
    if name == "level":
        return Q(revision__in=_revisions_at_level(value))
    if name == "status":
        return Q(status=value)
    raise KeyError(name)


def _filtered(
    queryset: QuerySet[Any], values: Mapping[str, Any], matches: Callable[[str, Any], Q]
) -> QuerySet[Any]:
    for name, value in values.items():
        if value not in (None, ""):
            queryset = queryset.filter(matches(name, value))
    return queryset


def filter_revisions(queryset: QuerySet[Revision], values: Mapping[str, Any]) -> QuerySet[Revision]:
    """The revisions (organisations) matching every filter given: `values` are a filter form's
    cleaned data (a Term for the term filters, a code for country, level and status)."""
    return _filtered(queryset, values, _revision_matches)


def filter_initiatives(
    queryset: QuerySet[Initiative], values: Mapping[str, Any]
) -> QuerySet[Initiative]:
    """The initiatives matching every filter given (same `values` as filter_revisions)."""
    return _filtered(queryset, values, _initiative_matches)


# --- The form ------------------------------------------------------------------------------------


class TermChoiceField(django_filters.fields.ModelChoiceField):
    """A term named by its code: anything that cannot be a code is refused before the database
    is asked (a NUL character would be an error there, not a message)."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class TermFilter(django_filters.ModelChoiceFilter):
    field_class = TermChoiceField


def _term_filter(label: StrOrPromise) -> TermFilter:
    # The choices are set per request (terms in use), in OverviewFilter.__init__.
    return TermFilter(
        label=label,
        queryset=Term.objects.none(),
        to_field_name="code",
        empty_label=ANY,
        method="by_rule",
        widget=QuickSelect,
    )


class OverviewFilter(django_filters.FilterSet):
    """Filters published revisions. Its queryset is the revisions it filters (the published
    ones): the choices offered are the terms and countries those revisions or their initiatives
    use, active or retired, so no choice leads to an empty overview for lack of any use."""

    region = _term_filter(_("Region"))
    country = django_filters.ChoiceFilter(
        label=_("Country"), choices=[], empty_label=ANY, method="by_rule", widget=QuickSelect
    )
    form = _term_filter(_("Form of exploitation"))
    intervention = _term_filter(_("Type of intervention"))
    priority_area = _term_filter(_("Priority area"))
    level = django_filters.ChoiceFilter(
        label=_("Level"),
        choices=Level.choices,
        empty_label=ANY,
        method="by_rule",
        widget=QuickSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Initiative status"),
        choices=Initiative.Status.choices,
        empty_label=ANY,
        method="by_rule",
        widget=QuickSelect,
    )

    class Meta:
        model = Revision
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        revisions = self.queryset.values("pk")
        initiatives = Initiative.objects.filter(revision__in=revisions).values("pk")
        for name, taxonomy in TERM_FILTERS.items():
            field = self.form.fields[name]
            assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # declared above
            # The queryset checks a value sent (one query, when there is one); the drop-down
            # shows the same terms from the cache (OFFERED), the same for every visitor.
            field.queryset = Term.objects.filter(
                _used_by(revisions, initiatives, taxonomy), taxonomy=taxonomy
            ).order_by("position", "label_en")
            # Lazily: an export validates the filters without showing them.
            field.widget.choices = CallableChoiceIterator(
                partial(_with_any, OFFERED[name], field.empty_label)
            )
        country = self.form.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101  # declared above
        country.choices = partial(_with_any, OFFERED["country"], ANY)

    def by_rule(self, queryset: QuerySet[Revision], name: str, value: Any) -> QuerySet[Revision]:
        return filter_revisions(queryset, {name: value})


def _used_by(revisions: QuerySet[Any], initiatives: QuerySet[Any], taxonomy: str) -> Q:
    field = REVISION_FIELD[taxonomy]
    used = Q(
        pk__in=getattr(Revision, field)
        .through.objects.filter(revision__in=revisions)
        .values("term_id")
    )
    if taxonomy in INITIATIVE_FIELD:
        used |= Q(
            pk__in=getattr(Initiative, INITIATIVE_FIELD[taxonomy])
            .through.objects.filter(initiative__in=initiatives)
            .values("term_id")
        )
    return used


def _countries_used(regions: QuerySet[Term], initiatives: QuerySet[Any]) -> list[tuple[str, str]]:
    """The countries the initiatives name or the regions in use cover, by name in the reader's
    language."""
    codes: set[str] = set()
    for listed in Initiative.objects.filter(pk__in=initiatives).values_list("countries", flat=True):
        codes.update(_codes(listed))
    for listed in regions.values_list("countries", flat=True):
        codes.update(_codes(listed))
    named = [(code, str(all_countries.name(code))) for code in codes]
    return sorted(((code, name or code) for code, name in named), key=lambda choice: choice[1])


def _codes(listed: Any) -> list[str]:
    """The codes of a multiple CountryField's value as values_list reads it (a text or a list)."""
    if isinstance(listed, str):
        return [code for code in listed.split(",") if code]
    return [str(getattr(country, "code", country)) for country in listed or ()]


# --- The choices offered, cached ------------------------------------------------------------------


def _with_any(offered: CachedChoices, empty_label: Any) -> list[tuple[str, Any]]:
    return [("", empty_label), *offered()]


def published_revision_ids() -> QuerySet[Any]:
    """The ids of the published revisions of current members' profiles: what the public mapping
    shows (an organisation that left the group leaves it)."""
    return Profile.objects.filter(
        published__isnull=False, organisation__in=Organisation.objects.current()
    ).values("published_id")


def _terms_offered(taxonomy: str) -> Callable[[], list[tuple[str, str]]]:
    def build() -> list[tuple[str, str]]:
        revisions = Revision.objects.filter(pk__in=published_revision_ids()).values("pk")
        initiatives = Initiative.objects.filter(revision__in=revisions).values("pk")
        terms = Term.objects.filter(_used_by(revisions, initiatives, taxonomy), taxonomy=taxonomy)
        return [(term.code, str(term)) for term in terms.order_by("position", "label_en")]

    return build


def _countries_offered() -> list[tuple[str, str]]:
    revisions = Revision.objects.filter(pk__in=published_revision_ids()).values("pk")
    initiatives = Initiative.objects.filter(revision__in=revisions).values("pk")
    regions = Term.objects.filter(
        _used_by(revisions, initiatives, Term.Taxonomy.REGION), taxonomy=Term.Taxonomy.REGION
    )
    return _countries_used(regions, initiatives)


# What the overview's drop-downs offer: the terms and countries the published profiles use,
# for every visitor the same, read once and forgotten when a profile is published (Profile),
# a term renamed or retired (Term), an organisation joins or leaves the group (Organisation),
# or a revision or initiative changes (their terms are set before publication).
_CHANGES = [Profile, Term, Organisation, Revision, Initiative]
OFFERED: dict[str, CachedChoices] = {
    **{
        name: CachedChoices(
            f"mapping.overview.{name}", build=_terms_offered(taxonomy), models=_CHANGES
        )
        for name, taxonomy in TERM_FILTERS.items()
    },
    "country": CachedChoices("mapping.overview.country", build=_countries_offered, models=_CHANGES),
}
