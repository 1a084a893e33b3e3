"""Spreadsheets of the figures (CSV, XLSX) and streaming CSV exports of the records behind them.

Figures exports take a snapshot dict (a frozen report's, or one computed live), so the
spreadsheet says exactly what the PDF or the dashboard says. Record exports stream rows
from the database in chunks: memory stays flat however many rows there are.
"""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ikmo.downloads import as_download, content_download
from ikmo.listexports import neutralise
from ikmo.subprojects import subproject_choices

from .figures import Status, funding_shares
from .registry import Dimension, Level

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def safe_cell(value):
    """Text starting like a formula is neutralised so spreadsheets never execute it."""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _summary_header():
    return [
        _("Indicator"),
        _("Sub-project"),
        _("Unit"),
        _("Plan"),
        _("Actual"),
        # xgettext:no-python-format
        _("% of plan"),
        _("Status"),
        _("Output or outcome"),
        _("Indicator ID"),
    ]


def summary_rows(snapshot: dict):
    """One row per indicator, labelled; the stable ID (for lookups) comes last."""
    for r in snapshot["indicators"]:
        yield [
            r["label"],
            r["subproject_label"],
            r["unit_label"],
            r["plan"],
            r["actual"],
            r["percent"],
            r["status_label"],
            str(Level(r.get("level") or Level.OUTPUT).label),
            r["key"],
        ]


def _dimension_label(dimension: str) -> str:
    return str(Dimension(dimension).label)


def breakdown_rows(snapshot: dict):
    for r in snapshot["indicators"]:
        for dimension, cells in r.get("breakdowns", {}).items():
            for cell in cells:
                yield [
                    r["key"],
                    r["label"],
                    _dimension_label(dimension),
                    cell["label"],
                    cell["value"],
                ]


def _filename(snapshot: dict, suffix: str) -> str:
    name = slugify(snapshot["period"]["name"]) or "period"
    return f"ikmo-figures-{name}-{snapshot['as_of']}.{suffix}"


def figures_csv(snapshot: dict) -> HttpResponse:
    response = as_download(
        HttpResponse(content_type="text/csv; charset=utf-8"), filename=_filename(snapshot, "csv")
    )
    response.write("\ufeff")  # spreadsheet programs then read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow(_summary_header())
    for row in summary_rows(snapshot):
        writer.writerow([safe_cell(v) for v in row])
    return response


# Number formats a controller's spreadsheet recognises (Excel and LibreOffice localise them).
_FORMATS = {"count": "#,##0", "hours": "#,##0.0", "eur": '#,##0.00 "€"'}
_PERCENT = "0.0%"
_DATE = "DD.MM.YYYY"
_MONTH = "MM/YYYY"
_NARRATIVE = (
    ("summary", gettext_lazy("Summary")),
    ("highlights", gettext_lazy("Highlights")),
    ("challenges", gettext_lazy("Challenges and deviations from the plan")),
    ("outlook", gettext_lazy("Outlook")),
)


def _xlsx_value(value):
    """A cell value: real numbers and dates, neutralised text (safe_cell)."""
    if isinstance(value, (int, float, Decimal, date)) and not isinstance(value, bool):
        return value
    return safe_cell(value)


def _table(ws, header: list, rows, *, widths: list[int], formats: dict | None = None):
    """A header row (bold, frozen, with an autofilter) and rows below it, from the sheet's
    current row on; ``formats`` maps a column index (0-based) to a number format or to a
    function of the row giving one."""
    ws.append([h if isinstance(h, date) else str(h) for h in header])
    first = ws.max_row
    for cell in ws[first]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="0B4F6C")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([_xlsx_value(v) for v in row])
        for column, number_format in (formats or {}).items():
            fmt = number_format(row) if callable(number_format) else number_format
            if fmt:
                ws.cell(row=ws.max_row, column=column + 1).number_format = fmt
    last = max(ws.max_row, first)
    ws.auto_filter.ref = f"A{first}:{get_column_letter(len(header))}{last}"
    ws.freeze_panes = ws.cell(row=first + 1, column=1)
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _indicator_rows(indicators):
    """`summary_rows` for a spreadsheet: the percentage as a fraction (formatted 0.0 %)."""
    for row in summary_rows({"indicators": indicators}):
        percent = row[5]
        yield [*row[:5], None if percent is None else percent / 100, *row[6:]]


def figures_xlsx_bytes(snapshot: dict, *, narrative: dict | None = None) -> bytes:
    """The figures as a workbook a controller can filter and sum: a cover sheet with the
    period and the report's texts, plan vs actual for all indicators and then one sheet per
    sub-project, breakdowns and activity per month; labelled columns, real numbers, dates and
    percentages, frozen header rows and autofilters."""
    wb = Workbook()
    period = snapshot["period"]

    cover = wb.active
    cover.title = _("Report")[:31]
    cover.append([_("Funder report")])
    cover["A1"].font = Font(bold=True, size=14, color="0B4F6C")
    facts = [
        (_("Funding period"), period["name"], None),
        (_("Funder"), period.get("funder_label", ""), None),
        (_("Start"), date.fromisoformat(period["start"]), _DATE),
        (_("End"), date.fromisoformat(period["end"]), _DATE),
        (_("Figures as of"), date.fromisoformat(snapshot["as_of"]), _DATE),
    ]
    funding = snapshot.get("funding") or {}
    contact = funding.get("contact") or {}
    if funding.get("grant_reference"):
        facts.append((_("Grant reference"), funding["grant_reference"], None))
    for carrier in funding.get("carriers", []):
        facts.append((carrier["role_label"], carrier["name"], None))
    if contact.get("name") or contact.get("email"):
        line = " · ".join(
            v for v in (contact.get("name"), contact.get("email"), contact.get("phone")) if v
        )
        facts.append((_("Contact"), line, None))
    for label, value, number_format in facts:
        cover.append([str(label), _xlsx_value(value)])
        cover.cell(row=cover.max_row, column=1).font = Font(bold=True)
        if number_format:
            cover.cell(row=cover.max_row, column=2).number_format = number_format
    labels = dict(subproject_choices())
    texts = [(label, (narrative or {}).get(field, "")) for field, label in _NARRATIVE]
    texts += [
        (labels.get(key, key), text)
        for key, text in ((narrative or {}).get("subproject_notes") or {}).items()
    ]
    for label, text in texts:
        if text:
            _cover_text(cover, label, text)
    cover.column_dimensions["A"].width = 28
    cover.column_dimensions["B"].width = 70

    indicators = snapshot["indicators"]
    _indicator_sheet(wb.create_sheet(_("Plan vs actual")[:31]), indicators)
    groups: dict[str, list] = {}
    for r in indicators:
        groups.setdefault(r["subproject_label"], []).append(r)
    for label, rows in groups.items():
        _indicator_sheet(wb.create_sheet(_sheet_title(wb, str(label))), rows)

    if funding.get("sources"):
        _table(
            wb.create_sheet(_("Funding sources")[:31]),
            [_("Funder"), _("Grant reference"), _("Share"), _("Amount"), _("Finances")],
            [
                [
                    s["label"],
                    s["reference"],
                    s["share"] / 100,
                    s["amount"],
                    ", ".join(sp["label"] for sp in s.get("subprojects", []))
                    or _("the whole centre"),
                ]
                for s in funding["sources"]
            ],
            widths=[40, 28, 10, 16, 50],
            formats={2: _PERCENT, 3: _FORMATS["eur"]},
        )
    if funding.get("carriers"):
        _table(
            wb.create_sheet(_("Carriers")[:31]),
            [
                _("Carrier"),
                _("Role"),
                _("Sub-projects"),
                _("Indicators with a plan"),
                _("Target reached"),
                _("Behind plan"),
            ],
            [
                [
                    c["name"],
                    c["role_label"],
                    ", ".join(sp["label"] for sp in c["subprojects"]),
                    c["planned"],
                    c["reached"],
                    c["behind"],
                ]
                for c in funding["carriers"]
            ],
            widths=[40, 18, 50, 14, 14, 14],
        )

    if shares := _share_rows(funding, indicators):
        _table(
            wb.create_sheet(_("Per funder and carrier")[:31]),
            [_("Funder or carrier"), _("Role"), *_summary_header()],
            shares,
            widths=[36, 18, 52, 30, 14, 12, 12, 11, 18, 16, 28],
            formats={5: "#,##0.##", 6: "#,##0.##", 7: _PERCENT},
        )

    if any(step["total"] for step in snapshot.get("pathway") or []):
        _table(
            wb.create_sheet(_("Support pathway")[:31]),
            [
                _("Step"),
                _("On the pathway"),
                # xgettext:no-python-format
                _("% of the first step"),
                _("All at this step"),
                _("Indicator ID"),
            ],
            [
                [
                    step["label"],
                    step["pathway"],
                    None if step["percent"] is None else step["percent"] / 100,
                    step["total"],
                    step["indicator"],
                ]
                for step in snapshot["pathway"]
            ],
            widths=[40, 16, 16, 16, 28],
            formats={1: "#,##0", 2: _PERCENT, 3: "#,##0"},
        )

    _table(
        wb.create_sheet(_("Breakdowns")[:31]),
        [_("Indicator"), _("Breakdown"), _("Group"), _("Value"), _("Indicator ID")],
        [[row[1], row[2], row[3], row[4], row[0]] for row in breakdown_rows(snapshot)],
        widths=[52, 24, 40, 12, 28],
        formats={3: "#,##0.##"},
    )

    activity = snapshot["activity"]
    months = [date.fromisoformat(f"{m}-01") for m in activity["months"]]
    ws = wb.create_sheet(_("Activity per month")[:31])
    _table(
        ws,
        [_("Indicator"), _("Sub-project"), *months],
        [
            [series["label"], str(labels.get(series["subproject"], series["subproject"]))]
            + list(series["values"])
            for series in activity.get("by_indicator", [])
        ],
        widths=[52, 30, *([9] * len(months))],
    )
    for column in range(3, 3 + len(months)):
        ws.cell(row=1, column=column).number_format = _MONTH

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cover_text(cover, label, text: str) -> None:
    """A heading and a text block, wrapped across both columns, under the cover's facts."""
    cover.append([])
    cover.append([str(label)])
    cover.cell(row=cover.max_row, column=1).font = Font(bold=True)
    cover.append([_xlsx_value(text)])
    cover.merge_cells(start_row=cover.max_row, start_column=1, end_row=cover.max_row, end_column=2)
    cover.cell(row=cover.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
    cover.row_dimensions[cover.max_row].height = min(15 * (1 + len(text) // 90), 400)


def _sheet_title(wb, title: str) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the book."""
    for char in "[]:*?/\\":
        title = title.replace(char, " ")
    title = title.strip()[:31] or "Sheet"
    candidate, n = title, 2
    while candidate in wb.sheetnames:
        suffix = f" ({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _share_rows(funding: dict, indicators: list[dict]) -> list[list]:
    """The indicators of the sub-projects each co-financing funder finances and each
    carrier runs, one row each, led by the funder or carrier."""
    return [
        [
            share["name"],
            _("Funding source") if share["kind"] == "source" else share["role_label"],
            *row,
        ]
        for share in funding_shares(funding, indicators)
        for row in _indicator_rows(share["rows"])
    ]


def _indicator_sheet(ws, indicators):
    fills = {
        key: PatternFill("solid", fgColor=hex_[1:]) for key, (_c, hex_) in Status.COLOURS.items()
    }

    rows = list(_indicator_rows(indicators))
    unit_of = {id(row): r["unit"] for row, r in zip(rows, indicators, strict=True)}

    def number(row):
        return _FORMATS.get(unit_of[id(row)], "#,##0")

    _table(
        ws,
        _summary_header(),
        rows,
        widths=[52, 30, 14, 12, 12, 11, 18, 16, 28],
        formats={3: number, 4: number, 5: _PERCENT},
    )
    for line, r in enumerate(indicators, start=2):
        status = ws.cell(row=line, column=7)
        status.fill = fills[r["status"]]
        status.font = Font(color="FFFFFF", bold=True)


def figures_xlsx(snapshot: dict, *, narrative: dict | None = None) -> HttpResponse:
    return content_download(
        figures_xlsx_bytes(snapshot, narrative=narrative),
        filename=_filename(snapshot, "xlsx"),
        content_type=XLSX_TYPE,
    )


class _Echo:
    def write(self, value):
        return value


def record_rows(indicator, queryset=None, *, values=None):
    """Header, then one row per record, read from the database in chunks: from ``queryset``,
    or from ``values``, an iterator of value tuples in the order of the indicator's display
    columns (a frozen report's records, chunk by chunk: selectors.frozen_values)."""
    columns = indicator.display_columns()
    yield [str(c.label) for c in columns]
    paths = [c.path for c in columns]
    if values is None:
        values = queryset.values_list(*paths).iterator(chunk_size=CHUNK)
    for record in values:
        yield [
            safe_cell(c.display(v) if c.display and v is not None else v)
            for c, v in zip(columns, record, strict=True)
        ]


def records_csv(indicator, queryset=None, *, filename: str, values=None) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in record_rows(indicator, queryset, values=values):
            yield writer.writerow([str(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    return as_download(response, filename=filename)
