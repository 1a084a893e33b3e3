"""Co-financing and carriers of a funding period: the form, the rules, the frozen report."""

import html
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ikmo.subprojects import SubProject
from reporting import services
from reporting.models import Carrier, FundingPeriod, FundingSource
from tests import factories
from tests.reporting.conftest import pdf_text

pytestmark = pytest.mark.django_db


def form_data(period, *, sources=(), carriers=(), **fields):
    """The period form as the browser sends it: the period's fields and both tables."""
    data = {
        "name": period.name,
        "funder": period.funder,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "notes": "",
        "grant_reference": "",
        "contact_name": "",
        "contact_email": "",
        "contact_phone": "",
        **fields,
    }
    for prefix, rows in (("source", sources), ("carrier", carriers)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows) + 1)  # and one empty row
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
    return data


@pytest.fixture
def carriers_orgs(db):
    return (
        factories.OrganisationFactory(name="Träger Eins gGmbH"),
        factories.OrganisationFactory(name="Träger Zwei e.V."),
    )


def test_the_period_form_saves_grant_contact_sources_and_carriers(
    client_for, project_lead, period, carriers_orgs
):
    lead, partner = carriers_orgs
    data = form_data(
        period,
        grant_reference="IV B 3 – 2025/117",
        contact_name="Dana Beispiel",
        contact_email="dana@traeger.example",
        sources=[
            {"funder": "senate", "share": "60", "amount": "120.000,00"},
            {
                "funder": "amif",
                "share": "40",
                "reference": "AMIF-2025-77",
                "amount": "80000",
                "subprojects": ["mentoring", "volunteering"],
            },
        ],
        carriers=[
            {"organisation": lead.pk, "role": "lead", "subprojects": ["qualification"]},
            {
                "organisation": partner.pk,
                "role": "partner",
                "subprojects": ["mentoring", "actionfund"],
            },
        ],
    )
    response = client_for(project_lead).post(
        reverse("reporting:period_edit", args=[period.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    period.refresh_from_db()
    assert period.grant_reference == "IV B 3 – 2025/117"
    assert period.contact_email == "dana@traeger.example"
    assert [
        (s.funder, s.share, s.amount, s.reference, s.subprojects) for s in period.sources.all()
    ] == [
        ("senate", Decimal("60"), Decimal("120000.00"), "", []),
        ("amif", Decimal("40"), Decimal("80000"), "AMIF-2025-77", ["mentoring", "volunteering"]),
    ]
    assert sorted((c.organisation_id, c.role, c.subprojects) for c in period.carriers.all()) == [
        (lead.pk, "lead", ["qualification"]),
        (partner.pk, "partner", ["mentoring", "actionfund"]),
    ]
    # The form shows them again; a row marked for removal goes.
    page = client_for(project_lead).get(reverse("reporting:period_edit", args=[period.pk]))
    assert 'value="AMIF-2025-77"' in page.content.decode()


@pytest.mark.parametrize(
    ("sources", "carriers", "message"),
    [
        ([("senate", "60"), ("amif", "30")], [], "Die Anteile ergeben zusammen 90 %"),
        ([("other", "100")], [], "Bitte nennen Sie die anderen Fördermittelgebenden."),
        ([], [("lead", ["qualification"]), ("lead", [])], "Nur ein Träger kann Hauptträger sein."),
        (
            [],
            [("lead", ["qualification"]), ("partner", ["qualification"])],
            "Qualifizierung & Coaching ist Träger Eins gGmbH und Träger Zwei e.V. zugeordnet",
        ),
    ],
    ids=["shares-not-100", "other-without-name", "two-leads", "subproject-twice"],
)
def test_bad_funding_gets_a_clear_message_and_keeps_what_was_typed(
    client_for, project_lead, period, carriers_orgs, sources, carriers, message
):
    data = form_data(
        period,
        grant_reference="Bleibt stehen",
        sources=[{"funder": f, "share": share} for f, share in sources],
        carriers=[
            {"organisation": org.pk, "role": role, "subprojects": subprojects}
            for org, (role, subprojects) in zip(carriers_orgs, carriers, strict=False)
        ],
    )
    response = client_for(project_lead).post(
        reverse("reporting:period_edit", args=[period.pk]), data
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    assert message in page
    assert 'value="Bleibt stehen"' in page
    assert not FundingSource.objects.exists() and not Carrier.objects.exists()
    period.refresh_from_db()
    assert period.grant_reference == ""


def test_a_form_without_the_tables_keeps_them(project_lead, period, carriers_orgs):
    services.period_funding_save(
        period=period,
        sources=[{"funder": "amif", "share": Decimal(100)}],
        carriers=[{"organisation": carriers_orgs[0], "role": "lead", "subprojects": []}],
        by=project_lead,
    )
    services.period_funding_save(period=period, sources=None, carriers=None, by=project_lead)
    assert period.sources.count() == 1 and period.carriers.count() == 1


def test_the_report_freezes_and_shows_funding_and_carriers(
    stand_in, period, project_lead, carriers_orgs, client_for, django_capture_on_commit_callbacks
):
    from tests.reporting.test_reports import generate

    stand_in("coached", SubProject.QUALIFICATION)
    FundingPeriod.objects.filter(pk=period.pk).update(
        grant_reference="IV B 3 – 2025/117", contact_name="Dana Beispiel"
    )
    period.refresh_from_db()
    services.period_funding_save(
        period=period,
        sources=[
            {"funder": "senate", "share": Decimal(60), "amount": Decimal("120000")},
            {
                "funder": "amif",
                "share": Decimal(40),
                "reference": "AMIF-2025-77",
                "subprojects": ["qualification", "not-a-sub-project"],
            },
        ],
        carriers=[
            {"organisation": carriers_orgs[0], "role": "lead", "subprojects": ["qualification"]},
        ],
        by=project_lead,
    )
    report = generate(period, project_lead, django_capture_on_commit_callbacks)
    funding = report.snapshot["funding"]
    assert funding["grant_reference"] == "IV B 3 – 2025/117"
    assert [s["share"] for s in funding["sources"]] == [60.0, 40.0]
    # AMIF co-finances qualification only (an unknown key is dropped); the Senate all.
    assert [sp["key"] for sp in funding["sources"][1]["subprojects"]] == ["qualification"]
    assert funding["sources"][0]["subprojects"] == []
    assert funding["sources"][1]["indicators"] == funding["carriers"][0]["indicators"] > 0
    assert funding["carriers"][0]["name"] == "Träger Eins gGmbH"
    # Later changes do not touch the frozen report.
    services.period_funding_save(period=period, sources=[], carriers=[], by=project_lead)
    report.refresh_from_db()
    assert report.snapshot["funding"] == funding

    data = report.document.file.read()
    text = pdf_text(data)
    assert "Berliner Senat (60 %) · EU-Asyl-, Migrations- und Integrationsfonds (AMIF) (40 %)" in (
        " ".join(text.split())
    )
    assert "IV B 3 – 2025/117" in text and "Dana Beispiel" in text
    assert "Hauptträger" in text and "Finanzierung und Träger" in text
    assert "durchgeführt von Träger Eins gGmbH" in " ".join(text.split())
    # The annex gives AMIF and the lead carrier the figures of their sub-project.
    flat = " ".join(text.split())
    assert "Anhang: Zahlen je Finanzierungsquelle und Träger" in flat
    assert "Finanziert von EU-Asyl-, Migrations- und Integrationsfonds (AMIF)" in flat
    assert "Durchgeführt von Träger Eins gGmbH" in flat
    # What the Senate finances (the PDF's layout text breaks the cell; the HTML does not).
    from django.template.loader import render_to_string

    from reporting.documents import funder_report_context

    source = render_to_string(
        "reporting/pdf/funder_report.html", funder_report_context(report, report.document)
    )
    assert "<td>das ganze Kompetenzzentrum</td>" in source

    book = load_workbook(
        io.BytesIO(
            client_for(project_lead).get(reverse("reporting:report_xlsx", args=[report.pk])).content
        )
    )
    sources = list(book["Finanzierungsquellen"].iter_rows(min_row=2, values_only=True))
    assert sources[0][2:4] == (0.6, 120000.0) and sources[1][1] == "AMIF-2025-77"
    assert [row[4] for row in sources] == [
        "das ganze Kompetenzzentrum",
        "Qualifizierung & Coaching",
    ]
    shares = list(book["Nach Quelle und Träger"].iter_rows(min_row=2, values_only=True))
    assert {(row[0], row[-1]) for row in shares} >= {
        ("EU-Asyl-, Migrations- und Integrationsfonds (AMIF)", "coached"),
        ("Träger Eins gGmbH", "coached"),
    }
    assert all(row[0] != "Berliner Senat" for row in shares)
    assert book["Finanzierungsquellen"]["C2"].number_format == "0.0%"
    carriers = list(book["Träger"].iter_rows(min_row=2, values_only=True))
    assert carriers[0][:3] == ("Träger Eins gGmbH", "Hauptträger", "Qualifizierung & Coaching")
