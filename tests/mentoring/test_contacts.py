import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ikmo.models import AuditEntry
from mentoring import selectors, services
from mentoring.models import CooperationContact, CooperationStatusChange
from organisations.models import District, Organisation
from tests.factories import OrganisationFactory

from .conftest import PERSONAS
from .factories import CooperationContactFactory, PartnerFactory, field

pytestmark = pytest.mark.django_db

S = CooperationContact.Status


@pytest.fixture
def partner():
    return PartnerFactory(name="Bezirksamt Neukölln Jugendamt")


@pytest.fixture
def contact(org, partner):
    return CooperationContactFactory(organisation=org, partner=partner)


def test_creating_a_contact_starts_its_history_and_audit_trail(
    client_for, consultant, org, partner
):
    response = client_for(consultant).post(
        reverse("mentoring:contact_create"),
        {
            "organisation": org.pk,
            "partner": partner.pk,
            "field_of_work": field("health").pk,
            "contact_person": "Herr Muster, Gesundheitsamt",
            "contact_date": "2026-02-10",
            "outcome": "Termin vereinbart",
        },
    )
    contact = CooperationContact.objects.get()
    assert response.status_code == 302 and response.url == contact.get_absolute_url()
    assert contact.status == S.CONTACT_MADE and contact.created_by == consultant
    assert list(contact.history.values_list("from_status", "to_status")) == [("", S.CONTACT_MADE)]
    assert AuditEntry.objects.filter(action="mentoring.contact.created", organisation=org).exists()


def test_a_partner_must_be_an_administration_or_service(client_for, consultant, org, other_org):
    response = client_for(consultant).post(
        reverse("mentoring:contact_create"),
        {
            "organisation": org.pk,
            "partner": other_org.pk,  # another MO, not a partner
            "field_of_work": field().pk,
            "contact_date": "2026-02-10",
            "contact_person": "kept text",
        },
    )
    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert b"kept text" in response.content  # nothing typed is lost
    assert not CooperationContact.objects.exists()


def test_a_future_contact_date_is_refused(client_for, consultant, org, partner):
    future = datetime.date.today() + datetime.timedelta(days=3)
    response = client_for(consultant).post(
        reverse("mentoring:contact_create"),
        {
            "organisation": org.pk,
            "partner": partner.pk,
            "field_of_work": field().pk,
            "contact_date": future.isoformat(),
        },
    )
    assert "contact_date" in response.context["form"].errors


def test_status_moves_forward_and_keeps_its_history(contact, consultant):
    services.contact_change_status(contact=contact, to_status=S.MEETING_HELD, by=consultant)
    services.contact_change_status(
        contact=contact, to_status=S.JOINT_INITIATIVE, by=consultant, note="Elternabend geplant"
    )
    contact.refresh_from_db()
    assert contact.status == S.JOINT_INITIATIVE
    steps = list(
        CooperationStatusChange.objects.filter(contact=contact)
        .order_by("pk")
        .values_list("from_status", "to_status", "note")
    )
    assert steps == [
        (S.CONTACT_MADE, S.MEETING_HELD, ""),
        (S.MEETING_HELD, S.JOINT_INITIATIVE, "Elternabend geplant"),
    ]


def test_status_cannot_go_backwards_or_leave_ended(contact, consultant):
    services.contact_change_status(contact=contact, to_status=S.ONGOING, by=consultant)
    with pytest.raises(ValidationError):
        services.contact_change_status(contact=contact, to_status=S.MEETING_HELD, by=consultant)
    services.contact_change_status(contact=contact, to_status=S.ENDED, by=consultant)
    with pytest.raises(ValidationError):
        services.contact_change_status(contact=contact, to_status=S.ONGOING, by=consultant)


def test_status_view_refuses_a_status_not_offered(client_for, consultant, contact):
    client = client_for(consultant)
    client.post(reverse("mentoring:contact_status", args=[contact.pk]), {"status": S.ENDED})
    response = client.post(
        reverse("mentoring:contact_status", args=[contact.pk]), {"status": S.ONGOING}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == S.ENDED


def test_edit_keeps_status_and_records_changes(client_for, consultant, contact):
    response = client_for(consultant).post(
        reverse("mentoring:contact_edit", args=[contact.pk]),
        {
            "organisation": contact.organisation_id,
            "partner": contact.partner_id,
            "field_of_work": contact.field_of_work_id,
            "contact_person": "Frau Neu",
            "contact_date": "2026-03-02",
            "outcome": "Kooperationsvertrag",
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.contact_person == "Frau Neu" and contact.status == S.CONTACT_MADE
    entry = AuditEntry.objects.get(action="mentoring.contact.updated")
    assert "contact_person" in entry.changes


def test_only_the_lead_may_delete(client_for, consultant, project_lead, contact):
    url = reverse("mentoring:contact_delete", args=[contact.pk])
    assert client_for(consultant).post(url).status_code == 403
    assert client_for(project_lead).post(url).status_code == 302
    assert not CooperationContact.objects.exists()


@pytest.mark.parametrize("name", PERSONAS)
def test_contacts_are_staff_only(client, persona, name, contact):
    user = persona(name)
    if user:
        client.force_login(user)
    urls = [
        reverse("mentoring:contact_list"),
        reverse("mentoring:contact_create"),
        reverse("mentoring:contact_detail", args=[contact.pk]),
        reverse("mentoring:contact_edit", args=[contact.pk]),
        reverse("mentoring:partner_search"),
    ]
    allowed = name in ("consultant", "project_lead", "portal_admin")
    for url in urls:
        response = client.get(url)
        if name == "anonymous":
            assert response.status_code == 302 and "login" in response.url
        else:
            assert response.status_code == (200 if allowed else 404), url
    if not allowed:
        status = client.post(
            reverse("mentoring:contact_status", args=[contact.pk]), {"status": S.ENDED}
        ).status_code
        assert status in (302, 404)
        contact.refresh_from_db()
        assert contact.status == S.CONTACT_MADE


def test_partner_search_finds_partners_by_district_and_field_with_their_mos(consultant):
    neukoelln, mitte = District.objects.get(slug="neukolln"), District.objects.get(slug="mitte")
    education, health = field("education"), field("health")
    youth_office = PartnerFactory(name="Jugendamt Neukölln", district=neukoelln)
    youth_office.fields_of_work.add(education)
    health_service = PartnerFactory(
        name="Gesundheitsdienst Neukölln",
        district=neukoelln,
        kind=Organisation.Kind.SOCIAL_SERVICE,
    )
    health_service.fields_of_work.add(health)
    PartnerFactory(name="Schulamt Mitte", district=mitte).fields_of_work.add(education)
    mo_a, mo_b = OrganisationFactory(name="Verein A"), OrganisationFactory(name="Verein B")
    CooperationContactFactory(organisation=mo_a, partner=youth_office, field_of_work=education)
    CooperationContactFactory(organisation=mo_a, partner=youth_office, field_of_work=education)
    CooperationContactFactory(organisation=mo_b, partner=health_service, field_of_work=education)

    partners = list(selectors.partner_search(district=neukoelln, field=education))
    # The health service matches education through its cooperation, not its profile.
    assert [p.name for p in partners] == ["Gesundheitsdienst Neukölln", "Jugendamt Neukölln"]
    assert {c.organisation.name for c in partners[1].cooperations} == {"Verein A"}

    response = client_for_view(consultant, neukoelln, education)
    cards = {p.name: [c.organisation.name for c in p.cooperating] for p in response}
    assert cards["Jugendamt Neukölln"] == ["Verein A"]  # one row per MO


def client_for_view(user, district, field_):
    from django.test import Client

    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("mentoring:partner_search"), {"district": district.pk, "field": field_.pk}
    )
    assert response.status_code == 200
    return response.context["partners"]


def _partner_rows(n):
    district = District.objects.get(slug="neukolln")
    for _i in range(n):
        partner = PartnerFactory(district=district)
        partner.fields_of_work.add(field())
        for _ in range(2):
            CooperationContactFactory(partner=partner)


def test_partner_search_and_contact_list_queries_do_not_grow(client_for, consultant):
    client = client_for(consultant)
    district = District.objects.get(slug="neukolln")
    params = {"district": district.pk, "field": field().pk}

    def count(url, data=None):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, data or {}).status_code == 200
        return len(ctx)

    _partner_rows(2)
    few_search = count(reverse("mentoring:partner_search"), params)
    few_list = count(reverse("mentoring:contact_list"))
    _partner_rows(8)
    assert count(reverse("mentoring:partner_search"), params) == few_search
    assert count(reverse("mentoring:contact_list")) == few_list


def test_partner_search_is_paged_and_keeps_the_filters(client_for, consultant):
    from mentoring.views import PARTNERS_PER_PAGE

    district = District.objects.get(slug="neukolln")
    for _i in range(PARTNERS_PER_PAGE + 1):
        partner = PartnerFactory(district=district)
        partner.fields_of_work.add(field())
    client = client_for(consultant)
    params = {"district": district.pk, "field": field().pk}
    first = client.get(reverse("mentoring:partner_search"), params).content.decode()
    assert first.count("<article") == PARTNERS_PER_PAGE
    assert f"{PARTNERS_PER_PAGE + 1} Partner" in first
    assert f"district={district.pk}&amp;field={field().pk}&amp;page=2" in first
    second = client.get(reverse("mentoring:partner_search"), {**params, "page": 2})
    assert second.content.decode().count("<article") == 1
