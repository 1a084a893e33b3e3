"""Choosers (ikmo/choosers.py): the search endpoint answers each person with exactly what the
form field accepts from them, and the fields render only what is chosen."""

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from devtools.factories import CoachingSessionFactory
from ikmo import choosers
from ikmo.choosers import ChooserField, ChooserFilter, MultipleChooserField
from mentoring.forms import EventForm
from organisations.models import Organisation, StaffRole
from qualification.forms import CoachingStartForm
from qualification.models import CoachingSession, Workshop
from tests import factories
from tests.conftest import enrol_mfa
from tests.qualification.factories import make_workshop

pytestmark = pytest.mark.django_db

COACHING = "coaching_organisations"


def choose(client, kind="organisations", **params):
    return client.get(reverse("choose", args=[kind]), params)


def names(response):
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def registry(org, other_org):
    """Approved organisations (org, other_org, Grüne Brücke), one pending, one rejected."""
    factories.OrganisationFactory(name="Grüne Brücke e.V.", district=factories.district("Mitte"))
    factories.OrganisationFactory(name="Warteschleife e.V.", status=Organisation.Status.PENDING)
    factories.OrganisationFactory(name="Abgelehnt e.V.", status=Organisation.Status.REJECTED)


# Who may search what ---------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, registry):
    response = choose(client, scope=COACHING, q="Br")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_may_not_search_the_coaching_organisations(client_for, org_admin, registry):
    assert choose(client_for(org_admin), scope=COACHING, q="e").status_code == 403


def test_a_member_never_gets_people_of_other_organisations(
    client_for, org_admin, other_org_admin, consultant
):
    client = client_for(org_admin)
    for scope in ("workshop_trainers", "mentoring_staff"):
        assert choose(client, "people", scope=scope, q="a").status_code == 403
    # The answer to a made-up or mistyped scope is the same for everyone: none such.
    assert choose(client, "people", scope="members", q="a").status_code == 404


def test_a_consultant_finds_approved_organisations_only(client_for, consultant, registry):
    response = choose(client_for(consultant), scope=COACHING)
    assert response.status_code == 200
    assert names(response) == [
        "Brückenbau Test e.V.",
        "Grüne Brücke e.V.",
        "Sonnenblume Test e.V.",
    ]
    assert response.json()["more"] is False


def test_answers_are_private_and_never_stored(client_for, consultant, registry):
    response = choose(client_for(consultant), scope=COACHING, q="Br")
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
    assert response["Content-Type"] == "application/json"


def test_a_scope_answers_only_under_its_own_kind(client_for, consultant, registry):
    client = client_for(consultant)
    assert choose(client, "people", scope=COACHING).status_code == 404
    assert choose(client, "workshops", scope=COACHING).status_code == 404
    assert choose(client, scope="").status_code == 404
    assert choose(client, "nothing", scope=COACHING).status_code == 404


def test_only_get_is_answered(client_for, consultant):
    response = client_for(consultant).post(
        reverse("choose", args=["organisations"]) + f"?scope={COACHING}"
    )
    assert response.status_code == 405


PERSONAS = ["anonymous", "member", "consultant", "project_lead", "jury_member", "portal_admin"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_scope_answers_each_persona_with_what_its_form_field_accepts(
    persona, request, client, registry
):
    """For every scope the portal declares: who may not use it gets a 403 (anonymous: the
    sign-in page), who may gets exactly the field's choices for them, never more."""
    user = (
        None
        if persona == "anonymous"
        else request.getfixturevalue("org_member" if persona == "member" else persona)
    )
    if user is not None:
        client.force_login(user)
    make_workshop(title="Entwurf", status=Workshop.Status.DRAFT)
    make_workshop(title="Veröffentlicht")
    for scope in choosers.scopes().values():
        response = choose(client, scope.kind.name, scope=scope.name)
        if user is None:
            assert response.status_code == 302, scope.name
            continue
        if not scope.allowed(user):
            assert response.status_code == 403, (scope.name, persona)
            continue
        assert response.status_code == 200, (scope.name, persona)
        field = ChooserField(scope.name)
        field.bind(user)
        accepted = {str(pk) for pk in field.queryset.values_list("pk", flat=True)}
        served = {row["value"] for row in response.json()["results"]}
        assert served <= accepted, (scope.name, persona)
        if len(accepted) <= choosers.PAGE_SIZE:
            assert served == accepted, (scope.name, persona)


def test_a_member_sees_published_workshops_only(client_for, org_member):
    make_workshop(title="Entwurf Haushalt", status=Workshop.Status.DRAFT)
    make_workshop(title="Haushalt planen")
    response = choose(client_for(org_member), "workshops", scope="workshops", q="Haushalt")
    assert names(response) == ["Haushalt planen"]


# Searching -------------------------------------------------------------------------------


def test_names_are_found_in_every_spelling(client_for, consultant, registry):
    client = client_for(consultant)
    for typed in ("brücke", "bruecke", "brucke", "GRÜNE brü"):
        assert "Grüne Brücke e.V." in names(choose(client, scope=COACHING, q=typed)), typed


def test_names_starting_with_the_search_come_first(client_for, consultant, registry):
    factories.OrganisationFactory(name="Alte Brücke e.V.")
    found = names(choose(client_for(consultant), scope=COACHING, q="Brü"))
    assert found[0] == "Brückenbau Test e.V."
    assert set(found) == {"Brückenbau Test e.V.", "Alte Brücke e.V.", "Grüne Brücke e.V."}


def test_staff_also_find_organisations_by_district_and_email(client_for, consultant, registry):
    client = client_for(consultant)
    assert names(choose(client, scope=COACHING, q="Mitte")) == ["Grüne Brücke e.V."]
    other = Organisation.objects.get(name="Sonnenblume Test e.V.")
    assert names(choose(client, scope=COACHING, q=other.email)) == ["Sonnenblume Test e.V."]


def test_each_result_says_what_and_where(client_for, consultant, registry):
    rows = choose(client_for(consultant), scope=COACHING, q="Grüne").json()["results"]
    grune = Organisation.objects.get(name="Grüne Brücke e.V.")
    with translation.override("de"):
        kind = str(Organisation.Kind.MIGRANT_ORGANISATION.label)
    assert rows == [
        {"value": str(grune.pk), "text": "Grüne Brücke e.V.", "detail": f"{kind} · Mitte"}
    ]


def test_people_are_found_by_name_and_staff_by_email_too(client_for, project_lead):
    trainer = factories.staff(
        StaffRole.Role.CONSULTANT, first_name="Ayşe", last_name="Kaya", email="trainerin@x.example"
    )
    client = client_for(project_lead)
    rows = choose(client, "people", scope="workshop_trainers", q="kaya").json()["results"]
    assert rows == [{"value": str(trainer.pk), "text": "Ayşe Kaya", "detail": trainer.email}]
    found = names(choose(client, "people", scope="workshop_trainers", q="trainerin@"))
    assert found == ["Ayşe Kaya"]


def test_pages_of_twenty_say_whether_more_follow(client_for, consultant):
    for number in range(45):
        factories.OrganisationFactory(name=f"Seite {number:02d} e.V.")
    client = client_for(consultant)
    first = choose(client, scope=COACHING, q="Seite").json()
    third = choose(client, scope=COACHING, q="Seite", page=3).json()
    assert len(first["results"]) == 20 and first["more"] is True
    assert [r["text"] for r in third["results"]] == [f"Seite {n} e.V." for n in range(40, 45)]
    assert third["more"] is False
    # Junk paging is the first page, never an error.
    for junk in ("0", "-1", "x", "9" * 30, "٣"):
        assert choose(client, scope=COACHING, q="Seite", page=junk).json() == first


def test_a_search_costs_the_same_queries_however_many_match(client_for, consultant):
    client = client_for(consultant)

    def queries():
        choose(client, scope=COACHING, q="Verein")  # the session, the roles: loaded once
        with CaptureQueriesContext(connection) as ctx:
            assert choose(client, scope=COACHING, q="Verein").status_code == 200
        return len(ctx)

    factories.OrganisationFactory(name="Verein 0")
    few = queries()
    for number in range(1, 40):
        factories.OrganisationFactory(name=f"Verein {number}")
    assert queries() == few


def test_exclude_only_narrows(client_for, consultant, org, other_org):
    client = client_for(consultant)
    answer = choose(client, scope=COACHING, exclude=f"{org.pk},abc,{'9' * 30}")
    assert names(answer) == ["Sonnenblume Test e.V."]


@pytest.mark.parametrize("query", ["\x00", "a" * 5000, "% _ \\", "' OR 1=1 --"])
def test_odd_searches_are_answered_calmly(client_for, consultant, registry, query):
    assert choose(client_for(consultant), scope=COACHING, q=query).status_code == 200


# The fields ------------------------------------------------------------------------------


def test_a_forged_organisation_is_a_form_error_in_the_users_language(consultant, registry):
    pending = Organisation.objects.get(status=Organisation.Status.PENDING)
    for value in (pending.pk, "99999999999999999999", "abc", "-1"):
        with translation.override("de"):
            form = CoachingStartForm({"organisation": value}, user=consultant)
            assert not form.is_valid()
            assert form.errors["organisation"] == [
                "Bitte eine gültige Auswahl treffen. Dies ist keine gültige Auswahl."
            ]


def test_a_forged_choice_among_several_is_a_form_error_too(project_lead, org, registry):
    rejected = Organisation.objects.get(status=Organisation.Status.REJECTED)
    for value in ([org.pk, rejected.pk], ["99999999999999999999"], ["x"]):
        form = EventForm({"invited_organisations": value}, user=project_lead)
        form.is_valid()
        assert "invited_organisations" in form.errors, value


def test_the_coaching_log_posts_a_forged_organisation_back_with_a_message(
    client_for, consultant, registry
):
    rejected = Organisation.objects.get(status=Organisation.Status.REJECTED)
    client = client_for(consultant)
    response = client.get(reverse("qualification:coaching_start"), {"organisation": rejected.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("qualification:coaching")
    page = client.get(response["Location"])
    assert "Bitte wählen Sie eine Organisation." in page.content.decode()


def test_a_field_nobody_bound_accepts_nothing(org):
    field = ChooserField(COACHING)
    with pytest.raises(Exception, match="gültige Auswahl"):
        field.clean(org.pk)


def test_the_page_holds_only_the_chosen_organisation(consultant, registry, org):
    html = CoachingStartForm({"organisation": org.pk}, user=consultant)["organisation"].as_widget()
    assert html.count("<option") == 2  # "Please choose" and the chosen one
    assert f'<option value="{org.pk}" selected>Brückenbau Test e.V.</option>' in html
    assert 'data-chooser-url="/choose/organisations/?scope=coaching_organisations"' in html
    unbound = CoachingStartForm(user=consultant)["organisation"].as_widget()
    assert unbound.count("<option") == 1


def test_the_words_of_the_chooser_are_in_the_page_language(consultant):
    with translation.override("de"):
        html = CoachingStartForm(user=consultant)["organisation"].as_widget()
    assert 'data-chooser-searching="Suche …"' in html
    assert 'data-placeholder="Zum Suchen tippen …"' in html


def test_rendering_a_chosen_option_costs_one_query(consultant, registry, org):
    form = CoachingStartForm({"organisation": org.pk}, user=consultant)
    assert form.is_valid()
    with CaptureQueriesContext(connection) as ctx:
        form["organisation"].as_widget()
    assert len(ctx) == 1
    with CaptureQueriesContext(connection) as ctx:
        CoachingStartForm(user=consultant)["organisation"].as_widget()
    assert len(ctx) == 0


def test_an_excluded_record_is_left_out_of_form_and_search(consultant, org, other_org):
    field = ChooserField(COACHING)
    field.bind(consultant)
    field.exclude(org.pk)
    assert list(field.queryset) == [other_org]
    assert field.widget.url().endswith(f"scope={COACHING}&exclude={org.pk}")
    # The declared field is untouched by a form's copy.
    assert ChooserField(COACHING).widget.url().endswith(f"scope={COACHING}")


def test_choosers_work_as_filters_for_the_person_asking(rf, consultant, registry, org):
    class ByOrganisation(django_filters.FilterSet):
        organisation = ChooserFilter(scope=COACHING)

        class Meta:
            model = CoachingSession
            fields = ["organisation"]

    logged = CoachingSessionFactory(organisation=org, consultant=consultant)
    CoachingSessionFactory(organisation=Organisation.objects.get(name="Sonnenblume Test e.V."))
    request = rf.get("/")
    request.user = consultant
    sessions = CoachingSession.objects.all()
    chosen = ByOrganisation({"organisation": org.pk}, sessions, request=request)
    assert list(chosen.qs) == [logged]
    assert isinstance(chosen.form.fields["organisation"], ChooserField)
    pending = Organisation.objects.get(status=Organisation.Status.PENDING)
    forged = ByOrganisation({"organisation": pending.pk}, sessions, request=request)
    assert not forged.is_valid()
    # Without a request (no person) a chooser filter accepts nothing.
    assert not ByOrganisation({"organisation": org.pk}, sessions).is_valid()


def test_multiple_chooser_renders_all_chosen(project_lead, org, other_org):
    form = EventForm({"invited_organisations": [org.pk, other_org.pk]}, user=project_lead)
    html = form["invited_organisations"].as_widget()
    assert "multiple" in html and html.count("<option") == 2
    assert isinstance(form.fields["invited_organisations"], MultipleChooserField)


# Pages -----------------------------------------------------------------------------------


def test_the_coaching_log_carries_no_list_of_organisations(client_for, consultant, registry):
    for number in range(30):
        factories.OrganisationFactory(name=f"Nicht im Log {number} e.V.")
    html = client_for(consultant).get(reverse("qualification:coaching")).content.decode()
    assert "Nicht im Log" not in html
    assert 'data-chooser-url="/choose/organisations/?scope=coaching_organisations"' in html
    assert "tom-select.complete.min.js" in html  # loaded by chooser.js when needed


def test_staff_without_a_second_factor_get_no_answers(client_for, settings, registry):
    settings.IKMO_STAFF_MFA_REQUIRED = True
    consultant = factories.staff(StaffRole.Role.CONSULTANT)
    response = choose(client_for(consultant), scope=COACHING, q="Br")
    assert response.status_code in (302, 403)
    enrol_mfa(consultant)
