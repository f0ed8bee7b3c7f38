"""The mapping resource's public downloads: spreadsheets with their HXL row, the PDF of the whole
resource, only ever published revisions and their public fields, in a fixed number of queries."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from itertools import count
from typing import cast

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mapping import exports
from mapping.models import Initiative, Partnership, Revision, Term
from tests import factories
from tests.common import spreadsheets

pytestmark = pytest.mark.django_db

CONTACT_NAME = "Ms Contact Person"
CONTACT_EMAIL = "cooperation@unicef.example"

SPREADSHEETS = [
    ("mapping:export_organisations", "csv"),
    ("mapping:export_organisations", "xlsx"),
    ("mapping:export_initiatives", "csv"),
    ("mapping:export_initiatives", "xlsx"),
]
_numbers = count(1)


def term(taxonomy: str, label: str, **fields: object) -> Term:
    code = label.lower().replace(" ", "-")
    return cast(Term, factories.TermFactory(taxonomy=taxonomy, code=code, label_en=label, **fields))


def publish(organisation, **fields: object) -> Revision:
    """A published revision of `organisation`'s profile, with one term of each taxonomy, an
    initiative and a partnership."""
    fields = {"contact_name": CONTACT_NAME, "contact_email": CONTACT_EMAIL, **fields}
    revision = factories.published_profile(organisation, number=next(_numbers), **fields)
    revision.regions.set([term("region", "Africa", label_fr="Afrique")])
    revision.forms.set([term("form", "Labour exploitation")])
    revision.interventions.set([term("intervention", "Prevention")])
    revision.priority_areas.set([term("priority_area", "Victim protection")])
    initiative = Initiative.objects.create(
        revision=revision,
        title=f"{organisation.acronym} safe migration",
        start_year=2019,
        end_year=2022,
        status=Initiative.Status.PAST,
        countries="NG,FR",
        partners="IOM\nILO",
        link="https://example.org/initiative",
    )
    initiative.regions.set([term("region", "Africa")])
    initiative.forms.set([term("form", "Labour exploitation")])
    initiative.interventions.set([term("intervention", "Prevention")])
    Partnership.objects.create(
        revision=revision, name=f"{organisation.acronym} alliance", partners="UNHCR", role="Chair"
    )
    return revision


def open_revision(revision: Revision, state: str, **fields: object) -> Revision:
    """A newer revision of the same profile, in `state`, with an initiative of its own."""
    newer = cast(
        Revision,
        factories.RevisionFactory(
            profile=revision.profile, state=state, number=next(_numbers), **fields
        ),
    )
    Initiative.objects.create(revision=newer, title=f"{state} initiative")
    return newer


def get(client, name: str, fmt: str | None = None, **query: str):
    url = reverse(name, args=[fmt] if fmt else [])
    return client.get(url, query)


def rows(response, fmt: str) -> list[list[str]]:
    """The spreadsheet's rows as text, the header and the HXL row included; each opens well
    (tests/common/spreadsheets.py), its two heading rows frozen."""
    if fmt == "csv":
        return spreadsheets.csv_rows(response)
    sheet = spreadsheets.xlsx_sheet(response, heading_rows=2)
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def everything(client, **query: str) -> str:
    """What every export says, as one text."""
    texts = [
        "\n".join("\t".join(row) for row in rows(get(client, name, fmt, **query), fmt))
        for name, fmt in SPREADSHEETS
    ]
    return "\n".join([*texts, pdf_text(get(client, "mapping:export_pdf", **query))])


@pytest.fixture
def published(organisation):
    return publish(organisation, mandate="The published mandate.")


# --- The spreadsheets ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_organisations_sheet_has_the_hxl_row_under_the_header_and_a_row_per_profile(
    client, published, other_organisation, fmt
):
    publish(other_organisation)

    response = get(client, "mapping:export_organisations", fmt)

    assert response.status_code == 200
    header, hxl, *data = rows(response, fmt)
    assert len(header) == len(hxl) == len(exports.ORGANISATION_HXL)
    assert hxl == list(exports.ORGANISATION_HXL)
    assert [row[:2] for row in data] == [
        ["International Labour Organization", "ILO"],
        ["United Nations Children's Fund", "UNICEF"],
    ]
    unicef = dict(zip(hxl, data[1], strict=True))
    assert unicef["#region+name"] == "Africa"
    assert unicef["#sector+intervention"] == "Prevention"
    assert unicef["#description+mandate"] == "The published mandate."
    assert unicef["#activity+num"] == "1"
    assert unicef["#meta+url"].startswith("http://testserver/mapping/")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_initiatives_sheet_has_the_hxl_row_and_a_row_per_initiative(client, published, fmt):
    response = get(client, "mapping:export_initiatives", fmt)

    header, hxl, *data = rows(response, fmt)
    assert len(header) == len(hxl)
    assert hxl == list(exports.INITIATIVE_HXL)
    assert len(data) == 1
    initiative = dict(zip(hxl, data[0], strict=True))
    assert initiative["#org+acronym"] == "UNICEF"
    assert initiative["#activity+name"] == "UNICEF safe migration"
    assert (initiative["#date+start"], initiative["#date+end"]) == ("2019", "2022")
    assert initiative["#status"] == "Past"
    assert initiative["#country+code"] == "FR; NG"
    assert initiative["#country+name"] == "France; Nigeria"
    assert initiative["#org+partner"] == "IOM; ILO"
    assert initiative["#activity+url"] == "https://example.org/initiative"


@pytest.mark.parametrize(("name", "fmt"), SPREADSHEETS)
def test_every_sheet_opens_well_with_its_header_and_hashtags_in_view(client, published, name, fmt):
    """UTF-8 with a byte-order mark for Excel; in the XLSX, the header and the hashtag row both
    frozen, and the filter on the hashtag row, so that sorting never moves it among the data."""
    publish(factories.OrganisationFactory(acronym="OIM", name="Organisation für Migración"))

    sheet = rows(get(client, name, fmt), fmt)

    assert sheet[0][0] == "Organisation"  # no stray byte-order mark in the first header
    assert sheet[1][0] == "#org+name"
    assert "Organisation für Migración" in [row[0] for row in sheet[2:]]


def test_terms_are_in_the_readers_language(client, published):
    response = client.get(
        reverse("mapping:export_organisations", args=["csv"]), HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert rows(response, "csv")[2][3] == "Afrique"


def test_cells_that_look_like_formulas_are_neutralised(client, organisation):
    revision = publish(organisation, mandate='=HYPERLINK("http://evil.example","x")')
    revision.initiatives.update(title="@SUM(A1)")

    organisations = rows(get(client, "mapping:export_organisations", "xlsx"), "xlsx")
    initiatives = rows(get(client, "mapping:export_initiatives", "csv"), "csv")

    assert organisations[2][7] == '\'=HYPERLINK("http://evil.example","x")'
    assert initiatives[2][2] == "'@SUM(A1)"


@time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(
    ("name", "fmt", "filename"),
    [
        ("mapping:export_organisations", "csv", "mapping-organisations-2026-05-01.csv"),
        ("mapping:export_initiatives", "xlsx", "mapping-initiatives-2026-05-01.xlsx"),
        ("mapping:export_pdf", None, "mapping-resource-2026-05-01.pdf"),
    ],
)
def test_a_download_is_named_with_the_date(client, published, name, fmt, filename):
    response = get(client, name, fmt)

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


@pytest.mark.parametrize("name", ["mapping:export_organisations", "mapping:export_initiatives"])
@pytest.mark.parametrize("fmt", ["ods", "pdf", "CSV", "x" * 300])
def test_a_format_not_offered_is_a_404(client, published, name, fmt):
    assert get(client, name, fmt).status_code == 404


# --- Who sees what -------------------------------------------------------------------------------


def test_no_export_holds_a_member_only_field_for_an_anonymous_visitor(client, published):
    text = everything(client)

    assert "The published mandate." in text  # the exports were read
    assert CONTACT_EMAIL not in text
    assert CONTACT_NAME not in text


@pytest.mark.parametrize("reader", ["focal_point", "observer", "secretariat"])
def test_no_export_holds_a_member_only_field_for_anyone(client, published, reader, request):
    """Exports are the same for everyone: a downloaded file travels beyond the group."""
    client.force_login(request.getfixturevalue(reader))

    text = everything(client)

    assert "The published mandate." in text
    assert CONTACT_EMAIL not in text
    assert CONTACT_NAME not in text


def test_exports_show_the_published_revision_not_an_older_a_newer_or_a_returned_one(
    client, published, other_organisation
):
    factories.RevisionFactory(
        profile=published.profile,
        state=Revision.State.SUPERSEDED,
        number=next(_numbers),
        mandate="The superseded mandate.",
    )
    open_revision(published, Revision.State.DRAFT, mandate="The draft mandate.")
    returned = publish(other_organisation, mandate="ILO's published mandate.")
    open_revision(
        returned,
        Revision.State.RETURNED,
        mandate="The returned mandate.",
        review_comment="Please shorten the mandate.",
    )

    text = everything(client)

    assert "The published mandate." in text
    assert "ILO's published mandate." in text
    for unpublished in (
        "The superseded mandate.",
        "The draft mandate.",
        "draft initiative",
        "The returned mandate.",
        "returned initiative",
        "Please shorten the mandate.",
    ):
        assert unpublished not in text


def test_an_organisation_without_a_published_revision_is_in_no_export(client, published):
    never = factories.OrganisationFactory(acronym="UNHCR", name="Refugee Agency Unpublished")
    profile = factories.ProfileFactory(organisation=never)
    factories.RevisionFactory(profile=profile, state=Revision.State.SUBMITTED)

    text = everything(client)

    assert "United Nations Children's Fund" in text
    assert "Refugee Agency Unpublished" not in text


# --- The PDF -------------------------------------------------------------------------------------


def test_the_pdf_has_every_published_organisation_and_no_other(
    client, published, other_organisation
):
    publish(other_organisation)
    unpublished = factories.OrganisationFactory(acronym="UNDP", name="Development Programme")
    factories.RevisionFactory(
        profile=factories.ProfileFactory(organisation=unpublished), mandate="Not yet."
    )

    response = get(client, "mapping:export_pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response)
    assert "United Nations Children's Fund (UNICEF)" in text
    assert "International Labour Organization (ILO)" in text
    assert "UNICEF safe migration" in text
    assert "UNICEF alliance" in text
    assert "Development Programme" not in text
    assert "Not yet." not in text


def test_the_pdf_cover_names_the_group_and_the_date(client, published, settings):
    settings.GROUP_NAME = "Inter-Agency Coordination Group"

    with time_machine.travel(datetime(2026, 5, 1, 9, tzinfo=UTC), tick=False):
        response = get(client, "mapping:export_pdf")

    first_page = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Inter-Agency Coordination Group" in first_page
    assert "Mapping resource" in first_page
    assert "May 1, 2026" in first_page


def test_the_pdf_of_a_resource_with_no_published_profile_is_still_a_document(client):
    response = get(client, "mapping:export_pdf")

    assert response.status_code == 200
    assert "0 organisations" in pdf_text(response)


# --- Queries -------------------------------------------------------------------------------------


def grow(size: int) -> None:
    """`size` more published profiles, each with more initiatives and terms than the last."""
    for _ in range(size):
        organisation = factories.OrganisationFactory()
        revision = publish(organisation)
        revision.regions.add(term("region", f"Region {organisation.acronym}"))
        for number in range(size):
            initiative = Initiative.objects.create(
                revision=revision, title=f"Initiative {number}", countries="KE"
            )
            initiative.forms.add(term("form", f"Form {organisation.acronym} {number}"))
        Partnership.objects.create(revision=revision, name="Another partnership")


@pytest.mark.parametrize("query", [{}, {"form": "labour-exploitation", "status": "past"}], ids=str)
@pytest.mark.parametrize(
    ("name", "fmt"), [*SPREADSHEETS, ("mapping:export_pdf", None)], ids=lambda v: str(v)
)
def test_the_queries_of_an_export_do_not_grow_with_organisations_initiatives_and_terms(
    client, name, fmt, query
):
    counts, sizes = [], []
    for size in (1, 3):
        grow(size)
        cache.clear()  # the filters' choices read from the database each time (common.choices)
        with CaptureQueriesContext(connection) as queries:
            response = get(client, name, fmt, **query)
        assert response.status_code == 200
        counts.append(len(queries))
        sizes.append(len(response.content))

    assert counts[0] == counts[1], counts
    assert counts[1] <= 14
    assert sizes[0] < sizes[1]  # the second export did hold more


def test_an_export_is_refreshed_when_a_profile_is_published(client, published, organisation):
    """Nothing is cached between downloads: the next one has the newly published revision."""
    before = rows(get(client, "mapping:export_organisations", "csv"), "csv")
    newer = open_revision(published, Revision.State.DRAFT, mandate="The new mandate.")
    newer.state = Revision.State.PUBLISHED
    newer.save()
    published.state = Revision.State.SUPERSEDED
    published.save()
    profile = published.profile
    profile.published = newer
    profile.published_at = timezone.now()
    profile.save()

    after = rows(get(client, "mapping:export_organisations", "csv"), "csv")

    assert before[2][7] == "The published mandate."
    assert after[2][7] == "The new mandate."


# --- Following the overview ----------------------------------------------------------------------


@pytest.fixture
def three_profiles(published, other_organisation):
    """UNICEF (labour exploitation, past initiative), ILO (sexual exploitation in its initiative,
    national level, ongoing) and an organisation that left the group."""
    ilo = publish(other_organisation, levels=["national"])
    initiative = ilo.initiatives.get()
    initiative.status = Initiative.Status.ONGOING
    initiative.save()
    initiative.forms.set([term("form", "Sexual exploitation")])
    left = factories.OrganisationFactory(
        acronym="GONE", name="Former Member", joined_on=date(2010, 1, 1), left_on=date(2020, 1, 1)
    )
    publish(left)


def names(response, fmt: str = "csv") -> list[str]:
    return [row[0] for row in rows(response, fmt)[2:]]


def titles(response) -> list[str]:
    return [row[2] for row in rows(response, "csv")[2:]]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"form": "sexual-exploitation"},
        {"form": "labour-exploitation"},
        {"level": "national"},
        {"status": "past"},
        {"country": "NG"},
        {"form": "sexual-exploitation", "status": "past"},
        # Refused by the overview's form: not applied there, nor here.
        {"form": "no-such-term"},
        {"level": "planetary", "status": "ongoing"},
    ],
    ids=str,
)
def test_the_spreadsheets_hold_what_the_overview_shows_for_the_same_filters(
    client, three_profiles, query
):
    page = client.get(reverse("mapping:overview"), query).context["overview"]

    organisations = get(client, "mapping:export_organisations", "csv", **query)
    initiatives = get(client, "mapping:export_initiatives", "xlsx", **query)

    assert names(organisations) == [row.organisation.name for row in page.organisations]
    assert [row[2] for row in rows(initiatives, "xlsx")[2:]] == [
        row.initiative.title for row in page.initiative_rows
    ]


def test_a_filter_keeps_the_matching_organisations_and_initiatives(client, three_profiles):
    query = {"form": "sexual-exploitation"}

    organisations = get(client, "mapping:export_organisations", "csv", **query)
    initiatives = get(client, "mapping:export_initiatives", "csv", **query)

    assert names(organisations) == ["International Labour Organization"]
    assert titles(initiatives) == ["ILO safe migration"]


def test_an_organisation_that_left_the_group_is_in_no_export(client, three_profiles):
    text = everything(client)

    assert "International Labour Organization" in text
    assert "Former Member" not in text


def test_the_pdf_is_the_whole_resource_whatever_the_filters(client, three_profiles):
    text = pdf_text(get(client, "mapping:export_pdf", form="sexual-exploitation"))

    assert "United Nations Children's Fund" in text
    assert "International Labour Organization" in text


def test_the_overview_links_to_the_exports_with_its_filters(client, three_profiles):
    response = client.get(reverse("mapping:overview"), {"form": "sexual-exploitation"})

    html = response.content.decode()
    organisations_csv = reverse("mapping:export_organisations", args=["csv"])
    assert f'href="{organisations_csv}?form=sexual-exploitation"' in html
    assert f'href="{reverse("mapping:export_initiatives", args=["xlsx"])}?form=' in html
    assert f'href="{reverse("mapping:export_pdf")}"' in html
