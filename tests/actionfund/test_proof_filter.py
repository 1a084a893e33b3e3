"""Fund staff find overdue proofs of use on the application list: the proof-of-use filter,
the due-by date, the red "überfällig seit" on a row, and the export of the same rows."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from actionfund import journey
from actionfund.filters import ApplicationFilter
from actionfund.models import COMMITTED_STATUSES, Application, Status
from ikmo.listexports import exportable_list
from ikmo.models import ListExport

from .factories import ApplicationFactory, CallFactory

pytestmark = pytest.mark.django_db

LIST = reverse("actionfund:application_list")
WEEKS = 8


def _application(org, *, status, due=None, end=None, call=None, **values):
    """An application in `status` with a stored due date `due` and a project end `end`
    (either may be None); drafts each get a call of their own (one open draft per call)."""
    return ApplicationFactory(
        organisation=org,
        call=call or CallFactory(proof_of_use_weeks=WEEKS),
        status=status,
        start_date=None,
        end_date=end,
        proof_due_date=due,
        **values,
    )


def _page_pks(response) -> list[int]:
    assert response.status_code == 200
    return [a.pk for a in response.context["page"].paginator.object_list]


def _shown(client, **params) -> set[int]:
    return set(_page_pks(client.get(LIST, params)))


def _filtered(**params) -> set[int]:
    data = QueryDict(mutable=True)
    data.update(params)
    return set(
        ApplicationFilter(data, queryset=Application.objects.all()).qs.values_list("pk", flat=True)
    )


class TestPythonAndSqlAgree:
    def test_over_every_status_null_dates_due_today_yesterday_and_the_30th_day(self, org):
        today = timezone.localdate()
        # (stored due date, project end, the call's weeks): the fallback needs both the end
        # and the weeks; a stored date wins over the end.
        shapes = [
            (today + timedelta(days=d), today + timedelta(days=200), WEEKS)
            for d in (-400, -1, 0, 1, 30, 31)
        ]
        shapes += [
            (None, today - timedelta(weeks=WEEKS, days=d), WEEKS) for d in (1, 0, -1, -30, -31)
        ]
        shapes += [
            (None, today - timedelta(days=1), 0),  # no weeks at all: due at the end
            (None, today, 0),
            (None, None, WEEKS),  # nothing to go by: never overdue, never due
        ]
        for due, end, weeks in shapes:
            call = CallFactory(proof_of_use_weeks=weeks)
            for status in Status:
                _application(org, status=status, due=due, end=end, call=call)
        rows = list(
            journey.with_proof_due(Application.objects.select_related("call")).order_by("pk")
        )
        assert len(rows) == len(shapes) * len(Status)

        for application in rows:
            assert application.proof_due_on == journey.proof_due(application), application.pk
        overdue = {a.pk for a in rows if journey.proof_overdue(a, today=today)}
        due_soon = {a.pk for a in rows if journey.proof_due_soon(a, today=today)}
        sql = journey.with_proof_due(Application.objects.all())
        assert (
            set(sql.filter(journey.proof_overdue_q(today)).values_list("pk", flat=True)) == overdue
        )
        assert set(sql.filter(journey.proof_due_soon_q(today)).values_list("pk", flat=True)) == (
            due_soon
        )
        # The filter the list and the export use gives the same answers.
        assert _filtered(proof="overdue") == overdue
        assert _filtered(proof="due_soon") == due_soon
        assert _filtered(proof="submitted") == {
            a.pk for a in rows if a.status == Status.PROOF_SUBMITTED
        }
        until = today + timedelta(days=1)
        assert _filtered(proof_due_by=date_format(until, "d.m.Y")) == {
            a.pk
            for a in rows
            if a.status in COMMITTED_STATUSES
            and journey.proof_due(a) is not None
            and journey.proof_due(a) <= until
        }

        # The cases this is about are all there: overdue yesterday by either date, due today
        # (not overdue yet), a NULL due date from the project end, none without an end.
        def one(due, end, status):
            return next(
                a for a in rows if (a.proof_due_date, a.end_date, a.status) == (due, end, status)
            )

        yesterday, paid = today - timedelta(days=1), Status.PAID
        assert one(yesterday, today + timedelta(days=200), paid).pk in overdue
        assert one(None, yesterday - timedelta(weeks=WEEKS), paid).pk in overdue
        assert one(today, today + timedelta(days=200), paid).pk in due_soon - overdue
        assert one(None, today - timedelta(weeks=WEEKS), Status.PROOF_DUE).pk in due_soon
        assert one(None, None, paid).pk not in overdue | due_soon
        assert one(yesterday, today + timedelta(days=200), Status.PROOF_SUBMITTED).pk not in (
            overdue
        )

    def test_the_day_is_berlins_not_utcs(self, org, monkeypatch):
        # 23:30 UTC on 7 December is already 8 December in Berlin: due on the 7th is overdue.
        assert settings.TIME_ZONE == "Europe/Berlin"
        late = datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
        monkeypatch.setattr(timezone, "now", lambda: late)
        application = _application(org, status=Status.PAID, due=date(2026, 12, 7))
        assert journey.proof_overdue(application)
        assert _filtered(proof="overdue") == {application.pk}
        assert _filtered(proof="due_soon") == set()


class TestTheListPage:
    @pytest.fixture
    def rows(self, org, other_org):
        today = timezone.localdate()
        return {
            "late": _application(org, status=Status.PAID, due=today - timedelta(days=3)),
            # No stored date: due eight weeks after the end, ten days ago.
            "late_by_end": _application(
                other_org,
                status=Status.PROOF_DUE,
                end=today - timedelta(weeks=WEEKS, days=10),
            ),
            "today": _application(org, status=Status.PAID, due=today),
            "soon": _application(org, status=Status.PROOF_DUE, due=today + timedelta(days=30)),
            "later": _application(org, status=Status.PAID, due=today + timedelta(days=31)),
            "sent": _application(
                org, status=Status.PROOF_SUBMITTED, due=today - timedelta(days=20)
            ),
            "closed": _application(org, status=Status.CLOSED, due=today - timedelta(days=90)),
            "draft": _application(org, status=Status.DRAFT, end=today - timedelta(days=365)),
        }

    def test_each_choice_lists_its_applications(self, client_for, fund_lead, rows):
        client = client_for(fund_lead)
        pk = {name: a.pk for name, a in rows.items()}
        assert _shown(client) == set(pk.values())
        assert _shown(client, proof="overdue") == {pk["late"], pk["late_by_end"]}
        assert _shown(client, proof="due_soon") == {pk["today"], pk["soon"]}
        assert _shown(client, proof="submitted") == {pk["sent"]}
        # Combined with the other filters as any of them.
        assert _shown(client, proof="overdue", status="proof_due") == {pk["late_by_end"]}
        assert _shown(client, proof="overdue", q=rows["late"].title) == {pk["late"]}

    def test_the_due_by_date_reads_german_dates_and_includes_the_day(
        self, client_for, fund_lead, rows
    ):
        client = client_for(fund_lead)
        pk = {name: a.pk for name, a in rows.items()}
        today = timezone.localdate()
        german = date_format(today, "d.m.Y")
        # Due today and before, of approved applications: the draft has an end long ago but
        # owes no proof of use.
        expected = {pk["late"], pk["late_by_end"], pk["today"], pk["sent"], pk["closed"]}
        assert _shown(client, proof_due_by=german) == expected
        assert _shown(client, proof_due_by=today.isoformat()) == expected
        soon = date_format(today + timedelta(days=30), "d.m.Y")
        assert _shown(client, proof_due_by=soon, proof="due_soon") == {pk["today"], pk["soon"]}
        page = client.get(LIST, {"proof_due_by": german}).content.decode()
        assert f'value="{german}"' in page
        assert "Nachweis fällig bis" in page and "Zum Beispiel 31.12.2026" in page

    @pytest.mark.parametrize(
        ("language", "message"),
        [
            ("de", "Das ist kein gültiges Datum. Bitte geben Sie Tag, Monat und Jahr ein."),
            ("en", "This is not a valid date. Please enter day, month and year."),
            ("tr", "Bu geçerli bir tarih değil. Lütfen gün, ay ve yılı girin."),
            ("ar", "هذا ليس تاريخًا صحيحًا. يرجى إدخال اليوم والشهر والسنة."),
        ],
    )
    def test_an_impossible_date_is_explained_and_the_other_choices_stay(
        self, client_for, fund_lead, rows, language, message
    ):
        client = client_for(fund_lead)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(
            LIST, {"proof_due_by": "31.02.2026", "proof": "overdue", "status": "paid"}
        )
        assert response.status_code == 200
        form = response.context["filter"].form
        assert form.errors == {"proof_due_by": [message]}
        page = response.content.decode()
        assert message in page
        assert 'value="31.02.2026"' in page and 'aria-invalid="true"' in page
        assert '<option value="overdue" selected>' in page
        assert '<option value="paid" selected>' in page
        # The choices that are valid still apply; the impossible date is left out.
        assert set(_page_pks(response)) == {rows["late"].pk}

    def test_an_overdue_row_says_since_when_in_text_not_colour_alone(
        self, client_for, fund_lead, rows
    ):
        page = client_for(fund_lead).get(LIST).content.decode()
        today = timezone.localdate()
        for since in (today - timedelta(days=3), today - timedelta(days=10)):
            written = date_format(since, "SHORT_DATE_FORMAT")
            assert (
                '<span class="badge text-bg-danger" data-proof-overdue>'
                '<span class="visually-hidden">Verwendungsnachweis: </span>'
                f"überfällig seit {written}</span>"
            ) in page
        assert page.count("data-proof-overdue") == 2  # not due today, sent, closed or a draft

    def test_the_badge_costs_no_query_per_row(self, client_for, fund_lead, org):
        client = client_for(fund_lead)
        late = timezone.localdate() - timedelta(days=3)

        def count():
            with CaptureQueriesContext(connection) as queries:
                page = client.get(LIST, {"proof": "overdue"}).content.decode()
            return len(queries), page.count("data-proof-overdue")

        for _i in range(2):
            _application(org, status=Status.PAID, end=late - timedelta(weeks=WEEKS))
        few, shown = count()
        assert shown == 2
        for _i in range(8):
            _application(org, status=Status.PAID, due=late)
        assert count() == (few, 10)


class TestTheExport:
    def test_the_export_holds_the_rows_of_the_filtered_page(
        self, client_for, fund_lead, org, private_storage, django_capture_on_commit_callbacks
    ):
        today = timezone.localdate()
        late = _application(org, status=Status.PAID, due=today - timedelta(days=3))
        late_by_end = _application(
            org, status=Status.PROOF_DUE, end=today - timedelta(weeks=WEEKS, days=1)
        )
        _application(org, status=Status.PAID, due=today + timedelta(days=3))
        _application(org, status=Status.PROOF_SUBMITTED, due=today - timedelta(days=3))
        client = client_for(fund_lead)
        query = "proof=overdue&proof_due_by=31.12.2099&page=1"
        shown = _page_pks(client.get(f"{LIST}?{query}"))
        assert set(shown) == {late.pk, late_by_end.pk}

        key = "actionfund.applications"
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("exports:create", args=[key]), {"format": "csv", "query": query})
        job = ListExport.objects.get(list_key=key)
        assert job.status == ListExport.Status.DONE, job.error
        assert job.params == {"proof": ["overdue"], "proof_due_by": ["31.12.2099"]}
        assert [a.pk for a in exportable_list(key).rows(fund_lead, job.params)] == shown
        with job.file.open("rb") as handle:
            rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig")), delimiter=";"))
        by_reference = {a.reference: a for a in Application.objects.filter(pk__in=shown)}
        assert [r[0] for r in rows[1:]] == [
            Application.objects.get(pk=pk).reference for pk in shown
        ]
        # The due date column is the one the filter went by, also where none is stored.
        due = rows[0].index("Verwendungsnachweis fällig")
        assert {r[0]: r[due] for r in rows[1:]} == {
            ref: journey.proof_due(a).isoformat() for ref, a in by_reference.items()
        }

    def test_an_impossible_date_is_left_out_of_the_export_as_of_the_page(self, fund_lead, org):
        late = _application(org, status=Status.PAID, due=timezone.localdate() - timedelta(days=1))
        _application(org, status=Status.PAID, due=timezone.localdate() + timedelta(days=1))
        rows = exportable_list("actionfund.applications").rows(
            fund_lead, {"proof": ["overdue"], "proof_due_by": ["31.02.2026"]}
        )
        assert [a.pk for a in rows] == [late.pk]


def test_the_filter_is_offered_in_every_language():
    for language in ("de", "ar", "tr"):
        with translation.override(language):
            form = ApplicationFilter().form
            labels = [str(label) for _value, label in form.fields["proof"].choices]
            texts = [
                str(form.fields["proof"].label),
                str(form.fields["proof_due_by"].label),
                str(form.fields["proof_due_by"].help_text),
                *labels,
            ]
        english = [
            "Proof of use",
            "Proof of use due by",
            "For example 31.12.2026",
            "All",
            "overdue",
            "due within the next 30 days",
            "submitted, to be checked",
        ]
        assert not set(texts) & set(english), (language, texts)
    with translation.override("de"):
        form = ApplicationFilter().form
        assert [str(label) for _v, label in form.fields["proof"].choices] == [
            "Alle",
            "überfällig",
            "in den nächsten 30 Tagen fällig",
            "eingereicht, zu prüfen",
        ]
