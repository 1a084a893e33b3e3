"""Chart geometry for the report.

The PDF cannot run JavaScript, so its charts are inline SVG drawn by the template from the
coordinates computed here. The HTML preview draws the same numbers with Chart.js.
"""

from dataclasses import dataclass

LABEL_WIDTH = 280
BAR_AREA = 260
ROW_HEIGHT = 22
BAR_HEIGHT = 14
TOP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | int | None
    text: str
    y: int
    width: int
    x: int = LABEL_WIDTH
    series: int = 0  # 0 or 1: colour of a paired bar

    @property
    def text_x(self) -> int:
        return self.x + self.width + 4

    @property
    def label_y(self) -> int:
        return self.y + BAR_HEIGHT - 3


def _shorten(text: str, length: int = 52) -> str:
    text = str(text)
    return text if len(text) <= length else text[: length - 1] + "…"


def percent_bars(rows: list[tuple[str, int | None]]) -> dict:
    """One bar per row, scaled to 100 %; rows without a value get an empty bar and '–'."""
    bars = []
    for i, (label, percent) in enumerate(rows):
        width = round(BAR_AREA * (percent or 0) / 100)
        bars.append(
            Bar(
                label=_shorten(label),
                value=percent,
                text="–" if percent is None else f"{percent} %",
                y=TOP + i * ROW_HEIGHT,
                width=width,
            )
        )
    height = TOP * 2 + max(len(rows), 1) * ROW_HEIGHT
    return {
        "bars": bars,
        "width": LABEL_WIDTH + BAR_AREA + 50,
        "height": height,
        "axis_x": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "ticks": [
            {"x": LABEL_WIDTH + round(BAR_AREA * t / 100), "label": f"{t} %"} for t in (0, 50, 100)
        ],
        "axis_bottom": height - TOP,
    }


def paired_bars(rows: list[tuple[str, int, int]]) -> dict:
    """Two bars per row (needs and barriers), scaled to the largest count."""
    largest = max([max(a, b) for _label, a, b in rows] or [1]) or 1
    half = BAR_HEIGHT // 2 + 1
    bars = []
    labels = []
    for i, (label, first, second) in enumerate(rows):
        y = TOP + i * ROW_HEIGHT
        labels.append({"text": _shorten(label), "y": y + BAR_HEIGHT - 3})
        for series, value in enumerate((first, second)):
            bars.append(
                Bar(
                    label=_shorten(label),
                    value=value,
                    text=str(value),
                    y=y + series * half,
                    width=round(BAR_AREA * value / largest),
                    series=series,
                )
            )
    height = TOP * 2 + max(len(rows), 1) * ROW_HEIGHT
    return {
        "bars": bars,
        "labels": labels,
        "width": LABEL_WIDTH + BAR_AREA + 50,
        "height": height,
        "axis_x": LABEL_WIDTH,
        "bar_height": half - 1,
        "axis_bottom": height - TOP,
    }
