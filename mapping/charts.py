"""The overview's charts, drawn on the server as SVG: horizontal bars, one per label, with the
count printed at the end of each bar (colour carries no meaning of its own).

The drawing uses presentation attributes only (x, y, width, height, fill, font-size): the
Content-Security-Policy forbids inline styles, and a chart must need no script. Every chart has a
title and a description the SVG names (role="img", aria-labelledby), and its template shows the
same numbers as a table beside it, for screen readers and for anyone who wants the figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 640
LABEL_WIDTH = 230  # labels are right-aligned against the bars
NUMBER_WIDTH = 50  # room after the longest bar for its number
ROW_HEIGHT = 28
BAR_HEIGHT = 18
MARGIN = 8
FONT_SIZE = 13
# A label longer than this is shortened in the drawing; the table beside it has it whole.
LABEL_CHARACTERS = 32


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    y: int  # top of the bar
    width: int

    @property
    def short_label(self) -> str:
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def text_y(self) -> int:
        """The baseline of the bar's label and number, centred on the bar."""
        return self.y + (BAR_HEIGHT + FONT_SIZE) // 2 - 2

    @property
    def number_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: the ids of the title and description derive from it
    title: str
    description: str
    label_heading: str
    count_heading: str
    bars: list[Bar]

    width: int = WIDTH
    label_x: int = LABEL_WIDTH - 8
    bar_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT
    font_size: int = FONT_SIZE

    @property
    def height(self) -> int:
        return 2 * MARGIN + len(self.bars) * ROW_HEIGHT

    @property
    def rows(self) -> list[tuple[str, int]]:
        """The numbers, as the table beside the drawing shows them."""
        return [(bar.label, bar.count) for bar in self.bars]


def bar_chart(
    *,
    key: str,
    title: str,
    description: str,
    label_heading: str,
    count_heading: str,
    series: list[tuple[str, int]],
) -> Chart:
    """A horizontal bar chart of `series` ((label, count) pairs, in the order given); the
    longest bar is the largest count."""
    longest = max((count for _label, count in series), default=0)
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    bars = [
        Bar(
            label=label,
            count=count,
            y=MARGIN + index * ROW_HEIGHT + (ROW_HEIGHT - BAR_HEIGHT) // 2,
            # A count above zero always shows a sliver of a bar.
            width=max(1, round(count * room / longest)) if count and longest else 0,
        )
        for index, (label, count) in enumerate(series)
    ]
    return Chart(
        key=key,
        title=title,
        description=description,
        label_heading=label_heading,
        count_heading=count_heading,
        bars=bars,
    )


def _highest(series: list[tuple[str, int]]) -> str:
    if not series:
        return ""
    label, count = max(series, key=lambda pair: pair[1])
    return " " + _("The most: %(label)s (%(count)s).") % {"label": label, "count": count}


def overview_charts(
    series: dict[str, list[tuple[str, int]]], *, organisations: int, initiatives: int
) -> list[Chart]:
    """The overview's four charts from mapping.selectors.chart_series, described for the
    `organisations` and `initiatives` counted."""
    among = ngettext(
        "Among the %(count)s organisation shown",
        "Among the %(count)s organisations shown",
        organisations,
    ) % {"count": organisations}
    several = _("an organisation may count under several.")

    def organisations_by(key: str, *, title: str, description: str, label_heading: str) -> Chart:
        """How many organisations count under each term of the taxonomy `key`; `description`
        takes the `among` and `several` phrases."""
        return bar_chart(
            key=key,
            title=title,
            description=description % {"among": among, "several": several} + _highest(series[key]),
            label_heading=label_heading,
            count_heading=_("Organisations"),
            series=series[key],
        )

    years = series["initiatives_by_year"]
    return [
        organisations_by(
            "forms",
            title=_("Organisations by form of exploitation"),
            description=_("%(among)s, how many address each form of exploitation; %(several)s"),
            label_heading=_("Form of exploitation"),
        ),
        organisations_by(
            "regions",
            title=_("Organisations by region"),
            description=_("%(among)s, how many focus on each region; %(several)s"),
            label_heading=_("Region"),
        ),
        organisations_by(
            "interventions",
            title=_("Organisations by type of intervention"),
            description=_("%(among)s, how many carry out each type of intervention; %(several)s"),
            label_heading=_("Type of intervention"),
        ),
        bar_chart(
            key="years",
            title=_("Initiatives by year"),
            description=(
                ngettext(
                    "Of the %(count)s initiative shown, how many were under way in each year",
                    "Of the %(count)s initiatives shown, how many were under way in each year",
                    initiatives,
                )
                % {"count": initiatives}
                + (
                    " "
                    + _("from %(first)s to %(last)s.")
                    % {"first": years[0][0], "last": years[-1][0]}
                    if years
                    else "."
                )
                + _highest(years)
            ),
            label_heading=_("Year"),
            count_heading=_("Initiatives"),
            series=years,
        ),
    ]


def svg(chart: Chart) -> SafeString:
    """The chart's drawing alone, a standalone SVG document (for a PDF or an image)."""
    return SafeString(render_to_string("mapping/_chart_svg.html", {"chart": chart}))
