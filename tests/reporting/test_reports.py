import csv
import io
import re
from datetime import date
from decimal import Decimal

import pikepdf
import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from ikmo.models import GeneratedDocument
from ikmo.subprojects import SubProject
from reporting import services
from reporting.models import FunderReport, PlanValue
from reporting.registry import get_indicator
from tests import factories
from tests.reporting.conftest import berlin, log, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_year(stand_in, period):
    """Five organisations coached in 2025, three of them also in a tandem; plans set."""
    stand_in("coached", SubProject.QUALIFICATION)
    stand_in("tandems", SubProject.MENTORING)
    orgs = [factories.OrganisationFactory(name=f"Verein {i} e.V.") for i in range(5)]
    for i, org in enumerate(orgs):
        log("coached", org, berlin(2025, 1 + i, 10))
        if i < 3:
            log("tandems", org, berlin(2025, 6, 1))
    PlanValue.objects.create(
        period=period, indicator_key="organisations_supported", value=Decimal(4)
    )
    PlanValue.objects.create(period=period, indicator_key="coached", value=Decimal(10))
    return orgs


def structure(node):
    """(type, alt text, actual text) of every element of a PDF structure tree, in order."""
    if isinstance(node, pikepdf.Array):
        for kid in node:
            yield from structure(kid)
        return
    if not isinstance(node, pikepdf.Dictionary):
        return
    if "/S" in node:
        yield str(node.S), str(node.get("/Alt", "")), str(node.get("/ActualText", ""))
    if "/K" in node:
        yield from structure(node.K)


def tables(node):
    if isinstance(node, pikepdf.Array):
        for kid in node:
            yield from tables(kid)
    elif isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Table":
            yield node
        elif "/K" in node:
            yield from tables(node.K)


def generate(period, user, capture, **narrative):
    with capture(execute=True):
        report = services.report_request(period=period, by=user, **narrative)
    report.refresh_from_db()
    return report


class TestFunderReport:
    def test_generating_renders_the_pdf_with_figures_and_narrative(
        self, logged_year, period, project_lead, django_capture_on_commit_callbacks
    ):
        report = generate(
            period,
            project_lead,
            django_capture_on_commit_callbacks,
            summary="Ein gutes Jahr für die Vereine.",
            challenges="Weniger Coachings als geplant.",
        )
        document = report.document
        assert document.status == GeneratedDocument.Status.DONE
        assert document.requested_by == project_lead
        assert report.generated_by == project_lead
        assert report.snapshot_taken_at is not None
        text = pdf_text(document.file.read())
        assert "AMIF 2025" in text
        assert "Ein gutes Jahr für die Vereine." in text
        assert "Weniger Coachings als geplant." in text
        # The summary line of the distinct organisations: plan 4, actual 5, 125 %.
        with translation.override(document.language):
            label = str(get_indicator("organisations_supported").label)
        line = next(line for line in text.splitlines() if label[:30] in line)
        assert "4" in line and "5" in line and "125 %" in line
        coached = next(line for line in text.splitlines() if line.strip().startswith("coached"))
        assert "10" in coached and "5" in coached and "50 %" in coached

    def test_the_pdf_is_tagged_for_assistive_technology_with_the_summary_first(
        self, logged_year, period, project_lead, django_capture_on_commit_callbacks
    ):
        """PDF/UA: a structure tree a screen reader follows, language, title, alt texts."""
        report = generate(
            period,
            project_lead,
            django_capture_on_commit_callbacks,
            summary="Ein gutes Jahr für die Vereine.",
            highlights="Drei neue Tandems.",
            outlook="Mehr Coachings im Frühjahr.",
        )
        data = report.document.file.read()
        pdf = pikepdf.open(io.BytesIO(data))
        root = pdf.Root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "de"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert pdf.open_metadata().get("dc:title") == "Förderbericht AMIF 2025"
        assert pdf.open_metadata().get("pdfuaid:part") == "1"
        elements = list(structure(root.StructTreeRoot))
        kinds = [kind for kind, _alt, _text in elements]
        for kind in ("/H1", "/H2", "/Table", "/TH", "/TD", "/Figure", "/Caption"):
            assert kind in kinds, kind
        figures = [alt for kind, alt, _text in elements if kind == "/Figure"]
        assert len(figures) == 3
        # Each chart's alternative names it and reads out its values.
        assert figures[0].startswith("Plan und Ist: ") and "125 %" in figures[0]
        assert figures[2].startswith("Erreichte Organisationen pro Bezirk: ")
        # No layout tables: every table has header cells.
        for table in tables(root.StructTreeRoot):
            assert "/TH" in [kind for kind, _alt, _text in structure(table)]
        # Reading order: cover, contents, summary and highlights, plan, ..., outlook.
        text = pdf_text(data)
        order = [
            text.index("Inhalt"),
            text.index("Ein gutes Jahr für die Vereine."),
            text.index("Drei neue Tandems."),
            text.index("Plan und Ist", text.index("Drei neue Tandems.")),
            text.index("Mehr Coachings im Frühjahr."),
        ]
        assert order == sorted(order)
        # The contents give page numbers (WeasyPrint's target-counter).
        contents = text[text.index("Inhalt") : text.index("Ein gutes Jahr")]
        assert re.search(r"Zusammenfassung und Highlights\W+\d", contents)

    def test_frozen_figures_do_not_change_when_data_changes_later(
        self, logged_year, period, project_lead, django_capture_on_commit_callbacks
    ):
        report = generate(period, project_lead, django_capture_on_commit_callbacks)
        frozen = report.snapshot
        supported = next(r for r in frozen["indicators"] if r["key"] == "organisations_supported")
        assert supported["actual"] == 5

        for i in range(3):
            log("coached", factories.OrganisationFactory(name=f"Später {i}"), berlin(2025, 11, 1))
        PlanValue.objects.filter(indicator_key="organisations_supported").update(value=Decimal(99))

        report.refresh_from_db()
        assert report.snapshot == frozen
        # Freezing again (a retried worker) keeps the first figures.
        assert services.report_freeze(report_id=report.pk).snapshot == frozen
        # A new report sees the new data.
        newer = generate(period, project_lead, django_capture_on_commit_callbacks)
        row = next(r for r in newer.snapshot["indicators"] if r["key"] == "organisations_supported")
        assert (row["actual"], row["plan"]) == (8, 99)

    def test_report_spreadsheets_carry_the_frozen_figures(
        self, logged_year, period, project_lead, client_for, django_capture_on_commit_callbacks
    ):
        report = generate(period, project_lead, django_capture_on_commit_callbacks)
        log("coached", factories.OrganisationFactory(), berlin(2025, 11, 1))  # after the freeze
        client = client_for(project_lead)

        response = client.get(reverse("reporting:report_xlsx", args=[report.pk]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content))["Plan und Ist"]
        rows = {r[-1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
        assert rows["coached"][3:6] == (10, 5, 0.5)
        assert rows["organisations_supported"][4] == 5

        response = client.get(reverse("reporting:report_csv", args=[report.pk]))
        content = response.content.decode("utf-8-sig")
        rows = {r[-1]: r for r in csv.reader(io.StringIO(content))}
        assert rows["coached"][3:6] == ["10", "5", "50.0"]

    def test_the_xlsx_is_a_workbook_a_controller_can_work_with(
        self, logged_year, period, project_lead, client_for, django_capture_on_commit_callbacks
    ):
        report = generate(
            period,
            project_lead,
            django_capture_on_commit_callbacks,
            summary="Ein gutes Jahr für die Vereine.",
            challenges="=SUMME(A1:A9)",
        )
        response = client_for(project_lead).get(reverse("reporting:report_xlsx", args=[report.pk]))
        book = load_workbook(io.BytesIO(response.content))
        # A cover with the period as dates and the report's texts, then the figures.
        assert book.sheetnames[:2] == ["Bericht", "Plan und Ist"]
        assert {"Qualifizierung & Coaching", "Vernetzung & Mentoring"} <= set(book.sheetnames)
        assert {"Aufschlüsselungen", "Aktivitäten pro Monat"} <= set(book.sheetnames)
        cover = {row[0]: row[1] for row in book["Bericht"].iter_rows(values_only=True) if row[0]}
        assert cover["Förderzeitraum"] == "AMIF 2025"
        assert cover["Beginn"].date() == date(2025, 1, 1)
        assert book["Bericht"]["B4"].number_format == "DD.MM.YYYY"
        texts = [row[0] for row in book["Bericht"].iter_rows(values_only=True)]
        assert "Ein gutes Jahr für die Vereine." in texts
        assert "'=SUMME(A1:A9)" in texts  # a formula typed as text never runs
        # Labelled columns, numbers, percentages as such, frozen header, autofilter.
        plan = book["Plan und Ist"]
        header = [cell.value for cell in plan[1]]
        assert header[:6] == ["Indikator", "Teilprojekt", "Einheit", "Plan", "Ist", "% des Plans"]
        assert header[-2:] == ["Leistung oder Wirkung", "Kennung des Indikators"]
        assert plan.freeze_panes == "A2"
        assert plan.auto_filter.ref.startswith("A1:I")
        coached = next(row for row in plan.iter_rows(min_row=2) if row[-1].value == "coached")
        assert coached[5].value == 0.5 and coached[5].number_format == "0.0%"
        assert isinstance(coached[4].value, int) and coached[4].number_format == "#,##0"
        # The sub-project sheet holds its own indicators only.
        sub = book["Qualifizierung & Coaching"]
        subprojects = {row[1] for row in sub.iter_rows(min_row=2, values_only=True)}
        assert subprojects == {"Qualifizierung & Coaching"}
        # Months of the activity sheet are dates.
        activity = book["Aktivitäten pro Monat"]
        assert activity["C1"].value.date() == date(2025, 1, 1)
        assert activity["C1"].number_format == "MM/YYYY"
        assert activity.freeze_panes == "A2"

    def test_each_sub_project_gets_its_own_narrative_in_pdf_xlsx_and_the_next_form(
        self, logged_year, period, project_lead, client_for, django_capture_on_commit_callbacks
    ):
        client = client_for(project_lead)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reporting:report_new", args=[period.pk]),
                {
                    "summary": "",
                    "highlights": "",
                    "challenges": "",
                    "outlook": "",
                    "note_qualification": "  Fünf Vereine im Coaching, zwei mehr als geplant.  ",
                    "note_mentoring": "",
                    "note_unknown": "wird ignoriert",
                },
            )
        assert response.status_code == 302
        report = FunderReport.objects.get()
        assert report.subproject_notes == {
            "qualification": "Fünf Vereine im Coaching, zwei mehr als geplant."
        }
        text = " ".join(pdf_text(report.document.file.read()).split())
        # Under the sub-project's heading, before its first indicator.
        heading = text.index("Qualifizierung & Coaching", text.index("Plan und Ist", 400))
        note = text.index("Fünf Vereine im Coaching, zwei mehr als geplant.")
        assert heading < note < text.index("Durchgeführte Workshops", heading)
        book = load_workbook(
            io.BytesIO(client.get(reverse("reporting:report_xlsx", args=[report.pk])).content)
        )
        cover = [row[0] for row in book["Bericht"].iter_rows(values_only=True)]
        assert "Fünf Vereine im Coaching, zwei mehr als geplant." in cover
        # The next report starts from these texts.
        form = client.get(reverse("reporting:report_new", args=[period.pk])).context["form"]
        assert form["note_qualification"].initial == (
            "Fünf Vereine im Coaching, zwei mehr als geplant."
        )

    def test_a_sub_project_note_too_long_is_refused_with_the_text_kept(
        self, logged_year, period, project_lead, client_for
    ):
        long_text = "Ä" * 3001
        response = client_for(project_lead).post(
            reverse("reporting:report_new", args=[period.pk]),
            {"summary": "Bleibt", "note_mentoring": long_text},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["note_mentoring"]
        assert long_text in response.content.decode() and "Bleibt" in response.content.decode()
        assert not FunderReport.objects.exists()

    def test_previous_reports_are_listed(
        self, logged_year, period, project_lead, client_for, django_capture_on_commit_callbacks
    ):
        first = generate(period, project_lead, django_capture_on_commit_callbacks, summary="Erster")
        second = generate(
            period, project_lead, django_capture_on_commit_callbacks, summary="Zweiter"
        )
        client = client_for(project_lead)
        page = client.get(reverse("reporting:reports")).content.decode()
        assert reverse("reporting:report", args=[first.pk]) in page
        assert reverse("reporting:report", args=[second.pk]) in page
        detail = client.get(reverse("reporting:report", args=[second.pk])).content.decode()
        assert reverse("reporting:report", args=[first.pk]) in detail
        # A new report starts from the texts of the latest one.
        form = client.get(reverse("reporting:report_new", args=[period.pk])).content.decode()
        assert "Zweiter" in form

    def test_report_request_through_the_browser_form(
        self, logged_year, period, project_lead, client_for, django_capture_on_commit_callbacks
    ):
        client = client_for(project_lead)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("reporting:report_new", args=[period.pk]),
                {"summary": "Kurz", "highlights": "", "challenges": "", "outlook": ""},
            )
        report = FunderReport.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("reporting:report", args=[report.pk])
        page = client.get(response["Location"]).content.decode()
        assert reverse("document_download", args=[report.document.pk]) in page
        download = client.get(reverse("document_download", args=[report.document.pk]))
        assert download.status_code == 200
        assert b"".join(download.streaming_content).startswith(b"%PDF")


class TestExports:
    def test_live_figures_xlsx_and_csv(self, logged_year, period, project_lead, client_for):
        client = client_for(project_lead)
        response = client.get(reverse("reporting:figures_xlsx") + f"?period={period.pk}")
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        book = load_workbook(io.BytesIO(response.content))
        assert book.sheetnames[:2] == ["Bericht", "Plan und Ist"]
        response = client.get(reverse("reporting:figures_csv") + f"?period={period.pk}")
        assert "coached" in response.content.decode("utf-8-sig")

    def test_record_export_streams_the_drill_down_records(
        self, logged_year, period, project_lead, client_for
    ):
        formula = factories.OrganisationFactory(name="=HYPERLINK(1)")
        log("coached", formula, berlin(2025, 7, 1))
        client = client_for(project_lead)
        response = client.get(
            reverse("reporting:records_csv", args=["coached"]) + f"?period={period.pk}"
        )
        assert response.streaming
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert rows[0][0] == "Organisation"
        assert len(rows) == 1 + 6
        # Spreadsheet formulas from user input are neutralised.
        assert "'=HYPERLINK(1)" in [r[0] for r in rows]

    def test_record_export_respects_the_breakdown_filter(
        self, logged_year, period, project_lead, client_for
    ):
        client = client_for(project_lead)
        response = client.get(
            reverse("reporting:records_csv", args=["organisations_supported"])
            + f"?period={period.pk}&share=mentoring"
        )
        rows = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert sorted(r[0] for r in rows[1:]) == ["Verein 0 e.V.", "Verein 1 e.V.", "Verein 2 e.V."]
