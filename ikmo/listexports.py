"""Exports of the staff lists: exactly the filtered view, as CSV or XLSX, made in the background.

Each app declares the lists it offers as the ``exports`` hook of the portal contract
(ikmo/subprojects.py): an ``ExportableList`` names the list page, the selector of what the
person may see there, the page's own filter, who may export it and the columns. One job
model (`ikmo.models.ListExport`), one task, one set of views (ikmo/listexport_views.py) and
one control on the list pages (templates/includes/list_export.html) serve all of them.

The request stores the list, the page's filter parameters and the format; the worker then
computes the rows *for the requester* with the same selector and filter as the page, at run
time, and streams them into a temporary file (constant memory however long the list), with
progress on the row. Text that a spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import audit_log
from .queue import enqueue_on_commit

BATCH = 500  # rows fetched per round trip, and between two progress updates
MAX_PARAM_LENGTH = 100  # a filter value longer than any filter needs is cut
MAX_PARAM_VALUES = 20
# A second click within this time gets the export the first asked for (a double click or
# tap, a resent form). Short: a person exporting again later wants the rows as they are then.
REPEAT_WINDOW = timedelta(seconds=10)

# Text a spreadsheet program would read as a formula (or a DDE call) starts like this.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters XML (and so XLSX) cannot hold.
_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")


def neutralise(value: str) -> str:
    """Text starting like a formula is shown as text, never run (OWASP's "CSV injection")."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


@dataclass(frozen=True)
class ExportableList:
    """One staff list that can be exported, declared by its app (the ``exports`` hook).

    ``queryset`` and ``can_export`` are the list page's own selector and permission
    predicate; ``filterset`` is the page's own django-filter ``FilterSet`` class, or a
    function ``(queryset, data) -> queryset`` for a page that filters without one (then
    ``params`` names the query parameters it reads). A list that lives inside one record (the
    interviews of an analysis) has ``parent``: ``(user, pk) -> record or None``, the page's
    lookup of that record, and its ``queryset`` and ``can_export`` take the record too.
    """

    key: str  # "<app>.<list>", e.g. "qualification.coaching"
    label: object  # lazy translated name, e.g. _("Coaching log")
    route: str  # URL name of the list page
    queryset: Callable  # (user) -> QuerySet, or (user, parent) with ``parent``
    can_export: Callable  # (user) -> bool, or (user, parent) with ``parent``
    columns: Sequence[tuple[object, Callable]]  # (lazy header, row -> value)
    filterset: type | Callable | None = None
    params: tuple[str, ...] = ()  # the parameters a filter function reads
    parent: Callable | None = None  # (user, pk) -> the record the list belongs to, or None
    ordering: tuple = ()  # the page's order (names or expressions), when the view sets it

    @property
    def is_scoped(self) -> bool:
        return self.parent is not None

    def filter_keys(self) -> tuple[str, ...]:
        if isinstance(self.filterset, type):
            return tuple(self.filterset.base_filters)
        return self.params

    def clean_params(self, data) -> dict[str, list[str]]:
        """The page's filter parameters from a query string (a ``QueryDict``): only the
        filter's own keys, short values, no NUL bytes (PostgreSQL refuses them in JSON)."""
        cleaned = {}
        for key in self.filter_keys():
            values = [
                v.replace("\x00", "")[:MAX_PARAM_LENGTH]
                for v in data.getlist(key)[:MAX_PARAM_VALUES]
            ]
            values = [v for v in values if v]
            if values:
                cleaned[key] = values
        return cleaned

    def parent_for(self, user, scope: str):
        """The record a scoped list belongs to, if the person may see it; None otherwise."""
        if not self.is_scoped:
            return None
        if not (scope or "").isdigit() or len(scope) > 10:
            return None
        return self.parent(user, int(scope))

    def allowed(self, user, scope: str = "") -> bool:
        """Whether ``user`` may export this list (of the record ``scope``, if scoped)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        if not self.is_scoped:
            return bool(self.can_export(user))
        parent = self.parent_for(user, scope)
        return parent is not None and bool(self.can_export(user, parent))

    def rows(self, user, params: dict | None = None, scope: str = ""):
        """The rows of the list as ``user`` sees it with the filter ``params``: the same
        selector and filter as the page. Ordered as the page orders them."""
        if self.is_scoped:
            parent = self.parent_for(user, scope)
            if parent is None:
                raise PermissionDenied
            queryset = self.queryset(user, parent)
        else:
            queryset = self.queryset(user)
        data = None
        if params:
            data = QueryDict(mutable=True)
            for key, values in params.items():
                data.setlist(key, list(values))
        if isinstance(self.filterset, type):
            queryset = self.filterset(data, queryset=queryset).qs
        elif self.filterset is not None:
            queryset = self.filterset(queryset, data or QueryDict())
        if self.ordering:
            queryset = queryset.order_by(*self.ordering)
        return queryset

    def list_url(self, scope: str = "", params: dict | None = None) -> str:
        from django.urls import reverse
        from django.utils.http import urlencode

        url = reverse(self.route, args=[scope] if self.is_scoped else [])
        return f"{url}?{urlencode(params, doseq=True)}" if params else url


def exportable_lists() -> dict[str, ExportableList]:
    """Every installed app's exportable lists, by key."""
    from .subprojects import hooks

    return {spec.key: spec for _app, specs in hooks("exports") for spec in specs}


def exportable_list(key: str) -> ExportableList | None:
    return exportable_lists().get(key)


# --- services ---------------------------------------------------------------------------------


def export_request(*, key: str, by, params, fmt: str, scope: str = ""):
    """Ask for an export of list ``key`` as ``by`` sees it with the page's filter ``params``
    (a ``QueryDict`` or a dict of lists). A repeated request (a double click, a second tab)
    within REPEAT_WINDOW gets the export already asked for."""
    from organisations.models import User

    from .models import ListExport
    from .tasks import run_list_export

    spec = exportable_list(key)
    if spec is None or not spec.allowed(by, scope):
        raise PermissionDenied
    if fmt not in ListExport.Format.values:
        raise PermissionDenied
    if isinstance(params, QueryDict):
        params = spec.clean_params(params)
    else:
        query = QueryDict(mutable=True)
        for name, values in (params or {}).items():
            query.setlist(name, values if isinstance(values, list | tuple) else [values])
        params = spec.clean_params(query)
    scope = scope if spec.is_scoped else ""
    with transaction.atomic():
        # One request at a time per person: two clicks arriving together see each other.
        User.objects.select_for_update().filter(pk=by.pk).first()
        repeated = (
            ListExport.objects.filter(
                requested_by=by,
                list_key=key,
                scope=scope,
                params=params,
                format=fmt,
                created_at__gte=timezone.now() - REPEAT_WINDOW,
            )
            .exclude(status__in=[ListExport.Status.FAILED, ListExport.Status.EXPIRED])
            .first()
        )
        if repeated is not None:
            return repeated
        job = ListExport.objects.create(
            requested_by=by,
            list_key=key,
            scope=scope,
            params=params,
            format=fmt,
            language=(translation.get_language() or "de")[:10],
        )
        audit_log(
            actor=by,
            action="ikmo.list_export.requested",
            target=job,
            changes={"list": key, "scope": scope, "filters": params, "format": fmt},
        )
        enqueue_on_commit(run_list_export, job.pk, model=ListExport)
    return job


def export_run(*, job_id: int):
    """Write the export's file. Safe to run twice: a finished job is left as it is, and of two
    runs at the same time the first to finish keeps its file."""
    from .models import ListExport

    if not ListExport.mark_running(job_id):
        return None
    job = ListExport.objects.select_related("requested_by").get(pk=job_id)
    spec = exportable_list(job.list_key)
    user = job.requested_by
    if spec is None or user is None or not spec.allowed(user, job.scope):
        # Nothing a retry would change: the list is gone or the person may no longer see it.
        ListExport.mark_failed(job_id, error="not allowed", final=True)
        return None
    with translation.override(job.language or user.preferred_language or "de"):
        rows = spec.rows(user, job.params, job.scope)
        total = rows.count()
        ListExport.mark_progress(job_id, 10)
        headers = [str(header) for header, _value in spec.columns]
        writer = XlsxWriter if job.format == ListExport.Format.XLSX else CsvWriter
        with tempfile.TemporaryFile() as target:
            count = 0
            with writer(target, headers, sheet=str(spec.label)) as out:
                for count, row in enumerate(rows.iterator(chunk_size=BATCH), start=1):
                    out.write([value(row) for _header, value in spec.columns])
                    if count % BATCH == 0 and total:
                        ListExport.mark_progress(job_id, 10 + int(85 * min(count, total) / total))
            target.seek(0)
            return ListExport.mark_done(job_id, File(target, name="export"), row_count=count)


def export_record_failure(*, job_id: int, error: str, final: bool) -> None:
    from .models import ListExport

    ListExport.mark_failed(job_id, error=error, final=final)


def get_export_for_user(user, uuid):
    """The one lookup for the status page and the download: only the requester, while still
    allowed to export the list; a 404 for everyone else."""
    from .models import ListExport

    job = get_object_or_404(ListExport, uuid=uuid)
    if not job.can_download(user):
        raise Http404
    return job


# --- writers: one row at a time into a file -------------------------------------------------


class CsvWriter:
    """``;``-separated UTF-8 with a byte order mark, so spreadsheet programs read umlauts.
    Dates as ISO text, whatever the UI language (spreadsheets read those as dates)."""

    def __init__(self, target, headers, *, sheet=""):
        self.target = target
        self.text = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        self.csv = csv.writer(self.text, delimiter=";")
        self.csv.writerow([neutralise(h) for h in headers])

    def write(self, values) -> None:
        self.csv.writerow([self.cell(v) for v in values])

    @staticmethod
    def cell(value):
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            return value.strftime("%Y-%m-%d %H:%M")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, int | float | Decimal):
            return value
        return neutralise(str(value))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.text.flush()
        self.text.detach()  # the file stays open for storing
        return False


class XlsxWriter:
    """openpyxl's write-only workbook (rows go to disk as they come): real dates and numbers,
    a frozen header row and an autofilter over the columns."""

    def __init__(self, target, headers, *, sheet=""):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font

        self.target = target
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet(title=_sheet_title(sheet))
        self.sheet.freeze_panes = "A2"
        self.columns = len(headers)
        self.rows = 1
        self._cell = WriteOnlyCell
        bold = Font(bold=True)
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(self.sheet, value=_xml_text(neutralise(str(header))))
            cell.font = bold
            header_cells.append(cell)
        self.sheet.append(header_cells)

    def write(self, values) -> None:
        self.sheet.append([self.cell(v) for v in values])
        self.rows += 1

    def cell(self, value):
        if value is None:
            return None
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, datetime):
            value = timezone.localtime(value) if timezone.is_aware(value) else value
            cell = self._cell(self.sheet, value=value.replace(tzinfo=None))
            cell.number_format = "YYYY-MM-DD HH:MM"
            return cell
        if isinstance(value, date):
            cell = self._cell(self.sheet, value=value)
            cell.number_format = "YYYY-MM-DD"
            return cell
        if isinstance(value, int | float | Decimal):
            return value
        return _xml_text(neutralise(str(value)))

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        if exc_type is None:
            from openpyxl.utils import get_column_letter

            last = get_column_letter(max(self.columns, 1))
            self.sheet.auto_filter.ref = f"A1:{last}{self.rows}"
            self.workbook.save(self.target)
        return False


def _xml_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value)


def _sheet_title(label: str) -> str:
    # Excel's limits: 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "", label)[:31] or "Export"
