"""Geometry of the trend chart, drawn by templates/dashboards/_trend_chart.html as SVG.

Server-rendered, no script and no style attributes (the CSP allows neither): coordinates are
computed here and preformatted (the template's locale would write a decimal comma). A
suppressed count is drawn as a hatched bar up to the threshold line and labelled, never as a
height that would tell the number.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .stats import THRESHOLD, Cell, Series

PLOT_HEIGHT = 200
TOP = 24  # room for the labels above the bars
BOTTOM = 44  # room for the month and year under the axis
LEFT = 44  # room for the axis' numbers
RIGHT = 12
BAR = 16
BAR_GAP = 3
GROUP_GAP = 14
COLOURS = ("#0062ba", "#a1410d")  # 6.4:1 and 6.6:1 against white (WCAG 1.4.11 asks 3:1)


def _f(value: float) -> str:
    return f"{value:.1f}"


@dataclass(frozen=True)
class Bar:
    x: str
    y: str
    width: str
    height: str
    label: str
    label_x: str
    label_y: str
    colour: str
    suppressed: bool
    title: str


@dataclass(frozen=True)
class Tick:
    y: str
    label: str


@dataclass(frozen=True)
class MonthLabel:
    x: str
    month: str
    year: str  # under January and the first month only


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot_left: str
    plot_right: str
    baseline: str
    threshold_y: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    months: tuple[MonthLabel, ...]
    legend: tuple[LegendItem, ...]
    description: str


def _nice_step(maximum: int) -> int:
    """A step of 1, 2 or 5 times a power of ten that gives at most five ticks."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if maximum / (step * factor) <= 5:
                return step * factor
        step *= 10


def build_trend_chart(months, series: list[Series]) -> TrendChart:
    shown = [c.value for s in series for c in s.cells if not c.suppressed]
    step = _nice_step(max([THRESHOLD, *shown]))
    top_value = step * -(-max([THRESHOLD, *shown]) // step)
    scale = PLOT_HEIGHT / top_value
    baseline = TOP + PLOT_HEIGHT
    group = len(series) * BAR + (len(series) - 1) * BAR_GAP + GROUP_GAP
    width = LEFT + len(months) * group + RIGHT
    bars, labels = [], []
    for i, month in enumerate(months):
        x0 = LEFT + GROUP_GAP / 2 + i * group
        name = date_format(month, "F Y")
        for j, s in enumerate(series):
            cell: Cell = s.cells[i]
            x = x0 + j * (BAR + BAR_GAP)
            height = (THRESHOLD if cell.suppressed else cell.value) * scale
            bars.append(
                Bar(
                    x=_f(x),
                    y=_f(baseline - height),
                    width=_f(BAR),
                    height=_f(height),
                    label=cell.text,
                    label_x=_f(x + BAR / 2),
                    label_y=_f(baseline - height - 4),
                    colour=COLOURS[j % len(COLOURS)],
                    suppressed=cell.suppressed,
                    title=f"{name}: {s.label.lower()} {cell.text}",
                )
            )
        labels.append(
            MonthLabel(
                x=_f(x0 + (group - GROUP_GAP) / 2),
                month=date_format(month, "b"),
                year=str(month.year) if i == 0 or month.month == 1 else "",
            )
        )
    ticks = tuple(
        Tick(y=_f(baseline - value * scale), label=str(value))
        for value in range(0, top_value + 1, step)
    )
    description = " ".join(
        f"{date_format(month, 'F Y')}: "
        + ", ".join(f"{s.label.lower()} {s.cells[i].text}" for s in series)
        + "."
        for i, month in enumerate(months)
    )
    return TrendChart(
        width=width,
        height=baseline + BOTTOM,
        plot_left=_f(LEFT),
        plot_right=_f(width - RIGHT),
        baseline=_f(baseline),
        threshold_y=_f(baseline - THRESHOLD * scale),
        bars=tuple(bars),
        ticks=ticks,
        months=tuple(labels),
        legend=tuple(LegendItem(s.label, COLOURS[j % len(COLOURS)]) for j, s in enumerate(series)),
        description=_("Antall per måned. ") + description,
    )


def trend_chart(dashboard) -> TrendChart:
    """Cases opened and cases closed per month: the two lines a leader watches."""
    return build_trend_chart(
        list(dashboard.months),
        [dashboard.series_by_key("opened"), dashboard.series_by_key("close")],
    )
