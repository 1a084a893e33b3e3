"""The competence map: a schematic of Berlin's twelve districts as hexagons.

Drawn for this project, not copied from map data: each district is one hexagon placed
roughly where it lies (north up), so people recognise their district. The page shows a
table of the same districts and counts beside it, the map's text alternative.
"""

from dataclasses import dataclass
from math import cos, pi, sin

# District slug -> (column, row) on a hexagon grid of pointy-top hexagons; odd rows are
# shifted half a hexagon to the right.
LAYOUT = {
    "reinickendorf": (1, 0),
    "pankow": (2, 0),
    "spandau": (0, 1),
    "charlottenburg-wilmersdorf": (1, 1),
    "mitte": (2, 1),
    "lichtenberg": (3, 1),
    "marzahn-hellersdorf": (4, 1),
    "steglitz-zehlendorf": (0, 2),
    "tempelhof-schoneberg": (1, 2),
    "friedrichshain-kreuzberg": (2, 2),
    "treptow-kopenick": (3, 2),
    "neukolln": (2, 3),
}

RADIUS = 60
MARGIN = 2
WIDTH_STEP = RADIUS * 3**0.5
HEIGHT_STEP = RADIUS * 1.5


@dataclass(frozen=True)
class Cell:
    district: object  # organisations.District with a `listed` count
    x: float
    y: float
    points: str
    label_lines: tuple[str, ...]

    @property
    def count(self) -> int:
        return self.district.listed

    @property
    def label_y(self) -> float:
        # The name's lines above the centre, the count below it.
        return round(self.y - 8 - 8 * (len(self.label_lines) - 1), 1)

    @property
    def count_y(self) -> float:
        return round(self.y + 30, 1)


def _centre(column: int, row: int) -> tuple[float, float]:
    x = MARGIN + WIDTH_STEP / 2 + column * WIDTH_STEP + (WIDTH_STEP / 2 if row % 2 else 0)
    y = MARGIN + RADIUS + row * HEIGHT_STEP
    return round(x, 1), round(y, 1)


def _hexagon(x: float, y: float) -> str:
    corners = []
    for i in range(6):
        angle = pi / 180 * (60 * i - 30)
        corners.append(f"{x + RADIUS * cos(angle):.1f},{y + RADIUS * sin(angle):.1f}")
    return " ".join(corners)


def cells(districts) -> list[Cell]:
    """The map's hexagons for districts (with `listed` counts); unknown slugs are left out."""
    result = []
    for district in districts:
        place = LAYOUT.get(district.slug)
        if place is None:
            continue
        x, y = _centre(*place)
        result.append(
            Cell(
                district=district,
                x=x,
                y=y,
                points=_hexagon(x, y),
                label_lines=_lines(district.name),
            )
        )
    return result


def _lines(name: str) -> tuple[str, ...]:
    """A double name in two lines, the hyphen kept at the end of the first: the lines read
    together are the name itself, so the label a person sees is the one a screen reader or
    speech input uses (WCAG 2.5.3)."""
    parts = name.split("-")
    return (*(f"{part}-" for part in parts[:-1]), parts[-1])


def view_box() -> str:
    columns = max(c for c, _ in LAYOUT.values()) + 1.5
    rows = max(r for _, r in LAYOUT.values())
    width = 2 * MARGIN + columns * WIDTH_STEP
    height = 2 * MARGIN + 2 * RADIUS + rows * HEIGHT_STEP
    return f"0 0 {width:.0f} {height:.0f}"
