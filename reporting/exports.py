"""Spreadsheets of the figures (CSV, XLSX) and streaming CSV exports of the records behind them.

Figures exports take a snapshot dict (a frozen report's, or one computed live), so the
spreadsheet says exactly what the PDF or the dashboard says. Record exports stream rows
from the database in chunks: memory stays flat however many rows there are.
"""

import csv
import io
from datetime import date, datetime

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ikmo.downloads import as_download, content_download

from .figures import Status
from .registry import Dimension

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 2000


def safe_cell(value):
    """Text starting like a formula is neutralised so spreadsheets never execute it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def _summary_header():
    return [
        _("Key"),
        _("Indicator"),
        _("Sub-project"),
        _("Unit"),
        _("Plan"),
        _("Actual"),
        # xgettext:no-python-format
        _("% of plan"),
        _("Status"),
    ]


def summary_rows(snapshot: dict):
    for r in snapshot["indicators"]:
        yield [
            r["key"],
            r["label"],
            r["subproject_label"],
            r["unit_label"],
            r["plan"],
            r["actual"],
            r["percent"],
            r["status_label"],
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


def figures_xlsx_bytes(snapshot: dict) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)
    ws = wb.active
    ws.title = _("Plan vs actual")[:31]
    period = snapshot["period"]
    ws.append(
        [period["name"], period.get("funder_label", ""), f"{period['start']} – {period['end']}"]
    )
    ws.append([_("Figures as of"), snapshot["as_of"]])
    ws.append([])
    ws.append(_summary_header())
    for cell in ws[4]:
        cell.font = bold
    fills = {
        key: PatternFill("solid", fgColor=hex_[1:]) for key, (_c, hex_) in Status.COLOURS.items()
    }
    for r, row in zip(snapshot["indicators"], summary_rows(snapshot), strict=True):
        ws.append([safe_cell(v) for v in row])
        status_cell = ws.cell(row=ws.max_row, column=8)
        status_cell.fill = fills[r["status"]]
        status_cell.font = Font(color="FFFFFF", bold=True)
        if r["percent"] is not None:
            ws.cell(row=ws.max_row, column=7).number_format = "0.0"
    for i, width in enumerate([26, 48, 30, 14, 12, 12, 10, 18], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A5"

    ws = wb.create_sheet(_("Breakdowns")[:31])
    ws.append([_("Key"), _("Indicator"), _("Breakdown"), _("Group"), _("Value")])
    for cell in ws[1]:
        cell.font = bold
    for row in breakdown_rows(snapshot):
        ws.append([safe_cell(v) for v in row])
    for i, width in enumerate([26, 48, 24, 40, 12], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    activity = snapshot["activity"]
    ws = wb.create_sheet(_("Activity per month")[:31])
    ws.append([_("Indicator"), _("Sub-project"), *activity["months"]])
    for cell in ws[1]:
        cell.font = bold
    for series in activity.get("by_indicator", []):
        ws.append([series["label"], series["subproject"], *series["values"]])
    ws.column_dimensions["A"].width = 48

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def figures_xlsx(snapshot: dict) -> HttpResponse:
    return content_download(
        figures_xlsx_bytes(snapshot), filename=_filename(snapshot, "xlsx"), content_type=XLSX_TYPE
    )


class _Echo:
    def write(self, value):
        return value


def record_rows(indicator, queryset):
    """Header, then one row per record, read from the database in chunks."""
    columns = indicator.display_columns()
    yield [str(c.label) for c in columns]
    paths = [c.path for c in columns]
    for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK):
        yield [
            safe_cell(c.display(v) if c.display and v is not None else v)
            for c, v in zip(columns, values, strict=True)
        ]


def records_csv(indicator, queryset, *, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in record_rows(indicator, queryset):
            yield writer.writerow([str(v) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    return as_download(response, filename=filename)
