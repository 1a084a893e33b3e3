"""Project leads keep calls and their criteria in the portal."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from actionfund import services
from actionfund.models import Call

from .factories import in_review

pytestmark = pytest.mark.django_db


def call_data(**overrides):
    data = {
        "year": "2027",
        "title_de": "Kaleidoskop 2027",
        "description_de": "Kleine Projekte im Kiez.",
        "opens_at": "2027-02-01T09:00",
        "closes_at": "2027-03-31T23:59",
        "total_budget": "20000.00",
        "max_single": "1500.00",
        "max_cooperation": "3000.00",
        "allowed_legal_forms": ["ev", "in_founding"],
        "workshop_rule": "bonus",
        "workshop_bonus": "0.50",
        "max_score": "5",
        "proof_of_use_weeks": "8",
        "decision_approved_template": "Gefördert: {{ project }}",
        "decision_rejected_template": "Leider nicht: {{ project }}",
        "is_published": "on",
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-title_de": "Teilhabe",
        "criteria-0-description_de": "",
        "criteria-0-weight": "2.00",
        "criteria-0-position": "1",
        "criteria-1-title_de": "",
        "criteria-1-weight": "1.00",
        "criteria-1-position": "0",
    }
    data.update(overrides)
    return data


def test_a_fund_lead_creates_a_call_with_criteria(client_for, fund_lead):
    response = client_for(fund_lead).post(reverse("actionfund:call_create"), call_data())
    call = Call.objects.get()
    assert response.url == call.get_absolute_url()
    assert call.allowed_legal_forms == ["ev", "in_founding"]
    assert [(c.title, c.weight) for c in call.criteria.all()] == [("Teilhabe", Decimal("2.00"))]
    assert timezone.localtime(call.opens_at).hour == 9  # typed in Berlin time


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"closes_at": "2027-01-01T00:00"}, "muss nach dem Beginn enden"),
        ({"max_cooperation": "1000.00"}, "Höchstbeträge müssen zusammenpassen"),
        ({"decision_approved_template": "{% if %}"}, "Nachrichtenvorlage enthält einen Fehler"),
    ],
)
def test_bad_calls_get_clear_messages_and_keep_the_input(client_for, fund_lead, overrides, message):
    response = client_for(fund_lead).post(reverse("actionfund:call_create"), call_data(**overrides))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Kaleidoskop 2027" in page
    assert not Call.objects.exists()


@pytest.mark.parametrize("person", ["consultant", "jury_member", "org_admin", "other_lead"])
def test_only_fund_leads_keep_calls(client_for, request, person, call):
    client = client_for(request.getfixturevalue(person))
    assert client.get(reverse("actionfund:call_create")).status_code == 403
    assert (
        client.post(reverse("actionfund:call_edit", args=[call.pk]), call_data()).status_code == 403
    )
    call.refresh_from_db()
    assert call.title != "Kaleidoskop 2027"


def test_scored_criteria_cannot_be_removed(
    client_for, call, org, org_admin, fund_lead, jury_member
):
    application = in_review(organisation=org, by=org_admin, lead=fund_lead, call=call)
    services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
    scored, other = call.criteria.all()
    services.scores_save(application=application, juror=jury_member, values={scored.pk: (3, "")})
    data = call_data(
        **{
            "criteria-TOTAL_FORMS": "2",
            "criteria-INITIAL_FORMS": "2",
            "criteria-0-id": str(scored.pk),
            "criteria-0-title_de": scored.title,
            "criteria-0-weight": "2.00",
            "criteria-0-position": "1",
            "criteria-0-DELETE": "on",
            "criteria-1-id": str(other.pk),
            "criteria-1-title_de": other.title,
            "criteria-1-weight": "1.00",
            "criteria-1-position": "2",
        }
    )
    response = client_for(fund_lead).post(reverse("actionfund:call_edit", args=[call.pk]), data)
    assert response.status_code == 200
    assert "bereits bewertet" in response.content.decode()
    assert call.criteria.count() == 2
