"""The mapping resource as downloads: its organisations and their initiatives as CSV and XLSX, each
with a row of HXL hashtags under the header, and the whole published resource as a PDF (a cover,
the overview's charts, one section per organisation).

What an export holds is the same for every reader: the published revisions' public fields
(PUBLIC_FIELDS), initiatives and partnerships, and never a member-only field (MEMBER_ONLY_FIELDS),
a draft, a returned revision or a review comment. Members read the contacts on the profile pages;
a downloaded file is forwarded, printed and posted beyond the group, so it carries only what the
group publishes. It is what the group links to instead of a PDF assembled by hand.

The spreadsheets hold what the overview shows for the same filters (its query string), read by
the overview's own selectors, in a fixed number of queries whatever the number of organisations,
initiatives and terms; the PDF is the whole published resource.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import tablib
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from common import exports
from common.dates import group_today
from coordination.models import Organisation
from mapping import charts, selectors
from mapping.charts import Chart
from mapping.filters import OverviewFilter
from mapping.models import Initiative, Revision, Term
from mapping.selectors import level_labels

if TYPE_CHECKING:
    from django.http import QueryDict
    from django_countries.fields import Country

# HXL hashtags (https://hxlstandard.org/standard/1-1final/dictionary/), chosen from the core
# schema so that a humanitarian data tool (HDX, the HXL Proxy, a 3W dashboard) joins these sheets
# with its own data without being told what each column is:
# - #org+name, #org+acronym: the organisation, as 3W ("who does what where") datasets name it; the
#   acronym is the key that joins the two sheets. Partners of an initiative: #org+partner.
# - #org+level: how far an organisation works (global, regional, national). HXL has no hashtag
#   for it; an attribute of #org says it describes the organisation.
# - #region+name: the group's regions, which cross borders (what #region is for in HXL).
# - #country+code, #country+name: ISO 3166-1 alpha-2 codes, and the names in the reader's language.
# - #sector+intervention: the types of intervention (prevention, protection, prosecution...), the
#   kind of work an organisation does, as HXL's #sector is for humanitarian work.
# - #subsector+exploitation: the forms of exploitation addressed, which divide the work against
#   trafficking further; #sector+priority: the priority areas of the group's Analytical Review.
# - #description+mandate, #description+expertise: long free text.
# - #activity+name, #activity+num: an initiative (HXL's programme, project or activity) and how
#   many an organisation has; #date+start, #date+end: its first and last year; #status: past
#   or ongoing.
# - #meta+url: the organisation's page here (where the data comes from); #activity+url: an
#   initiative's own page elsewhere.
ORGANISATION_HXL = (
    "#org+name",
    "#org+acronym",
    "#org+level",
    "#region+name",
    "#subsector+exploitation",
    "#sector+intervention",
    "#sector+priority",
    "#description+mandate",
    "#description+expertise",
    "#activity+num",
    "#meta+url",
)
INITIATIVE_HXL = (
    "#org+name",
    "#org+acronym",
    "#activity+name",
    "#date+start",
    "#date+end",
    "#status",
    "#region+name",
    "#country+code",
    "#country+name",
    "#org+partner",
    "#subsector+exploitation",
    "#sector+intervention",
    "#activity+url",
)

TERM_SEPARATOR = "; "

# The PDF's styles, given to xhtml2pdf rather than written in the template: templates hold no
# <style> (the Content-Security-Policy test reads every one). Helvetica, as in the other PDFs:
# the standard font, whose encoding has the accented letters of English, French and Spanish.
PDF_CSS = """
@page { size: a4 portrait; margin: 2cm 2cm 2.2cm 2cm;
        @frame footer { -pdf-frame-content: footer; bottom: 0.8cm; margin-left: 2cm;
                        margin-right: 2cm; height: 0.8cm; } }
body { font-family: Helvetica; font-size: 10pt; color: #1b1f23; line-height: 1.35; }
h1 { font-size: 24pt; color: #0b4f8a; margin: 6cm 0 10pt 0; }
h2 { font-size: 15pt; color: #0b4f8a; margin: 0 0 8pt 0; }
h3 { font-size: 11.5pt; color: #0b4f8a; margin: 10pt 0 4pt 0; }
h4 { font-size: 10.5pt; margin: 8pt 0 2pt 0; }
p { margin: 0 0 5pt 0; }
a { color: #0b4f8a; text-decoration: underline; }
.cover-group { font-size: 14pt; margin: 0 0 4pt 0; }
.meta { color: #4d5661; font-size: 9pt; }
.fields td, .numbers td, .numbers th { padding: 2pt 4pt; vertical-align: top; }
.fields .name { width: 30%; color: #4d5661; }
.numbers th { text-align: left; border-bottom: 0.5pt solid #4d5661; }
.numbers .count { text-align: right; width: 15%; }
.chart { margin: 4pt 0 4pt 0; }
#footer { font-size: 8pt; color: #4d5661; }
"""


# --- What every export reads ---------------------------------------------------------------------


def filter_values(data: QueryDict) -> dict[str, Any]:
    """The overview's filters in `data` (a query string), read as the overview reads them
    (selectors.overview): a filter its form refuses is left out, as the page leaves it out and
    says so under the filter; the others apply."""
    if not data:
        return {}
    filterset = OverviewFilter(data, queryset=selectors.published_revisions())
    filterset.form.is_valid()
    return dict(getattr(filterset.form, "cleaned_data", {}))


def labels(terms: Iterable[Term]) -> str:
    """Terms in the reader's language, in the taxonomy's order (a prefetch keeps Term's)."""
    return TERM_SEPARATOR.join(term.label for term in terms)


def page_url(organisation: Organisation) -> str:
    """The organisation's public page, whole: the address must work from a downloaded file."""
    return settings.SITE_URL + reverse("mapping:profile_detail", args=[organisation.slug])


def countries(initiative: Initiative) -> list[Country]:
    # A multiple CountryField reads as a list of Country; the stubs know only its column's text.
    return list(cast("Iterable[Country]", initiative.countries))


def country_names(initiative: Initiative) -> str:
    """In the reader's language (django-countries translates them)."""
    return TERM_SEPARATOR.join(str(country.name) for country in countries(initiative))


def partners(text: str) -> str:
    """Partners typed one a line, on one line."""
    return TERM_SEPARATOR.join(line.strip() for line in text.splitlines() if line.strip())


def filename(kind: str) -> str:
    """`mapping-organisations-2026-05-01`: the group's date, which the cover shows too."""
    return f"mapping-{kind}-{group_today().isoformat()}"


# --- The spreadsheets ----------------------------------------------------------------------------


def organisations_dataset(revisions: Iterable[Revision]) -> tablib.Dataset:
    """One row per published profile."""
    headers = [
        _("Organisation"),
        _("Acronym"),
        _("Levels"),
        _("Regions of focus"),
        _("Forms of exploitation"),
        _("Types of intervention"),
        _("Priority areas"),
        _("Mandate"),
        _("Expertise"),
        _("Number of initiatives"),
        _("Address"),
    ]
    rows = (
        [
            revision.profile.organisation.name,
            revision.profile.organisation.acronym,
            TERM_SEPARATOR.join(level_labels(revision.levels)),
            labels(revision.regions.all()),
            labels(revision.forms.all()),
            labels(revision.interventions.all()),
            labels(revision.priority_areas.all()),
            revision.mandate,
            revision.expertise,
            len(revision.initiatives.all()),
            page_url(revision.profile.organisation),
        ]
        for revision in revisions
    )
    return exports.dataset(headers, rows, title=_("Organisations"), hxl=ORGANISATION_HXL)


def initiatives_dataset(initiatives: Iterable[Initiative]) -> tablib.Dataset:
    """One row per initiative (selectors.published_initiatives: by organisation)."""
    headers = [
        _("Organisation"),
        _("Acronym"),
        _("Initiative"),
        _("First year"),
        _("Last year"),
        _("Status"),
        _("Regions"),
        _("Country codes"),
        _("Countries"),
        _("Partners"),
        _("Forms of exploitation"),
        _("Types of intervention"),
        _("Link"),
    ]
    rows = (
        [
            initiative.revision.profile.organisation.name,
            initiative.revision.profile.organisation.acronym,
            initiative.title,
            initiative.start_year,  # a number, or an empty cell
            initiative.end_year,
            initiative.get_status_display(),
            labels(initiative.regions.all()),
            TERM_SEPARATOR.join(str(country.code) for country in countries(initiative)),
            country_names(initiative),
            partners(initiative.partners),
            labels(initiative.forms.all()),
            labels(initiative.interventions.all()),
            initiative.link,
        ]
        for initiative in initiatives
    )
    return exports.dataset(headers, rows, title=_("Initiatives"), hxl=INITIATIVE_HXL)


# --- The PDF -------------------------------------------------------------------------------------


# The width the charts are drawn at in the PDF, in points: the page's text is 17cm (482pt) wide.
PDF_CHART_WIDTH = 480


@dataclass(frozen=True)
class PdfChart:
    """A chart of the overview as the PDF shows it: its SVG (mapping.charts.svg) as an <img> of a
    data: address, which xhtml2pdf draws with svglib as vectors, text included; its numbers as
    a table under it."""

    chart: Chart
    image: str

    @property
    def width(self) -> int:
        return PDF_CHART_WIDTH

    @property
    def height(self) -> int:
        return round(self.chart.height * PDF_CHART_WIDTH / self.chart.width)


def svg_image(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def pdf_charts(revisions: Sequence[Revision]) -> list[PdfChart]:
    """The overview's charts of these revisions (with published_revisions' prefetches: no query);
    a chart with nothing to count is left out."""
    initiatives = sum(len(revision.initiatives.all()) for revision in revisions)
    drawn = charts.overview_charts(
        selectors.chart_series(revisions),
        organisations=len(revisions),
        initiatives=initiatives,
    )
    return [
        PdfChart(chart=chart, image=svg_image(charts.svg(chart))) for chart in drawn if chart.bars
    ]


def mapping_pdf(revisions: Sequence[Revision]) -> bytes:
    """The cover (the group's name and the date), the charts, then one section per organisation
    with its public fields, initiatives and partnerships. `revisions`: published_revisions()."""
    context: dict[str, Any] = {
        "GROUP_NAME": settings.GROUP_NAME,
        "date": formats.date_format(group_today(), "DATE_FORMAT"),
        "charts": pdf_charts(revisions),
        "sections": [
            {
                "revision": revision,
                "organisation": revision.profile.organisation,
                "levels": TERM_SEPARATOR.join(level_labels(revision.levels)),
                "initiatives": [
                    {
                        "initiative": initiative,
                        "years": selectors.initiative_years(initiative),
                        "countries": country_names(initiative),
                    }
                    for initiative in revision.initiatives.all()
                ],
                "url": page_url(revision.profile.organisation),
            }
            for revision in revisions
        ],
    }
    html = render_to_string("mapping/export_pdf.html", context)
    return exports.html_to_pdf(html, css=PDF_CSS)
