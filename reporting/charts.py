"""Charts for PDFs as inline SVG, drawn on the server from the frozen figures.

No JavaScript runs in a PDF, so the report cannot use Chart.js. These draw the same three
charts as the dashboard, plainly: every bar carries its number as text, and colours come
with words (status names, a legend), so the charts read in black and white too.
"""

import textwrap

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .figures import Status

SUBPROJECT_COLOURS = {
    "qualification": "#0b4f6c",
    "mentoring": "#6f42c1",
    "participation_check": "#b35c00",
    "actionfund": "#1e7b34",
    "volunteering": "#b02a37",
}
FONT = 'font-family="DejaVu Sans, sans-serif"'


def _num(value, decimals=0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _text(x, y, content, *, size=9, anchor="start", fill="#1b1b1b", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}">{escape(content)}</text>'
    )


def _svg(width, height, title, body, *, values: list[str]) -> str:
    """The chart as SVG. Its text alternative names the chart and reads out every value
    (the tagged PDF's Figure /Alt, a screen reader's only view of it)."""
    alt = f"{title}: {'; '.join(values)}." if values else title
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(alt)}">'
        f"<title>{escape(alt)}</title>{''.join(body)}</svg>"
    )


def _lines(label: str, width: int, *, most: int = 3) -> list[str]:
    """A label wrapped to ``width`` characters on at most ``most`` lines: never cut mid-word
    before the last line, so "Unterstützte Organisationen (jede zählt einmal)" stays whole."""
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > most:
        lines = [
            *lines[: most - 1],
            textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder="…"),
        ]
    return lines


def _label(x, y, lines: list[str], *, size: int, anchor: str, line_height: float) -> str:
    """A label of one or more lines, vertically centred on ``y``."""
    first = y - (len(lines) - 1) * line_height / 2
    return "".join(
        _text(x, first + i * line_height, line, size=size, anchor=anchor)
        for i, line in enumerate(lines)
    )


def _text_width(content: str, size: float) -> float:
    # DejaVu Sans averages a little over half the font size per character.
    return len(content) * size * 0.6


def plan_vs_actual(indicators: list[dict], *, width=500) -> str:
    """Horizontal bars: actual as a percentage of plan, with a line at 100 %."""
    rows = [r for r in indicators if r.get("percent") is not None]
    if not rows:
        return ""
    label_w, right_pad, bar_h, gap, top, line_h = 190, 105, 14, 8, 18, 9
    scale_max = max(100.0, min(300.0, max(r["percent"] for r in rows)))
    plot_w = width - label_w - right_pad
    x100 = label_w + plot_w * 100 / scale_max
    labels = [_lines(r["label"], 38) for r in rows]
    heights = [max(bar_h, len(lines) * line_h + 2) for lines in labels]
    height = top + sum(h + gap for h in heights) + 10
    # xgettext:no-python-format
    body = [_text(label_w, 11, _("Actual as % of plan"), size=8, fill="#555")]
    values = []
    y = top
    for row, lines, row_h in zip(rows, labels, heights, strict=True):
        colour = Status.COLOURS[row["status"]][1]
        w = plot_w * min(row["percent"], scale_max) / scale_max
        middle = y + row_h / 2
        body.append(
            _label(label_w - 6, middle + 3, lines, size=8, anchor="end", line_height=line_h)
        )
        bar_y = middle - bar_h / 2
        body.append(
            f'<rect x="{label_w}" y="{bar_y:.1f}" width="{max(w, 1):.1f}" height="{bar_h}" '
            f'fill="{colour}"/>'
        )
        value = f"{_num(row['percent'])} % · {row['status_label']}"
        values.append(f"{row['label']} {value}")
        # The value stands after its bar, never across the 100 % line.
        value_x = label_w + w + 4
        if value_x < x100 + 3 and value_x + _text_width(value, 7) > x100 - 3:
            value_x = x100 + 4
        body.append(_text(value_x, middle + 3, value, size=7))
        y += row_h + gap
    body.append(
        f'<line x1="{x100:.1f}" y1="{top - 4}" x2="{x100:.1f}" y2="{height - 6}" '
        f'stroke="#1b1b1b" stroke-dasharray="3,2" stroke-width="1"/>'
    )
    body.append(_text(x100, top - 6, _("Plan = 100 %"), size=7, anchor="middle"))
    return _svg(width, height, _("Plan vs actual"), body, values=values)


def activity_over_time(activity: dict, *, width=500, height=220) -> str:
    """Stacked monthly bars of logged activities, one colour per sub-project, with a legend."""
    months, series = activity.get("months", []), activity.get("series", [])
    if not months or not series:
        return ""
    left, bottom, top = 34, 34, 10
    legend_h = 14 * ((len(series) + 1) // 2)
    plot_h = height - bottom - top - legend_h
    plot_w = width - left - 8
    totals = [sum(s["values"][i] for s in series) for i in range(len(months))]
    peak = max(totals) or 1
    slot = plot_w / len(months)
    bar_w = max(slot * 0.7, 2)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="#888"/>',
        _text(left - 4, top + 8, _num(peak), size=7, anchor="end"),
        _text(left - 4, top + plot_h, "0", size=7, anchor="end"),
    ]
    for i, month in enumerate(months):
        x = left + i * slot + (slot - bar_w) / 2
        y = top + plot_h
        for s in series:
            h = plot_h * s["values"][i] / peak
            if h > 0:
                y -= h
                colour = SUBPROJECT_COLOURS.get(s["subproject"], "#555")
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
                )
        if totals[i]:
            body.append(_text(x + bar_w / 2, y - 2, _num(totals[i]), size=6, anchor="middle"))
        body.append(
            _text(
                x + bar_w / 2,
                top + plot_h + 10,
                f"{month[5:]}/{month[2:4]}",
                size=6,
                anchor="middle",
            )
        )
    legend_top = height - legend_h + 2
    for i, s in enumerate(series):
        lx = left + (i % 2) * (plot_w / 2)
        ly = legend_top + (i // 2) * 14
        colour = SUBPROJECT_COLOURS.get(s["subproject"], "#555")
        body.append(f'<rect x="{lx:.1f}" y="{ly:.1f}" width="9" height="9" fill="{colour}"/>')
        body.append(_text(lx + 13, ly + 8, f"{s['label']} ({_num(sum(s['values']))})", size=7))
    values = [f"{s['label']} {_num(sum(s['values']))}" for s in series]
    busiest = max(range(len(months)), key=lambda i: totals[i])
    values.append(
        _("busiest month %(month)s with %(count)s")
        % {"month": f"{months[busiest][5:]}/{months[busiest][:4]}", "count": _num(totals[busiest])}
    )
    return _svg(width, height, _("Activity per month"), body, values=values)


def organisations_per_district(districts: list[dict], *, width=500) -> str:
    return _bars(
        [(d["label"], d["value"], _num(d["value"])) for d in districts],
        _("Organisations reached per district"),
        width=width,
    )


def pathway(steps: list[dict], *, width=500) -> str:
    """The support pathway: organisations still on it at each step, with the share of the
    first step."""
    if not steps or not steps[0]["pathway"]:
        return ""
    return _bars(
        [
            (
                s["label"],
                s["pathway"],
                f"{_num(s['pathway'])} ({_num(s['percent'], 1)} %)"
                if s["percent"] is not None
                else _num(s["pathway"]),
            )
            for s in steps
        ],
        _("Support pathway"),
        width=width,
    )


def _bars(rows: list[tuple[str, float, str]], title, *, width=500) -> str:
    """Horizontal bars, one per (label, value, value as text), longest value = full width."""
    if not rows:
        return ""
    label_w, bar_h, gap, top, line_h = 160, 11, 5, 4, 9
    peak = max(value for _label, value, _shown in rows) or 1
    plot_w = width - label_w - 90
    labels = [_lines(label, 32, most=2) for label, _value, _shown in rows]
    heights = [max(bar_h, len(lines) * line_h + 2) for lines in labels]
    height = top + sum(h + gap for h in heights) + 4
    body = []
    y = top
    for (_label_text, value, shown), lines, row_h in zip(rows, labels, heights, strict=True):
        w = plot_w * value / peak
        middle = y + row_h / 2
        body.append(
            _label(label_w - 6, middle + 3, lines, size=8, anchor="end", line_height=line_h)
        )
        body.append(
            f'<rect x="{label_w}" y="{middle - bar_h / 2:.1f}" width="{max(w, 1):.1f}" '
            f'height="{bar_h}" fill="#0b4f6c"/>'
        )
        body.append(_text(label_w + w + 4, middle + 3, shown, size=8))
        y += row_h + gap
    values = [f"{label} {shown}" for label, _value, shown in rows]
    return _svg(width, height, title, body, values=values)
