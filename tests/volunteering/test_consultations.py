from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from volunteering.models import Consultation, ServiceProfile, SiteStatus

from .factories import ConsultationFactory


@pytest.mark.django_db
class TestConsultationLog:
    def test_staff_log_a_consultation_and_the_organisation_counts_as_advised(
        self, client_for, desk_consultant, org
    ):
        held = date.today() - timedelta(days=1)
        response = client_for(desk_consultant).post(
            reverse("volunteering:consultation_new", args=[org.pk]),
            {
                "held_on": held.isoformat(),
                "format": "phone",
                "topic": "Einsatzstelle werden",
                "outcome": "Unterlagen besprochen",
                "next_step": "Antrag beim Träger",
                "follow_up_on": (held + timedelta(days=14)).isoformat(),
            },
        )
        assert response.status_code == 302
        consultation = Consultation.objects.get()
        assert (consultation.organisation, consultation.consultant) == (org, desk_consultant)
        assert consultation.next_step == "Antrag beim Träger"
        profile = ServiceProfile.objects.get(organisation=org)
        assert profile.status == SiteStatus.ADVISED
        assert list(profile.history.order_by("pk").values_list("to_status", flat=True)) == [
            "interested",
            "advised",
        ]

    def test_a_consultation_in_the_future_or_a_follow_up_before_it_is_refused(
        self, client_for, desk_consultant, org
    ):
        response = client_for(desk_consultant).post(
            reverse("volunteering:consultation_new", args=[org.pk]),
            {
                "held_on": (date.today() + timedelta(days=3)).isoformat(),
                "format": "phone",
                "topic": "Zu früh",
            },
        )
        assert response.status_code == 200
        assert "held_on" in response.context["form"].errors
        assert 'value="Zu früh"' in response.content.decode()
        response = client_for(desk_consultant).post(
            reverse("volunteering:consultation_new", args=[org.pk]),
            {
                "held_on": date.today().isoformat(),
                "format": "phone",
                "topic": "Rückwärts",
                "follow_up_on": (date.today() - timedelta(days=3)).isoformat(),
            },
        )
        assert "follow_up_on" in response.context["form"].errors
        assert not Consultation.objects.exists()

    def test_an_advised_organisation_keeps_its_status_on_later_consultations(
        self, desk_consultant, site
    ):
        from volunteering import services

        services.consultation_log(
            organisation=site,
            held_on=date.today(),
            topic="Kontingent",
            by=desk_consultant,
        )
        assert ServiceProfile.objects.get(organisation=site).status == SiteStatus.RECOGNISED

    def test_editing_keeps_an_audit_entry_of_what_changed(self, client_for, desk_consultant, org):
        from ikmo.models import AuditEntry

        consultation = ConsultationFactory(organisation=org, consultant=desk_consultant)
        response = client_for(desk_consultant).post(
            reverse("volunteering:consultation_edit", args=[consultation.pk]),
            {
                "held_on": consultation.held_on.isoformat(),
                "format": "in_person",
                "topic": consultation.topic,
                "next_step": "Neuer Schritt",
            },
        )
        assert response.status_code == 302
        consultation.refresh_from_db()
        assert consultation.next_step == "Neuer Schritt"
        entry = AuditEntry.objects.get(action="volunteering.consultation.updated")
        assert entry.changes["next_step"] == ["", "Neuer Schritt"]

    @pytest.mark.parametrize("persona", ["org_admin", "workshop_trainer", "jury_member"])
    def test_only_the_desk_reads_and_writes_consultations(self, request, client_for, org, persona):
        consultation = ConsultationFactory(organisation=org, outcome="Vertraulich")
        client = client_for(request.getfixturevalue(persona))
        assert client.get(reverse("volunteering:consultations")).status_code == 403
        assert (
            client.get(
                reverse("volunteering:consultation_edit", args=[consultation.pk])
            ).status_code
            == 404
        )
        page = client.get(reverse("volunteering:organisation", args=[org.pk]))
        assert b"Vertraulich" not in page.content

    def test_the_timeline_shows_members_the_topic_but_not_the_outcome(
        self, org_member, desk_consultant, org
    ):
        from organisations.timeline import timeline_for

        ConsultationFactory(
            organisation=org, topic="Einsatzstelle", outcome="intern", next_step="Geheim"
        )
        member_events = [
            e
            for e in timeline_for(organisation=org, user=org_member)
            if "Einsatzstelle" in str(e.title)
        ]
        staff_events = [
            e
            for e in timeline_for(organisation=org, user=desk_consultant)
            if "Einsatzstelle" in str(e.title)
        ]
        assert member_events and member_events[0].detail == ""
        assert staff_events[0].detail == "Geheim"


@pytest.mark.django_db
def test_the_consultation_service_keeps_the_date_rules(desk_consultant, org):
    from volunteering import services

    with pytest.raises(ValidationError) as caught:
        services.consultation_log(
            organisation=org,
            by=desk_consultant,
            held_on=date.today() + timedelta(days=1),
            topic="Zukunft",
        )
    assert "held_on" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.consultation_log(
            organisation=org,
            by=desk_consultant,
            held_on=date.today(),
            topic="Rückwärts",
            follow_up_on=date.today() - timedelta(days=1),
        )
    assert "follow_up_on" in caught.value.error_dict
    assert not Consultation.objects.exists()


@pytest.mark.django_db
def test_the_list_says_in_words_which_follow_up_is_overdue(client_for, desk_consultant, org):
    """Not by colour alone (WCAG 1.4.1): an overdue follow-up carries the word."""
    import re

    today = date.today()
    ConsultationFactory(
        organisation=org,
        topic="Verpasst",
        held_on=today - timedelta(days=30),
        follow_up_on=today - timedelta(days=1),
    )
    ConsultationFactory(
        organisation=org, topic="Heute", held_on=today - timedelta(days=2), follow_up_on=today
    )
    ConsultationFactory(organisation=org, topic="Ohne", held_on=today - timedelta(days=3))
    client = client_for(desk_consultant)
    html = client.get(reverse("volunteering:consultations"), HTTP_ACCEPT_LANGUAGE="de").content
    rows = {
        topic: row
        for row in re.findall(r"<tr>.*?</tr>", html.decode(), re.S)
        for topic in ("Verpasst", "Heute", "Ohne")
        if f">{topic}</a>" in row
    }
    assert set(rows) == {"Verpasst", "Heute", "Ohne"}
    assert "data-overdue>überfällig</span>" in rows["Verpasst"]
    assert "data-overdue" not in rows["Heute"]
    assert "data-overdue" not in rows["Ohne"]
