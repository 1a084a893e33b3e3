"""The application list as CSV or XLSX, built by the worker with progress on the job row."""

import csv
import io

from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .filters import ApplicationFilter
from .models import ExportJob
from .selectors import applications_visible_to, with_list_data

BATCH = 500


def export_rows_queryset(job: ExportJob):
    """The same rows the person saw in the filtered list: visibility first, then filters."""
    base = with_list_data(applications_visible_to(user=job.requested_by))
    data = QueryDict(mutable=True)
    for key, value in (job.filters or {}).items():
        data[key] = value
    return ApplicationFilter(data, queryset=base).qs.order_by("pk")


def header() -> list[str]:
    return [
        _("Reference"),
        _("Call"),
        _("Organisation"),
        _("Project title"),
        _("District"),
        _("Status"),
        _("Cooperation partners"),
        _("Requested (EUR)"),
        _("Granted (EUR)"),
        _("Submitted at"),
        _("Proof of use due"),
    ]


def row(application) -> list:
    return [
        application.reference,
        str(application.call),
        application.organisation.name,
        application.title,
        str(application.district or ""),
        str(application.get_status_display()),
        application.partner_count,
        application.requested_amount,
        application.approved_amount if application.approved_amount is not None else "",
        timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
        if application.submitted_at
        else "",
        application.proof_due_date.isoformat() if application.proof_due_date else "",
    ]


def _safe(value):
    """Spreadsheet formula injection: text starting with = + - @ is shown, never run."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_run(*, job_id: int) -> ExportJob | None:
    if not ExportJob.mark_running(job_id):
        return None
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    with translation.override(job.requested_by.preferred_language or "de"):
        qs = export_rows_queryset(job)
        total = qs.count() or 1
        rows = [header()]
        for done, application in enumerate(qs.iterator(chunk_size=BATCH), start=1):
            rows.append([_safe(v) for v in row(application)])
            if done % BATCH == 0:
                ExportJob.mark_progress(job_id, 5 + int(85 * done / total))
        content = _xlsx(rows) if job.format == ExportJob.Format.XLSX else _csv(rows)
    return ExportJob.mark_done(job_id, content, row_count=len(rows) - 1)


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    for values in rows:
        writer.writerow(values)
    # BOM so spreadsheet programs open umlauts right.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Applications")[:31])
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_record_failure(*, job_id: int, error: str, final: bool) -> None:
    ExportJob.mark_failed(job_id, error=error, final=final)
