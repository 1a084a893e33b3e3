"""The public directory and competence map: consent, chosen fields, search, contact requests."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ikmo.models import AuditEntry, OutboundEmail
from organisations import services
from organisations.models import (
    ContactRequest,
    FieldOfWork,
    Organisation,
    PublicProfile,
    SpokenLanguage,
)
from organisations.services import PublicListingChoice
from privacy.models import ConsentRecord
from tests import factories


@pytest.fixture(autouse=True)
def _english(client):
    """The pages' texts are asserted in English (the catalogues' source language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


pytestmark = pytest.mark.django_db

SECRET_OFFER = "Geheimes Angebot Nähcafé"
SECRET_MAIL = "privat-kontakt@verein.example"


def _choice(**values):
    return PublicListingChoice(**values)


@pytest.fixture
def listed_org(org, org_admin):
    org.fields_of_work.set([FieldOfWork.objects.get(slug="education")])
    services.public_profile_save(
        organisation=org,
        choice=_choice(
            show_district=True,
            show_fields_of_work=True,
            show_offer=True,
            offer="Hausaufgabenhilfe für Kinder",
        ),
        agreed=True,
        by=org_admin,
    )
    return org


def _listed_names(client, **query):
    response = client.get(reverse("organisations:public_directory"), query)
    assert response.status_code == 200
    return [o.name for o in response.context["page"]]


def _map_count(client, district) -> int:
    districts = client.get(reverse("organisations:public_map")).context["districts"]
    return next(d.listed for d in districts if d.pk == district.pk)


# --- consent -------------------------------------------------------------------------------


def test_consent_is_recorded_with_who_when_and_text_version(org, org_admin):
    profile = services.public_profile_save(
        organisation=org, choice=_choice(show_district=True), agreed=True, by=org_admin
    )
    consent = profile.consent
    assert consent.purpose == ConsentRecord.Purpose.PUBLIC_LISTING
    assert consent.person == org_admin
    assert consent.organisation == org
    assert consent.text_version == services.PUBLIC_LISTING_TEXT_VERSION
    assert consent.given_at is not None and consent.withdrawn_at is None
    assert AuditEntry.objects.filter(action="privacy.consent.given").count() == 1


def test_without_consent_nothing_is_saved_and_the_organisation_is_not_listed(
    client, org, org_admin
):
    with pytest.raises(ValidationError) as error:
        services.public_profile_save(
            organisation=org, choice=_choice(show_district=True), agreed=False, by=org_admin
        )
    assert "agreed" in error.value.message_dict
    assert not ConsentRecord.objects.exists()
    assert org.name not in _listed_names(client)


def test_saving_again_records_no_second_consent(listed_org, org_admin):
    services.public_profile_save(
        organisation=listed_org, choice=_choice(show_languages=True), agreed=False, by=org_admin
    )
    assert ConsentRecord.objects.count() == 1
    assert PublicProfile.objects.get().show_languages


def test_withdrawal_unlists_at_once_and_a_new_consent_lists_again(client, listed_org, org_admin):
    assert _listed_names(client) == [listed_org.name]
    detail = reverse("organisations:public_detail", args=[listed_org.pk])
    assert client.get(detail).status_code == 200

    services.public_listing_withdraw(organisation=listed_org, by=org_admin)

    assert _listed_names(client) == []
    assert client.get(detail).status_code == 404
    consent = ConsentRecord.objects.get()
    assert consent.withdrawn_at is not None and consent.withdrawn_by == org_admin
    assert _map_count(client, listed_org.district) == 0

    services.public_profile_save(
        organisation=listed_org, choice=_choice(), agreed=True, by=org_admin
    )
    assert ConsentRecord.objects.count() == 2
    assert _listed_names(client) == [listed_org.name]


def test_withdrawing_through_the_page(client_for, listed_org, org_admin):
    client = client_for(org_admin)
    response = client.post(
        reverse("organisations:public_listing_withdraw", args=[listed_org.pk]), follow=True
    )
    assert "no longer listed" in response.content.decode()
    assert ConsentRecord.objects.get().withdrawn_at is not None
    client.logout()
    assert _listed_names(client) == []


def test_only_approved_organisations_can_be_listed(pending_org):
    admin = pending_org.memberships.get().user
    with pytest.raises(ValidationError):
        services.public_profile_save(
            organisation=pending_org, choice=_choice(), agreed=True, by=admin
        )


@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REJECTED])
def test_an_organisation_no_longer_approved_answers_404(client, listed_org, status):
    Organisation.objects.filter(pk=listed_org.pk).update(status=status)
    url = reverse("organisations:public_detail", args=[listed_org.pk])
    assert client.get(url).status_code == 404
    assert _listed_names(client) == []


def test_an_organisation_that_never_agreed_answers_404(client, other_org):
    PublicProfile.objects.create(organisation=other_org, show_district=True)
    assert (
        client.get(reverse("organisations:public_detail", args=[other_org.pk])).status_code == 404
    )
    assert client.get("/organisations/public/99999999999999999999/").status_code == 404


def test_the_page_form_asks_for_consent_and_keeps_the_choices(client_for, org, org_admin):
    client = client_for(org_admin)
    url = reverse("organisations:public_profile", args=[org.pk])
    data = {"show_offer": "on", "offer": "Sprachcafé am Dienstag", "show_district": "on"}
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please tick the box to agree to the public listing." in page
    assert "Sprachcafé am Dienstag" in page
    assert not ConsentRecord.objects.exists()

    response = client.post(url, {**data, "agreed": "on"})
    assert response.status_code == 302
    assert ConsentRecord.objects.filter(person=org_admin).count() == 1
    assert PublicProfile.objects.get(organisation=org).offer == "Sprachcafé am Dienstag"


def test_members_and_other_organisations_cannot_change_the_listing(client_for, org, org_member):
    url = reverse("organisations:public_profile", args=[org.pk])
    assert client_for(org_member).get(url).status_code == 403
    response = client_for(org_member).post(url, {"agreed": "on"})
    assert response.status_code == 403
    assert not ConsentRecord.objects.exists()


# --- only what was chosen ------------------------------------------------------------------


def test_a_field_not_chosen_never_appears_in_the_html(client, org, org_admin):
    org.languages.set([SpokenLanguage.objects.get(slug="ar")])
    services.public_profile_save(
        organisation=org,
        choice=_choice(
            show_district=False,
            show_offer=False,
            offer=SECRET_OFFER,
            show_contact=False,
            contact_email=SECRET_MAIL,
            contact_phone="030 1234567",
        ),
        agreed=True,
        by=org_admin,
    )
    for url in (
        reverse("organisations:public_detail", args=[org.pk]),
        reverse("organisations:public_directory"),
    ):
        page = client.get(url).content.decode()
        # The directory's filter offers every district and language: look at the results.
        page = page.split('<ul class="list-group', 1)[-1]
        assert org.name in page
        secrets = (SECRET_OFFER, SECRET_MAIL, "030 1234567", org.district.name, org.email, "Arab")
        for secret in secrets:
            assert secret not in page, (url, secret)
        # Never any person: the admin who agreed stays unnamed.
        assert org_admin.email not in page


def test_chosen_fields_appear(client, org, org_admin):
    services.public_profile_save(
        organisation=org,
        choice=_choice(
            show_district=True,
            show_offer=True,
            offer=SECRET_OFFER,
            show_contact=True,
            contact_email=SECRET_MAIL,
        ),
        agreed=True,
        by=org_admin,
    )
    page = client.get(reverse("organisations:public_detail", args=[org.pk])).content.decode()
    for shown in (SECRET_OFFER, SECRET_MAIL, org.district.name):
        assert shown in page
    assert org_admin.email not in page
    assert '<meta name="description"' in page and org.name in page


def test_filters_do_not_reveal_a_district_that_is_not_shown(client, org, org_admin):
    services.public_profile_save(
        organisation=org, choice=_choice(show_district=False), agreed=True, by=org_admin
    )
    assert _listed_names(client, district=org.district.slug) == []
    assert _map_count(client, org.district) == 0


# --- search, filters and the map -----------------------------------------------------------


def test_search_by_name_and_offer_and_filters(client, listed_org, other_org, other_org_admin):
    other_org.district = factories.district("Pankow")
    other_org.save()
    other_org.languages.set([SpokenLanguage.objects.get(slug="tr")])
    services.public_profile_save(
        organisation=other_org,
        choice=_choice(show_district=True, show_languages=True, show_offer=False, offer="Tanz"),
        agreed=True,
        by=other_org_admin,
    )
    assert _listed_names(client) == sorted([listed_org.name, other_org.name])
    assert _listed_names(client, q="bruecke") == [listed_org.name]  # "Brückenbau", no umlaut
    assert _listed_names(client, q="hausaufgaben") == [listed_org.name]
    assert _listed_names(client, q="Tanz") == []  # an offer not shown is not searched
    assert _listed_names(client, district="pankow") == [other_org.name]
    assert _listed_names(client, field="education") == [listed_org.name]
    assert _listed_names(client, language="tr") == [other_org.name]


@pytest.mark.parametrize(
    "query",
    [
        {"district": "atlantis"},
        {"field": "\x00"},
        {"q": "x" * 5000},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"language": "' OR 1=1 --"},
    ],
)
def test_bad_input_never_breaks_the_directory(client, listed_org, query):
    assert client.get(reverse("organisations:public_directory"), query).status_code == 200


def test_the_map_counts_listed_organisations_per_district_and_links_to_the_directory(
    client, listed_org, other_org, other_org_admin
):
    other_org.district = listed_org.district
    other_org.save()
    services.public_profile_save(
        organisation=other_org, choice=_choice(show_district=True), agreed=True, by=other_org_admin
    )
    factories.OrganisationFactory(district=listed_org.district)  # not listed
    response = client.get(reverse("organisations:public_map"))
    districts = {d.slug: d.listed for d in response.context["districts"]}
    assert len(districts) == 12
    assert districts[listed_org.district.slug] == 2
    assert sum(districts.values()) == 2
    page = response.content.decode()
    link = f"/organisations/public/?district={listed_org.district.slug}"
    assert page.count(link) == 2  # the hexagon and the table row
    assert "<table" in page and "<svg" in page
    assert len(response.context["cells"]) == 12


def test_the_map_renders_numbers_with_dots_in_german(client, listed_org):
    client.cookies["django_language"] = "de"
    page = client.get(reverse("organisations:public_map"), HTTP_ACCEPT_LANGUAGE="de").content
    assert b'points="' in page
    assert b"," not in page.split(b'viewBox="')[1].split(b'"')[0]


# --- contact requests ----------------------------------------------------------------------


@pytest.fixture
def asker(other_org, other_org_admin):
    return other_org_admin


def _ask(organisation, asker, **kwargs):
    values = {
        "organisation": organisation,
        "from_organisation": asker.memberships.get().organisation,
        "by": asker,
        "message": "Wollen wir zusammen ein Sommerfest machen?",
        **kwargs,
    }
    return services.contact_request_send(**values)


def test_a_contact_request_mails_the_admins_once_without_revealing_the_asker(
    listed_org, org_admin, org_member, asker, other_org
):
    _ask(listed_org, asker, form_token="abc")
    _ask(listed_org, asker, form_token="abc")  # a double click
    assert ContactRequest.objects.count() == 1
    mails = list(OutboundEmail.objects.all())
    assert [m.to for m in mails] == [org_admin.email]  # admins only, not the member
    assert other_org.name in mails[0].subject
    assert "Sommerfest" in mails[0].body
    assert asker.email not in mails[0].body
    assert "Reply-To" not in mails[0].headers


def test_the_askers_address_is_the_reply_to_only_if_they_agreed(listed_org, org_admin, asker):
    _ask(listed_org, asker, share_email=True)
    mail = OutboundEmail.objects.get()
    assert mail.headers["Reply-To"] == asker.email
    assert asker.email in mail.body


def test_the_daily_limit_is_kept_with_a_clear_message(listed_org, org_admin, asker):
    for i in range(services.CONTACT_REQUESTS_PER_DAY):
        _ask(listed_org, asker, message=f"Nachricht {i}")
    with pytest.raises(ValidationError) as error:
        _ask(listed_org, asker, message="Noch eine")
    assert "morgen wieder" in error.value.messages[0]  # German, the portal's first language
    assert ContactRequest.objects.count() == services.CONTACT_REQUESTS_PER_DAY


@pytest.mark.parametrize("message", ["", "   ", "\x00", "x" * 2001])
def test_bad_messages_are_refused(listed_org, asker, message):
    with pytest.raises(ValidationError):
        _ask(listed_org, asker, message=message)
    assert not ContactRequest.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_one_cannot_ask_for_another_organisation_or_for_ones_own(listed_org, org_admin, asker):
    with pytest.raises(ValidationError):
        _ask(listed_org, asker, from_organisation=listed_org)
    with pytest.raises(ValidationError):
        _ask(listed_org, org_admin, from_organisation=listed_org)
    assert not ContactRequest.objects.exists()


def test_an_unlisted_organisation_cannot_be_asked(client_for, org, org_admin, asker, other_org):
    with pytest.raises(ValidationError):
        _ask(org, asker)
    response = client_for(asker).post(
        reverse("organisations:public_contact", args=[org.pk]),
        {"from_organisation": other_org.pk, "message": "Hallo"},
    )
    assert response.status_code == 404
    assert not ContactRequest.objects.exists()


def test_asking_through_the_page(client_for, listed_org, org_admin, asker, other_org):
    client = client_for(asker)
    detail = reverse("organisations:public_detail", args=[listed_org.pk])
    assert "Ask for contact" in client.get(detail).content.decode()
    url = reverse("organisations:public_contact", args=[listed_org.pk])
    response = client.post(url, {"from_organisation": other_org.pk, "message": ""})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(
        url, {"from_organisation": other_org.pk, "message": "Hallo!", "token": "t1"}
    )
    assert response.status_code == 302
    assert ContactRequest.objects.get().requester == asker
    # The limit shows as a message on the form, what was typed kept.
    for i in range(services.CONTACT_REQUESTS_PER_DAY - 1):
        _ask(listed_org, asker, message=f"Nachricht {i}")
    response = client.post(url, {"from_organisation": other_org.pk, "message": "Zu viel"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "try again tomorrow" in page and "Zu viel" in page


@pytest.mark.parametrize("who", ["anonymous", "consultant", "org_member"])
def test_who_cannot_ask(client, persona, listed_org, who):
    """Anonymous visitors sign in first; staff and the organisation's own members see no form
    (the form is for members of another organisation)."""
    user = persona(who)
    if user:
        client.force_login(user)
    page = client.get(reverse("organisations:public_detail", args=[listed_org.pk]))
    assert "Send request" not in page.content.decode()
    response = client.post(
        reverse("organisations:public_contact", args=[listed_org.pk]), {"message": "Hallo"}
    )
    assert response.status_code in (302, 403)
    if who != "anonymous":
        assert response.status_code == 403
    assert not ContactRequest.objects.exists()


def test_the_contact_request_is_audited_for_staff(listed_org, asker):
    request = _ask(listed_org, asker)
    entry = AuditEntry.objects.get(action="organisations.contact_request.sent")
    assert entry.actor == asker and entry.object_id == str(request.pk)


def test_the_directory_and_home_link_each_other(client):
    page = client.get(reverse("home")).content.decode()
    assert reverse("organisations:public_directory") in page
    assert reverse("organisations:public_map") in page
