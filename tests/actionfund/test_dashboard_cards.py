"""The action fund's cards on the overview page for its staff and its jurors: what waits for
them, counted as the lists count it, each a link to that list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actionfund import services
from actionfund.dashboard import JURY_ON_CARD, _jury_card, _staff_card
from actionfund.models import Application, Status
from tests import factories

from .factories import in_review, paid, submitted

pytestmark = pytest.mark.django_db


def _organisation(name):
    organisation = factories.OrganisationFactory(name=name)
    return organisation, factories.member_of(organisation, role="admin")


def _listed(client, url) -> set[int]:
    """The applications the list shows behind a card's link (its first page)."""
    response = client.get(url)
    assert response.status_code == 200
    return {a.pk for a in response.context["page"]}


def test_the_staff_card_counts_each_stage_and_links_to_exactly_those_applications(
    client_for, call, fund_lead, django_assert_num_queries
):
    waiting, admin = _organisation("Wartet e.V.")
    first = submitted(organisation=waiting, by=admin, call=call, title="Sprachcafé")
    reviewed_org, reviewed_admin = _organisation("Geprüft e.V.")
    reviewed = in_review(organisation=reviewed_org, by=reviewed_admin, lead=fund_lead, call=call)
    late_org, late_admin = _organisation("Spät e.V.")
    late = paid(organisation=late_org, by=late_admin, lead=fund_lead, call=call)
    yesterday = timezone.localdate() - timedelta(days=1)
    Application.objects.filter(pk=late.pk).update(proof_due_date=yesterday)
    on_time_org, on_time_admin = _organisation("Pünktlich e.V.")
    on_time = paid(organisation=on_time_org, by=on_time_admin, lead=fund_lead, call=call)
    Application.objects.filter(pk=on_time.pk).update(proof_due_date=timezone.localdate())

    _staff_card(fund_lead)  # the person's staff roles are read once per request
    with django_assert_num_queries(1):
        card = _staff_card(fund_lead)
    links = {link.url: link for link in card.links}
    client = client_for(fund_lead)
    expected = {
        f"{reverse('actionfund:application_list')}?status={Status.SUBMITTED}": {first.pk},
        f"{reverse('actionfund:application_list')}?status={Status.IN_REVIEW}": {reviewed.pk},
        f"{reverse('actionfund:application_list')}?proof=overdue": {late.pk},
    }
    assert set(links) == set(expected)  # no line for a stage without applications
    for url, pks in expected.items():
        assert _listed(client, url) == pks
        assert links[url].label.startswith("1 ")
    overdue = links[f"{reverse('actionfund:application_list')}?proof=overdue"]
    assert overdue.warning

    html = client.get(reverse("home")).content.decode()
    assert "1 Antrag eingereicht, zu prüfen" in html
    assert "1 Verwendungsnachweis überfällig" in html


def test_the_staff_card_of_a_quiet_fund_says_nothing_waits(client_for, fund_lead):
    card = _staff_card(fund_lead)
    assert card.links == []
    html = client_for(fund_lead).get(reverse("home")).content.decode()
    assert "Kein Antrag wartet auf das Team." in html


def test_a_jurors_card_counts_what_is_left_to_score_and_links_to_the_scoring(
    client_for, call, fund_lead, jury_member, django_assert_num_queries
):
    assigned = []
    for i in range(JURY_ON_CARD + 2):
        organisation, admin = _organisation(f"Verein {i} e.V.")
        application = in_review(
            organisation=organisation, by=admin, lead=fund_lead, call=call, title=f"Projekt {i}"
        )
        services.jury_assign(application=application, jurors=[jury_member], by=fund_lead)
        assigned.append(application)
    done, half = assigned[0], assigned[1]
    criteria = list(call.criteria.order_by("position"))
    services.scores_save(
        application=done, juror=jury_member, values={c.pk: (4, "") for c in criteria}
    )
    services.scores_save(application=half, juror=jury_member, values={criteria[0].pk: (3, "")})

    _jury_card(jury_member)
    with django_assert_num_queries(1):
        card = _jury_card(jury_member)
    assert card.count == JURY_ON_CARD + 1  # every one still to score, not the five it lists
    assert len(card.links) == JURY_ON_CARD
    urls = [link.url for link in card.links]
    assert reverse("actionfund:application_score", args=[done.pk]) not in urls
    half_link = card.links[urls.index(reverse("actionfund:application_score", args=[half.pk]))]
    assert half_link.detail.startswith("1 von 2 Kriterien bewertet")

    client = client_for(jury_member)
    html = client.get(reverse("home")).content.decode()
    assert "Anträge zu bewerten" in html and "1 von 2 Kriterien bewertet" in html
    assert f"{reverse('actionfund:jury_list')}?state=todo" in html
    listed = client.get(f"{reverse('actionfund:jury_list')}?state=todo").context["page"]
    assert listed.paginator.count == card.count


def test_a_juror_with_nothing_left_sees_that_and_an_organisation_sees_no_staff_card(
    client_for, org_admin, jury_member
):
    assert _jury_card(jury_member).links == []
    html = client_for(jury_member).get(reverse("home")).content.decode()
    assert "Sie haben alle Ihnen zugewiesenen Anträge bewertet." in html
    member_html = client_for(org_admin).get(reverse("home")).content.decode()
    assert "Anträge zu bewerten" not in member_html
    assert "Anträge, die auf das Team warten" not in member_html


def test_the_staff_cards_counts_are_grouped_as_the_language_writes_them(
    client_for, call, fund_lead
):
    """1001 is written "1.001" in German and "1,001" in English, the plural still chosen by
    the number (as the card's headline figures and the lists' totals)."""
    waiting, admin = _organisation("Viele e.V.")
    first = submitted(organisation=waiting, by=admin, call=call, title="Sprachcafé")
    copies = []
    for _ in range(1000):
        copy = Application.objects.get(pk=first.pk)
        copy.pk = None
        copies.append(copy)
    Application.objects.bulk_create(copies)
    client = client_for(fund_lead)
    german = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "1.001 Anträge eingereicht, zu prüfen" in german
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,001 applications submitted, to be checked" in english
