"""Proof of use through the pages, receipts, every detail page state, and the admin."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionfund import selectors, services
from actionfund.models import ActualSpending, BudgetLine, ProofOfUse, Status

from .factories import add_line, approved, draft, in_review, paid, submitted

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }


def test_proof_of_use_through_the_pages(
    client_for, org, org_admin, fund_lead, other_org_admin, jury_member
):
    application = paid(organisation=org, by=org_admin, lead=fund_lead)
    line = application.budget_lines.get()
    client = client_for(org_admin)
    url = reverse("actionfund:proof_edit", args=[application.pk])
    assert client.get(url).status_code == 200

    # Submitting without a report is refused; what was typed stays on the page.
    response = client.post(url, {"report": "", f"spent_{line.pk}": "950.00", "action": "submit"})
    assert response.status_code == 200
    assert 'value="950.00"' in response.content.decode()

    response = client.post(
        reverse("actionfund:receipt_add", args=[application.pk]),
        {"file": SimpleUploadedFile("beleg.png", PNG)},
    )
    assert response.status_code == 302
    receipt = application.proof_of_use.receipts.get()
    assert receipt.content_type == "image/png"
    receipt_url = reverse("actionfund:receipt_download", args=[application.pk, receipt.pk])
    assert client.get(receipt_url).status_code == 200
    assert client_for(fund_lead).get(receipt_url).status_code == 200
    assert client_for(other_org_admin).get(receipt_url).status_code == 404

    client = client_for(org_admin)
    response = client.post(
        url, {"report": "Es kamen 40 Menschen.", f"spent_{line.pk}": "950.00", "action": "submit"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED
    assert application.proof_of_use.spending.get().amount == Decimal("950.00")
    # After submitting, the proof is read-only for the organisation.
    assert client.get(url).status_code == 403

    lead = client_for(fund_lead)
    review = reverse("actionfund:proof_review", args=[application.pk])
    lead.post(review, {"decision": "corrections", "note": ""})
    application.refresh_from_db()
    assert application.status == Status.PROOF_SUBMITTED  # a note is required for corrections
    lead.post(review, {"decision": "corrections", "note": "Bitte Beleg 2 nachreichen."})
    application.refresh_from_db()
    assert application.status == Status.PROOF_DUE
    page = client_for(org_admin).get(url).content.decode()
    assert "Bitte Beleg 2 nachreichen." in page


def test_receipts_are_checked_by_content(client_for, org, org_admin, fund_lead):
    application = paid(organisation=org, by=org_admin, lead=fund_lead)
    client = client_for(org_admin)
    response = client.post(
        reverse("actionfund:receipt_add", args=[application.pk]),
        {"file": SimpleUploadedFile("beleg.jpg", b"<html>not an image</html>")},
        follow=True,
    )
    assert "PDF, PNG, JPEG, DOCX, XLSX" in response.content.decode()
    assert (
        not hasattr(application, "proof_of_use") or not application.proof_of_use.receipts.exists()
    )


def test_payments_and_repayments_through_the_pages(client_for, call, org, org_admin, fund_lead):
    application = approved(organisation=org, by=org_admin, lead=fund_lead, call=call)
    lead = client_for(fund_lead)
    lead.post(
        reverse("actionfund:application_transition", args=[application.pk]),
        {"to_status": Status.AGREEMENT_SIGNED, "note": ""},
    )
    pay = reverse("actionfund:payment_add", args=[application.pk])
    lead.post(pay, {"amount": "600.00", "paid_on": "2026-11-01", "reference": "A1"})
    response = lead.post(
        pay, {"amount": "500.00", "paid_on": "2026-11-02", "reference": "A2"}, follow=True
    )
    assert "übersteigen" in response.content.decode()
    lead.post(pay, {"amount": "400.00", "paid_on": "2026-11-02", "reference": "A2"})
    lead.post(
        reverse("actionfund:return_add", args=[application.pk]),
        {"amount": "50.00", "returned_on": "2026-12-01", "note": "Rest"},
    )
    application.refresh_from_db()
    assert application.status == Status.PAID
    ledger = lead.get(reverse("actionfund:call_ledger", args=[call.pk])).context["ledger"]
    assert (ledger["paid"], ledger["returned"], ledger["remaining"]) == (
        Decimal("1000.00"),
        Decimal("50.00"),
        Decimal("9050.00"),
    )


def test_jury_assignment_and_scoring_through_the_pages(
    client_for, call, org, org_admin, fund_lead, jury_member
):
    application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    client_for(fund_lead).post(
        reverse("actionfund:jury_assign", args=[application.pk]), {"jurors": [jury_member.pk]}
    )
    juror = client_for(jury_member)
    listing = juror.get(reverse("actionfund:jury_list")).content.decode()
    assert application.title in listing
    c1, c2 = call.criteria.all()
    url = reverse("actionfund:application_score", args=[application.pk])
    page = juror.get(url)
    assert page.status_code == 200
    assert org.name in page.content.decode()  # the reviewer sees the organisation's history
    response = juror.post(url, {f"score_{c1.pk}": "4", f"comment_{c1.pk}": "überzeugend"})
    assert response.status_code == 200  # the second criterion is missing: input kept
    assert "überzeugend" in response.content.decode()
    juror.post(url, {f"score_{c1.pk}": "4", f"comment_{c1.pk}": "gut", f"score_{c2.pk}": "2"})
    assert application.scores.count() == 2


@pytest.mark.parametrize(
    "make", [draft, submitted, in_review, approved, paid], ids=lambda f: f.__name__
)
def test_detail_page_renders_in_every_state_for_applicant_and_lead(
    client_for, org, org_admin, fund_lead, make
):
    kwargs = {"organisation": org, "by": org_admin}
    if make in (in_review, approved, paid):
        kwargs["lead"] = fund_lead
    application = make(**kwargs)
    for user in (org_admin, fund_lead):
        response = client_for(user).get(application.get_absolute_url())
        assert response.status_code == 200
        assert application.reference in response.content.decode()


def test_closed_application_shows_its_history(client_for, org, org_admin, fund_lead):
    application = paid(organisation=org, by=org_admin, lead=fund_lead)
    line = application.budget_lines.get()
    services.proof_save(
        application=application, report="ok", spending={line.pk: Decimal("1000")}, by=org_admin
    )
    services.proof_submit(application=application, by=org_admin)
    services.proof_decide(application=application, accept=True, note="Danke", by=fund_lead)
    page = client_for(org_admin).get(application.get_absolute_url()).content.decode()
    assert "Abgeschlossen" in page and "Danke" in page


@pytest.mark.parametrize(
    "model",
    [
        "call",
        "criterion",
        "application",
        "budgetline",
        "attachment",
        "statuschange",
        "juryassignment",
        "score",
        "payment",
        "return",
        "proofofuse",
        "receipt",
        "reminderlog",
    ],
)
def test_admin_pages(client_for, model, org, org_admin, fund_lead):
    from tests import factories
    from tests.conftest import enrol_mfa

    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    enrol_mfa(superuser)
    paid(organisation=org, by=org_admin, lead=fund_lead)
    client = client_for(superuser)
    assert client.get(reverse(f"admin:actionfund_{model}_changelist")).status_code == 200
    assert (
        client.get(reverse(f"admin:actionfund_{model}_changelist"), {"q": "x"}).status_code == 200
    )
    # Uploaded files come in only through the portal's checked forms (tests/ikmo/test_admin.py).
    add_status = 403 if model in {"attachment", "receipt"} else 200
    assert client.get(reverse(f"admin:actionfund_{model}_add")).status_code == add_status


def test_an_invalid_status_choice_keeps_the_typed_note(client_for, call, org, org_admin, fund_lead):
    application = submitted(organisation=org, by=org_admin, call=call)
    response = client_for(fund_lead).post(
        reverse("actionfund:application_transition", args=[application.pk]),
        {"to_status": "no-such-status", "note": "Rückfrage zum Zeitplan am 31.12.2026"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rückfrage zum Zeitplan am 31.12.2026" in page
    assert response.context["transition_form"].errors["to_status"]
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_proofs_spending_offers_only_its_applications_budget_lines(
    client, org, org_admin, other_org, other_org_admin, fund_lead
):
    """A proof of use's spending in Django admin: a choice among its application's budget
    lines only (tests/ikmo/test_admin_choosers.py keeps every admin choice short)."""
    from tests import factories
    from tests.conftest import enrol_mfa

    superuser = factories.UserFactory(is_staff=True, is_superuser=True)
    enrol_mfa(superuser)
    application = paid(organisation=org, by=org_admin, lead=fund_lead)
    line = application.budget_lines.get()
    extra = add_line(application, Decimal("250.00"), description="Raummiete")
    foreign = paid(organisation=other_org, by=other_org_admin, lead=fund_lead)
    foreign_line = foreign.budget_lines.get()
    services.proof_save(
        application=application, report="ok", spending={line.pk: Decimal("900")}, by=org_admin
    )
    proof = ProofOfUse.objects.get(application=application)
    client.force_login(superuser)
    url = reverse("admin:actionfund_proofofuse_change", args=[proof.pk])
    form = client.get(url).context["inline_admin_formsets"][0].formset.forms[0]
    offered = set(form.fields["budget_line"].queryset)
    assert offered == {line, extra} and foreign_line not in offered
    # Another application's line, sent by hand, is refused with a message, not saved.
    spending = ActualSpending.objects.get(proof=proof)
    data = {
        "application": application.pk,
        "report": "ok",
        "review": proof.review,
        "spending-TOTAL_FORMS": "1",
        "spending-INITIAL_FORMS": "1",
        "spending-MIN_NUM_FORMS": "0",
        "spending-MAX_NUM_FORMS": "1000",
        "spending-0-id": spending.pk,
        "spending-0-proof": proof.pk,
        "spending-0-budget_line": foreign_line.pk,
        "spending-0-amount": "1.200,50",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "budget_line" in response.context["inline_admin_formsets"][0].formset.errors[0]
    spending.refresh_from_db()
    assert (spending.budget_line, spending.amount) == (line, Decimal("900"))
    # The add form has no spending rows yet: the application decides which lines there are.
    add = client.get(reverse("admin:actionfund_proofofuse_add"))
    assert add.context["inline_admin_formsets"][0].formset.max_num == 0
    assert BudgetLine.objects.count() == 3


def test_the_application_page_sums_the_rows_it_lists(
    client_for, call, org, org_admin, fund_lead, jury_member, second_juror
):
    """The budget total, the sum paid, the first payment of the journey, the ceiling and the
    jury's average come from the lines, payments, partners and scores the page lists: they
    must say what the queries of their own said."""
    application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    services.jury_assign(application=application, jurors=[jury_member, second_juror], by=fund_lead)
    c1, c2 = list(call.criteria.all())  # weights 2 and 1
    for juror, first, second in [(jury_member, 5, 2), (second_juror, 2, 2)]:  # 4.00 and 2.00
        services.scores_save(
            application=application, juror=juror, values={c1.pk: (first, ""), c2.pk: (second, "")}
        )
    application = services.application_decide(
        application=application, approve=True, by=fund_lead, amount=Decimal("100.00")
    )
    services.application_transition(
        application=application, to_status=Status.AGREEMENT_SIGNED, by=fund_lead
    )
    for amount, day in [("60.00", date(2026, 11, 2)), ("15.50", date(2026, 11, 1))]:
        services.payment_record(
            application=application, amount=Decimal(amount), paid_on=day, reference="", by=fund_lead
        )
    application.refresh_from_db()

    context = client_for(fund_lead).get(application.get_absolute_url()).context
    assert context["total"] == selectors.budget_total(application) > 0
    assert [line.pk for line in context["lines"]] == [
        line.pk for line in application.budget_lines.all()
    ]
    assert context["ceiling"] == selectors.ceiling_for(application) == call.max_single
    assert context["paid"] == selectors.paid_total(application) == Decimal("75.50")
    paid_step = next(step for step in context["journey"] if step.when == date(2026, 11, 1))
    assert selectors.first_payment_date(application) == paid_step.when
    expected = selectors.weighted_scores([application.pk], call)[application.pk]["average"]
    assert context["average"] == expected == Decimal("3.00")
    # The applicant's page: no scores, the same sums.
    mine = client_for(org_admin).get(application.get_absolute_url()).context
    assert "average" not in mine and mine["paid"] == Decimal("75.50")
