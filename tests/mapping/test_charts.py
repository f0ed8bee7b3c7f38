"""The overview's SVG charts: well-formed XML, named and described for screen readers, their
numbers the same as the table beside them, following the filters."""

from __future__ import annotations

import html as html_module
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from itertools import count
from typing import cast

import pytest
import time_machine
from django.utils import translation

from coordination.models import Organisation
from mapping import charts, selectors
from mapping.models import Initiative, Revision, Term
from tests import factories

pytestmark = pytest.mark.django_db

# The SVG parsed (S314) is this site's own output, not untrusted data.
SVG = "{http://www.w3.org/2000/svg}"
OVERVIEW = "/mapping/"
_numbers = count(1)


def term(taxonomy: str, code: str, **fields: object) -> Term:
    fields.setdefault("label_en", code.replace("-", " ").capitalize())
    return cast(Term, factories.TermFactory(taxonomy=taxonomy, code=code, **fields))


def publish(acronym: str, forms: list[Term], regions: Sequence[Term] = ()) -> Revision:
    organisation = cast(
        Organisation,
        factories.OrganisationFactory(acronym=acronym, name=f"Organisation {acronym}"),
    )
    revision = factories.published_profile(organisation, number=next(_numbers))
    revision.forms.set(forms)
    revision.regions.set(regions)
    return revision


@pytest.fixture
def data() -> dict[str, Term]:
    """Labour: three organisations; sexual exploitation: two; child trafficking: one.
    Initiatives: 2019–2021, 2020 (past), and one ongoing since 2021."""
    labour, sexual, child = term("form", "labour"), term("form", "sexual"), term("form", "child")
    africa = term("region", "africa", label_fr="Afrique")
    a = publish("AAA", [labour, sexual], [africa])
    b = publish("BBB", [labour, sexual])
    c = publish("CCC", [labour, child], [africa])
    Initiative.objects.create(revision=a, title="One", start_year=2019, end_year=2021)
    Initiative.objects.create(revision=b, title="Two", start_year=2020, status="past")
    Initiative.objects.create(revision=c, title="Three", start_year=2021, status="ongoing")
    return {"labour": labour, "sexual": sexual, "child": child, "africa": africa}


def figures(html: str) -> dict[str, tuple[ET.Element | None, list[tuple[str, int]]]]:
    """Each chart of a page by its heading: its SVG parsed as XML (None when there is nothing
    to draw), and the (label, number) rows of its table."""
    found = {}
    for figure in re.findall(r'<figure class="chart.*?</figure>', html, re.DOTALL):
        heading = html_module.unescape(
            cast(re.Match[str], re.search(r"<h3>(.*?)</h3>", figure)).group(1)
        )
        drawing = re.search(r"<svg.*?</svg>", figure, re.DOTALL)
        svg = ET.fromstring(drawing.group(0)) if drawing else None  # noqa: S314
        table = re.search(r"<tbody>(.*?)</tbody>", figure, re.DOTALL)
        rows = [
            (html_module.unescape(label), int(number))
            for label, number in re.findall(
                r'<th scope="row">(.*?)</th><td>(\d+)</td>', table.group(1) if table else ""
            )
        ]
        if svg is not None:
            title = svg.find(f"{SVG}title")
            assert title is not None and title.text == heading
        found[heading] = (svg, rows)
    return found


def bars(svg: ET.Element) -> list[tuple[str, int]]:
    result = []
    for group in svg.iter(f"{SVG}g"):
        label = group.find(f"{SVG}text[@class='bar-label']")
        value = group.find(f"{SVG}text[@class='bar-value']")
        assert label is not None and label.text and value is not None and value.text
        result.append((label.text, int(value.text)))
    return result


@time_machine.travel("2022-06-01 12:00Z", tick=False)
def test_chart_series_counts_organisations_by_term_and_initiatives_under_way_each_year(data):
    series = selectors.chart_series(selectors.published_revisions())

    assert series["forms"] == [("Labour", 3), ("Sexual", 2), ("Child", 1)]
    assert series["regions"] == [("Africa", 2)]
    assert series["interventions"] == []
    # 2019 to 2021; 2020 only (past, no last year); 2021 until this year (ongoing).
    assert series["initiatives_by_year"] == [("2019", 1), ("2020", 2), ("2021", 2), ("2022", 1)]


def test_an_initiative_without_years_is_not_counted_and_long_spans_are_cut():
    revision = publish("AAA", [])
    Initiative.objects.create(revision=revision, title="No years")
    Initiative.objects.create(revision=revision, title="Old", start_year=1950, end_year=2010)

    years = selectors.chart_series([revision])["initiatives_by_year"]

    assert len(years) == selectors.YEARS_CHARTED
    assert years[-1] == ("2010", 1)


def test_every_chart_of_the_overview_is_xml_with_a_title_and_description_and_the_tables_numbers(
    client, data
):
    html = client.get(OVERVIEW).content.decode()

    found = figures(html)

    assert set(found) == {
        "Organisations by form of exploitation",
        "Organisations by region",
        "Organisations by type of intervention",
        "Initiatives by year",
    }
    for title, (svg, rows) in found.items():
        if title == "Organisations by type of intervention":
            assert svg is None and rows == []  # nothing to count, nothing drawn
            continue
        assert svg is not None and rows, title
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert svg.find(f"{SVG}title").get("id") == title_id
        assert svg.find(f"{SVG}desc").get("id") == desc_id
        assert svg.find(f"{SVG}desc").text
        assert bars(svg) == rows, title
        assert all(element.get("style") is None for element in svg.iter())
    assert found["Organisations by form of exploitation"][1] == [
        ("Labour", 3),
        ("Sexual", 2),
        ("Child", 1),
    ]


def test_a_chart_with_nothing_to_count_says_so_without_an_empty_drawing(client, data):
    html = client.get(OVERVIEW).content.decode()

    interventions = re.search(
        r'<figure class="chart card" aria-labelledby="chart-interventions-caption">.*?</figure>',
        html,
        re.DOTALL,
    ).group(0)

    assert "<svg" not in interventions
    assert "Nothing to count for these filters." in interventions


def test_the_charts_follow_the_overviews_filters(client, data):
    html = client.get(OVERVIEW + "?region=africa").content.decode()

    forms = figures(html)["Organisations by form of exploitation"][1]

    assert forms == [("Labour", 2), ("Child", 1), ("Sexual", 1)]


def test_the_longest_bar_is_the_largest_number_and_every_number_shows_a_bar():
    chart = charts.bar_chart(
        key="k",
        title="T",
        description="D",
        label_heading="L",
        count_heading="C",
        series=[("A", 40), ("B", 1), ("C", 0)],
    )

    widths = [bar.width for bar in chart.bars]
    assert widths[0] == charts.WIDTH - charts.LABEL_WIDTH - charts.NUMBER_WIDTH
    assert widths[1] >= 1 and widths[2] == 0
    assert chart.height == 2 * charts.MARGIN + 3 * charts.ROW_HEIGHT


def test_a_standalone_svg_parses_and_escapes_labels(data):
    Term.objects.filter(code="labour").update(label_en='Labour & "forced" <work>')
    series = selectors.chart_series(selectors.published_revisions())
    chart = charts.overview_charts(series, organisations=3, initiatives=3)[0]

    svg = ET.fromstring(str(charts.svg(chart)))  # noqa: S314

    assert bars(svg)[0] == ('Labour & "forced" <work>', 3)


def test_a_long_label_is_shortened_in_the_drawing_and_whole_in_the_table(client, data):
    long_label = "Trafficking for the purpose of forced criminality and begging"
    Term.objects.filter(code="child").update(label_en=long_label)

    svg, rows = figures(client.get(OVERVIEW).content.decode())[
        "Organisations by form of exploitation"
    ]

    assert (long_label, 1) in rows
    drawn = bars(svg)[-1][0]
    assert drawn.endswith("…") and len(drawn) <= charts.LABEL_CHARACTERS


def test_labels_are_in_the_readers_language_and_numbers_are_never_localised(client, data):
    with translation.override("fr"):
        html = client.get(OVERVIEW, headers={"accept-language": "fr"}).content.decode()

    found = figures(html)
    regions = next(rows for svg, rows in found.values() if ("Afrique", 2) in rows)
    assert regions == [("Afrique", 2)]
    drawings = [svg for svg, _rows in found.values() if svg is not None]
    assert len(drawings) == 3
    for svg in drawings:
        for element in svg.iter():
            for name in ("x", "y", "width", "height"):
                assert re.fullmatch(r"[0-9]*", element.get(name, "")), element.attrib
