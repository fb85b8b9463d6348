"""Geometry of the BTS pyramid drawn as SVG: nivå 0 is the broad base."""

from dataclasses import dataclass

from .models import Level

# Light traffic-light fills, so dark label text keeps a contrast ratio above 7:1.
FILLS = {
    Level.Colour.GREEN: "#9bd8a4",
    Level.Colour.YELLOW: "#ffe27a",
    Level.Colour.ORANGE: "#ffbd7a",
    Level.Colour.RED: "#f4a3a0",
}
BAND_HEIGHT = 56
WIDTH = 480
TOP_HALF_WIDTH = 40


@dataclass(frozen=True)
class Band:
    label: str
    short: str
    fill: str
    points: str
    text_y: str  # preformatted: the template's locale would write a decimal comma
    count: int | str | None  # a number, or how a suppressed count is shown ("<5")


@dataclass(frozen=True)
class Pyramid:
    bands: list[Band]
    height: int


def build_pyramid(levels: list[Level], counts: dict[int, int | str] | None = None) -> Pyramid:
    n = len(levels)
    height = n * BAND_HEIGHT
    half = WIDTH / 2

    def half_width(y: float) -> float:
        # Linear from the narrow top (y=0) to the full base (y=height).
        return TOP_HALF_WIDTH + (half - TOP_HALF_WIDTH) * (y / height)

    bands = []
    for level in sorted(levels, key=lambda lv: lv.number):
        row = n - 1 - level.number  # the highest level is drawn at the top
        y0, y1 = row * BAND_HEIGHT, (row + 1) * BAND_HEIGHT
        w0, w1 = half_width(y0), half_width(y1)
        points = " ".join(
            f"{x:.1f},{y:.1f}"
            for x, y in ((half - w0, y0), (half + w0, y0), (half + w1, y1), (half - w1, y1))
        )
        bands.append(
            Band(
                label=f"Nivå {level.number} – {level.title}",
                short=f"Nivå {level.number}",
                fill=FILLS.get(level.colour, "#dddddd"),
                points=points,
                text_y=f"{y0 + BAND_HEIGHT / 2 + 7:.1f}",
                count=None if counts is None else counts.get(level.number, 0),
            )
        )
    return Pyramid(bands=bands, height=height)
