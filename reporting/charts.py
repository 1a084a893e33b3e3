"""Charts for PDFs as inline SVG, drawn on the server from the frozen figures.

No JavaScript runs in a PDF, so the report cannot use Chart.js. These draw the same three
charts as the dashboard, plainly: every bar carries its number as text, and colours come
with words (status names, a legend), so the charts read in black and white too.
"""

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


def _svg(width, height, title, body) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _truncate(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def plan_vs_actual(indicators: list[dict], *, width=500) -> str:
    """Horizontal bars: actual as a percentage of plan, with a line at 100 %."""
    rows = [r for r in indicators if r.get("percent") is not None]
    if not rows:
        return ""
    label_w, right_pad, bar_h, gap, top = 170, 105, 14, 8, 18
    scale_max = max(100.0, min(300.0, max(r["percent"] for r in rows)))
    plot_w = width - label_w - right_pad
    height = top + len(rows) * (bar_h + gap) + 10
    # xgettext:no-python-format
    body = [_text(label_w, 11, _("Actual as % of plan"), size=8, fill="#555")]
    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        colour = Status.COLOURS[row["status"]][1]
        w = plot_w * min(row["percent"], scale_max) / scale_max
        body.append(_text(label_w - 6, y + 10, _truncate(row["label"], 34), anchor="end", size=8))
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="{colour}"/>'
        )
        body.append(
            _text(
                label_w + w + 4, y + 10, f"{_num(row['percent'])} % · {row['status_label']}", size=7
            )
        )
    x100 = label_w + plot_w * 100 / scale_max
    body.append(
        f'<line x1="{x100:.1f}" y1="{top - 4}" x2="{x100:.1f}" y2="{height - 6}" '
        f'stroke="#1b1b1b" stroke-dasharray="3,2" stroke-width="1"/>'
    )
    body.append(_text(x100, top - 6, _("Plan = 100 %"), size=7, anchor="middle"))
    return _svg(width, height, _("Plan vs actual"), body)


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
    return _svg(width, height, _("Activity per month"), body)


def organisations_per_district(districts: list[dict], *, width=500) -> str:
    if not districts:
        return ""
    label_w, bar_h, gap, top = 150, 11, 5, 4
    peak = max(d["value"] for d in districts) or 1
    plot_w = width - label_w - 40
    height = top + len(districts) * (bar_h + gap) + 4
    body = []
    for i, d in enumerate(districts):
        y = top + i * (bar_h + gap)
        w = plot_w * d["value"] / peak
        body.append(_text(label_w - 6, y + 9, _truncate(d["label"], 30), size=8, anchor="end"))
        body.append(
            f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" fill="#0b4f6c"/>'
        )
        body.append(_text(label_w + w + 4, y + 9, _num(d["value"]), size=8))
    return _svg(width, height, _("Organisations reached per district"), body)
