"""Reads of the mapping resource, with the joins their pages need: a page's number of queries does
not grow with the profile's initiatives, partnerships or terms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms import Form
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from common.dates import group_today
from common.diff import deleted, inserted, word_diff
from coordination.models import Organisation
from mapping.filters import (
    OverviewFilter,
    filter_initiatives,
    filter_revisions,
    published_revision_ids,
)
from mapping.models import (
    MEMBER_ONLY_FIELDS,
    Initiative,
    Level,
    Partnership,
    Profile,
    Revision,
    Term,
)

if TYPE_CHECKING:
    from django.http import QueryDict
    from django.utils.functional import _StrOrPromise as StrOrPromise
    from django_countries.fields import Country

# --- A revision and what changed in it (the review) ----------------------------------------------

TERM_FIELDS = ("regions", "forms", "interventions", "priority_areas")
TEXT_FIELDS = ("mandate", "expertise", "contact_name", "contact_email")
INITIATIVE_TERM_FIELDS = ("regions", "forms", "interventions")


def revision_with_everything(pk: int) -> Revision:
    """A revision with its profile and organisation, its terms, its initiatives (with theirs) and
    its partnerships: seven queries whatever their number. Raises Revision.DoesNotExist."""
    return (
        Revision.objects.select_related(
            "profile__organisation", "created_by", "submitted_by", "reviewed_by"
        )
        .prefetch_related(
            *TERM_FIELDS,
            Prefetch(
                "initiatives",
                queryset=Initiative.objects.prefetch_related(*INITIATIVE_TERM_FIELDS),
            ),
            "partnerships",
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class ItemChange:
    """An initiative or partnership in both revisions whose content changed: its title (or
    name) and the names of the fields that changed."""

    title: str
    fields: tuple[StrOrPromise, ...]


@dataclass(frozen=True)
class FieldChange:
    """What changed in one field of a profile between two revisions.

    Text fields: `html` is the new text with the words taken out in <del> and those put in in
    <ins> (escaped; safe to show). Term lists and levels: the labels `added` and `removed`.
    Initiatives and partnerships: the titles `added` and `removed`, and those `changed`."""

    name: str
    label: StrOrPromise
    member_only: bool = False
    html: SafeString = field(default_factory=lambda: mark_safe(""))
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[ItemChange, ...] = ()


def _label(name: str) -> StrOrPromise:
    return Revision._meta.get_field(name).verbose_name  # type: ignore[union-attr]


def _text_change(name: str, old: str, new: str) -> FieldChange | None:
    if old == new:
        return None
    if not old:
        html = mark_safe(inserted(new))  # inserted() escapes the text
    elif not new:
        html = mark_safe(deleted(old))  # deleted() escapes the text
    else:
        html = word_diff(old, new)
    return FieldChange(
        name=name, label=_label(name), member_only=name in MEMBER_ONLY_FIELDS, html=html
    )


def _list_change(
    name: str, label: StrOrPromise, old: Sequence[str], new: Sequence[str]
) -> FieldChange | None:
    added = tuple(value for value in new if value not in old)
    removed = tuple(value for value in old if value not in new)
    if not added and not removed:
        return None
    return FieldChange(name=name, label=label, added=added, removed=removed)


def _terms(obj: Revision | Initiative | None, name: str) -> list[Term]:
    return list(getattr(obj, name).all()) if obj is not None else []


def level_labels(levels: Iterable[str]) -> list[str]:
    """The levels' labels, in the order of Level (an unknown value is shown as it is)."""
    chosen = set(levels)
    known = [str(level.label) for level in Level if level.value in chosen]
    return known + sorted(chosen.difference(Level.values))


def _initiative_content(initiative: Initiative) -> dict[str, Any]:
    content: dict[str, Any] = {
        name: getattr(initiative, name)
        for name in ("title", "start_year", "end_year", "status", "partners", "link")
    }
    content["countries"] = sorted(str(country) for country in initiative.countries)
    for name in INITIATIVE_TERM_FIELDS:
        content[name] = sorted(term.pk for term in getattr(initiative, name).all())
    return content


def _partnership_content(partnership: Partnership) -> dict[str, Any]:
    return {name: getattr(partnership, name) for name in ("name", "partners", "role", "link")}


def _items_change(
    name: str,
    label: StrOrPromise,
    old: Sequence[Initiative] | Sequence[Partnership],
    new: Sequence[Initiative] | Sequence[Partnership],
) -> FieldChange | None:
    """Initiatives or partnerships matched by title (name): a draft copies them as new rows, so
    their ids say nothing. Of several with one title, the first is matched with the first."""

    def title(item: Initiative | Partnership) -> str:
        return item.title if isinstance(item, Initiative) else item.name

    def content(item: Initiative | Partnership) -> dict[str, Any]:
        if isinstance(item, Initiative):
            return _initiative_content(item)
        return _partnership_content(item)

    unmatched: dict[str, list[Initiative | Partnership]] = {}
    for item in old:
        unmatched.setdefault(title(item), []).append(item)
    added: list[str] = []
    changed: list[ItemChange] = []
    for item in new:
        candidates = unmatched.get(title(item))
        if not candidates:
            added.append(title(item))
            continue
        before, after = content(candidates.pop(0)), content(item)
        differing = tuple(
            type(item)._meta.get_field(key).verbose_name  # type: ignore[union-attr]
            for key in after
            if before[key] != after[key]
        )
        if differing:
            changed.append(ItemChange(title=title(item), fields=differing))
    removed = [title(item) for items in unmatched.values() for item in items]
    if not (added or removed or changed):
        return None
    return FieldChange(
        name=name, label=label, added=tuple(added), removed=tuple(removed), changed=tuple(changed)
    )


def revision_diff(old: Revision | None, new: Revision) -> list[FieldChange]:
    """What changed from `old` (None: the profile's first revision, compared with nothing) to
    `new`, field by field in the form's order; unchanged fields are left out. Uses the revisions'
    prefetches (revision_with_everything): no query when both have them."""
    changes: list[FieldChange | None] = []
    for name in ("mandate", "expertise"):
        changes.append(_text_change(name, getattr(old, name) if old else "", getattr(new, name)))
    for name in TERM_FIELDS:
        changes.append(
            _list_change(
                name,
                _label(name),
                [term.label for term in _terms(old, name)],
                [term.label for term in _terms(new, name)],
            )
        )
    changes.append(
        _list_change(
            "levels",
            _label("levels"),
            level_labels(old.levels if old else []),
            level_labels(new.levels),
        )
    )
    for name in ("contact_name", "contact_email"):
        changes.append(_text_change(name, getattr(old, name) if old else "", getattr(new, name)))
    changes.append(
        _items_change(
            "initiatives",
            Initiative._meta.verbose_name_plural or "",
            list(old.initiatives.all()) if old else [],
            list(new.initiatives.all()),
        )
    )
    changes.append(
        _items_change(
            "partnerships",
            Partnership._meta.verbose_name_plural or "",
            list(old.partnerships.all()) if old else [],
            list(new.partnerships.all()),
        )
    )
    return [change for change in changes if change is not None]


def open_revision(profile: Profile) -> Revision | None:
    """The revision being worked on (draft, submitted or returned), if there is one."""
    return (
        Revision.objects.filter(
            profile=profile,
            state__in=[Revision.State.DRAFT, Revision.State.SUBMITTED, Revision.State.RETURNED],
        )
        .order_by("-number")
        .first()
    )


def compared_with(revision: Revision) -> Revision | None:
    """What a revision's changes are read against, with everything (revision_with_everything):
    for one in progress, the published revision; for one published or superseded, the revision
    published before it. None when there is none (the profile's first)."""
    if revision.state in {Revision.State.PUBLISHED, Revision.State.SUPERSEDED}:
        base_id = (
            Revision.objects.filter(
                profile_id=revision.profile_id,
                number__lt=revision.number,
                state__in=[Revision.State.PUBLISHED, Revision.State.SUPERSEDED],
            )
            .order_by("-number")
            .values_list("pk", flat=True)
            .first()
        )
    else:
        base_id = revision.profile.published_id
    return revision_with_everything(base_id) if base_id is not None else None


def revision_history(profile: Profile) -> QuerySet[Revision]:
    """Every revision of a profile, newest first, with who created, submitted and reviewed it."""
    return (
        Revision.objects.filter(profile=profile)
        .select_related("created_by", "submitted_by", "reviewed_by")
        .order_by("-number")
    )


def terms_to_choose(taxonomy: str, keep: Iterable[int] = ()) -> QuerySet[Term]:
    """The terms a form offers for a taxonomy: the active ones, and of the retired ones those in
    `keep` (already chosen: they may stay, never be chosen anew)."""
    return Term.objects.filter(Q(retired_at__isnull=True) | Q(pk__in=list(keep)), taxonomy=taxonomy)


# --- The overview and the public profiles --------------------------------------------------------


def _current_members_published() -> QuerySet[Any]:
    return published_revision_ids()


def _terms_in_order(name: str) -> Prefetch[Any]:
    return Prefetch(name, queryset=Term.objects.order_by("position", "label_en"))


def _initiatives_with_terms() -> QuerySet[Initiative]:
    return Initiative.objects.prefetch_related(
        *(_terms_in_order(name) for name in INITIATIVE_TERM_FIELDS)
    ).order_by("position", "pk")


def published_revisions(filters: Mapping[str, Any] | None = None) -> QuerySet[Revision]:
    """The published revision of every current member's profile, by organisation name, with
    everything a page or an export shows of it: the organisation, the terms (in their
    taxonomy's order), the initiatives with theirs, the partnerships. Ten queries whatever the
    number of profiles, initiatives and terms.

    `filters`: the overview form's cleaned data, or a mapping like it (`{"form": <Term>,
    "level": "national", "country": "FR", "status": "ongoing"}`); see mapping.filters."""
    revisions = _published_with_terms().prefetch_related(
        Prefetch("initiatives", queryset=_initiatives_with_terms()), "partnerships"
    )
    return filter_revisions(revisions, filters) if filters else revisions


def _published_with_terms() -> QuerySet[Revision]:
    """The published revisions with their organisation and terms, without their initiatives
    and partnerships (the overview reads the initiatives on their own, filtered)."""
    return (
        Revision.objects.filter(pk__in=_current_members_published())
        .select_related("profile__organisation")
        .prefetch_related(*(_terms_in_order(name) for name in TERM_FIELDS))
        .order_by("profile__organisation__name")
    )


def published_initiatives(filters: Mapping[str, Any] | None = None) -> QuerySet[Initiative]:
    """The initiatives of the published revisions, by organisation then position, with their
    organisation and terms; `filters` as for published_revisions."""
    initiatives = (
        _initiatives_with_terms()
        .filter(revision__in=_current_members_published())
        .select_related("revision__profile__organisation")
        .order_by("revision__profile__organisation__name", "position", "pk")
    )
    return filter_initiatives(initiatives, filters) if filters else initiatives


def public_revision(organisation: Organisation) -> Revision | None:
    """The organisation's published revision with everything its public page shows, or None
    (none published yet, or no longer a member)."""
    return published_revisions().filter(profile__organisation=organisation).first()


def initiative_years(initiative: Initiative) -> str:
    """The years as a reader sees them: "2019–2023", "since 2021" (ongoing, no last year),
    "2018", or "" when none is given."""
    start, end = initiative.start_year, initiative.end_year
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        if initiative.status == Initiative.Status.ONGOING:
            return _("since %(year)s") % {"year": start}
        return str(start)
    if end:
        return _("until %(year)s") % {"year": end}
    return ""


@dataclass(frozen=True)
class OrganisationRow:
    """One organisation of the overview: its published revision's public fields, the terms'
    labels in the reader's language (`str(term)`)."""

    organisation: Organisation
    revision: Revision
    regions: list[Term]
    forms: list[Term]
    interventions: list[Term]
    priority_areas: list[Term]
    levels: list[str]


@dataclass(frozen=True)
class InitiativeRow:
    initiative: Initiative
    organisation: Organisation
    years: str
    status: str
    regions: list[Term]
    countries: list[Country]
    forms: list[Term]
    interventions: list[Term]


def organisation_row(revision: Revision) -> OrganisationRow:
    return OrganisationRow(
        organisation=revision.profile.organisation,
        revision=revision,
        regions=list(revision.regions.all()),
        forms=list(revision.forms.all()),
        interventions=list(revision.interventions.all()),
        priority_areas=list(revision.priority_areas.all()),
        levels=level_labels(revision.levels),
    )


def initiative_row(initiative: Initiative) -> InitiativeRow:
    """Uses the initiative's revision__profile__organisation (select_related) and its terms
    (prefetched), as published_initiatives gives them."""
    return InitiativeRow(
        initiative=initiative,
        organisation=initiative.revision.profile.organisation,
        years=initiative_years(initiative),
        status=initiative.get_status_display(),
        regions=list(initiative.regions.all()),
        # A multiple CountryField reads as a list of Country (the stubs see its text column).
        countries=list(cast("Iterable[Country]", initiative.countries)),
        forms=list(initiative.forms.all()),
        interventions=list(initiative.interventions.all()),
    )


INITIATIVES_PER_PAGE = 50

# What the chart of initiatives under way needs of one: (start_year, end_year, status).
Span = tuple[int | None, int | None, str]


@dataclass(frozen=True)
class Overview:
    """The overview for one set of filters. `form` is the bound filter form (with its errors);
    when it has errors, the filters it could read are applied and the others are not
    (`complete` is False). Every matching organisation is a row; the matching initiatives are
    counted and charted in full (`spans`) and shown a page at a time (`initiative_page`)."""

    form: Form
    complete: bool
    revisions: list[Revision]
    organisations: list[OrganisationRow]
    spans: list[Span]
    initiative_page: Page[Initiative]
    initiative_rows: list[InitiativeRow]


def overview(data: QueryDict) -> Overview:
    """The filtered overview (`data`: the page's query string, `page` the initiatives' page):
    the filter form, the organisations and the initiatives that match, with their rows. A
    constant number of queries, and a constant number of initiatives read as objects: however
    many there are, the chart reads three columns of each."""
    filterset = OverviewFilter(data or None, queryset=_published_with_terms())
    revisions = list(filterset.qs)
    values: dict[str, Any] = getattr(filterset.form, "cleaned_data", {}) if data else {}
    initiatives = published_initiatives(values)
    spans = list(initiatives.prefetch_related(None).values_list("start_year", "end_year", "status"))
    page = Paginator(initiatives, INITIATIVES_PER_PAGE).get_page(data.get("page"))
    return Overview(
        form=filterset.form,
        complete=not filterset.form.errors,
        revisions=revisions,
        organisations=[organisation_row(revision) for revision in revisions],
        spans=spans,
        initiative_page=page,
        initiative_rows=[initiative_row(initiative) for initiative in page],
    )


# A quarter of a century reads as a bar chart; an initiative's earlier years are in its row.
YEARS_CHARTED = 25
# An ongoing initiative with a last year further ahead is charted until then, no further.
YEARS_AHEAD = 5


def _years_under_way(span: Span, this_year: int) -> range:
    start, end, status = span
    if start is None:
        start = end
    if end is None:
        end = this_year if status == Initiative.Status.ONGOING else start
    if start is None or end is None:
        return range(0)
    return range(start, max(start, end) + 1)


def _by_term(revisions: Sequence[Revision], field_name: str) -> list[tuple[str, int]]:
    counts: Counter[Term] = Counter()
    for revision in revisions:
        counts.update(set(getattr(revision, field_name).all()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0].position, item[0].label))
    return [(term.label, count) for term, count in ranked]


def chart_series(
    revisions: Iterable[Revision], spans: Iterable[Span] | None = None
) -> dict[str, list[tuple[str, int]]]:
    """The overview's charts as (label, count) lists, in the reader's language:

    - "forms", "regions", "interventions": how many of the organisations (revisions) chose each
      term, most chosen first; terms nobody chose are left out;
    - "initiatives_by_year": how many initiatives were under way in each year, oldest first,
      every year between the first and the last (at most YEARS_CHARTED, up to YEARS_AHEAD years
      ahead). An ongoing initiative without a last year runs until this year; one without any
      year is not counted.

    `spans` (each initiative's first year, last year and status) default to those of the
    revisions' initiatives (prefetched by published_revisions); the overview passes those its
    filters kept. No query when the prefetches are there."""
    revisions = list(revisions)
    if spans is None:
        spans = [
            (i.start_year, i.end_year, i.status)
            for revision in revisions
            for i in revision.initiatives.all()
        ]
    this_year = group_today().year
    years: Counter[int] = Counter()
    for span in spans:
        years.update(_years_under_way(span, this_year))
    by_year: list[tuple[str, int]] = []
    if years:
        last = min(max(years), this_year + YEARS_AHEAD)
        first = max(min(years), last - YEARS_CHARTED + 1)
        by_year = [(str(year), years[year]) for year in range(first, last + 1)]
    return {
        "forms": _by_term(revisions, "forms"),
        "regions": _by_term(revisions, "regions"),
        "interventions": _by_term(revisions, "interventions"),
        "initiatives_by_year": by_year,
    }


# --- The taxonomies (the secretariat's pages) ----------------------------------------------------


def _term_links() -> list[tuple[QuerySet[Any], str]]:
    """Every table linking a term to what chose it, with the path from a link to its profile."""
    return [
        *(
            (getattr(Revision, name).through.objects.all(), "revision__profile_id")
            for name in TERM_FIELDS
        ),
        *(
            (getattr(Initiative, name).through.objects.all(), "initiative__revision__profile_id")
            for name in INITIATIVE_TERM_FIELDS
        ),
    ]


def term_in_use(term: Term) -> bool:
    """Whether any revision (of any state: every revision is kept) or initiative chose it."""
    return any(links.filter(term=term).exists() for links, _profile in _term_links())


def term_profile_counts(taxonomy: str) -> dict[int, int]:
    """For each term of the taxonomy in use: how many profiles use it, in any revision or
    initiative (seven queries)."""
    pairs: set[tuple[int, int]] = set()
    for links, profile in _term_links():
        pairs.update(
            links.filter(term__taxonomy=taxonomy).values_list("term_id", profile).distinct()
        )
    return dict(Counter(term_id for term_id, _profile in pairs))


@dataclass(frozen=True)
class TermRow:
    term: Term
    profiles: int  # how many profiles use it (0: it may be deleted)


def taxonomy_terms(taxonomy: str) -> list[TermRow]:
    """A taxonomy's terms, active and retired, in order, each with how many profiles use it."""
    counts = term_profile_counts(taxonomy)
    return [
        TermRow(term=term, profiles=counts.get(term.pk, 0))
        for term in Term.objects.filter(taxonomy=taxonomy).order_by("position", "label_en")
    ]


def taxonomy_sizes() -> dict[str, tuple[int, int]]:
    """For each taxonomy: how many active terms, how many retired."""
    sizes = {taxonomy: (0, 0) for taxonomy in Term.Taxonomy.values}
    rows = Term.objects.values("taxonomy").annotate(
        active=Count("pk", filter=Q(retired_at__isnull=True)),
        retired=Count("pk", filter=Q(retired_at__isnull=False)),
    )
    for row in rows.order_by():
        sizes[row["taxonomy"]] = (row["active"], row["retired"])
    return sizes
