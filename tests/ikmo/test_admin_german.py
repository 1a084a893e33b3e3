"""The German admin: no English labels, umlaut-blind organisation search, members searchable,
and the organisation's audit trail one click away."""

import json
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils.functional import Promise

from ikmo.audit import audit_log
from ikmo.subprojects import portal_apps
from organisations.models import Organisation
from organisations.search import search_key, term_variants
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


def project_apps() -> list[str]:
    return [config.label for config in portal_apps()]


# What the German admin used to show in English.
KNOWN_ENGLISH = ["Choose all", "Remove all", "Updated at", "Created at", "Authenticators"]


@pytest.fixture
def superuser(db):
    user = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(user)
    return user


def test_every_admin_model_and_field_has_a_translatable_name():
    untranslated = []
    for model in admin.site._registry:
        meta = model._meta
        if not isinstance(meta.verbose_name_plural, Promise):
            untranslated.append(f"{meta.label} (model name)")
        if meta.app_label not in project_apps():
            continue
        for field in meta.get_fields():
            concrete = getattr(field, "concrete", False) and not field.auto_created
            if concrete and not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{meta.label}.{field.name}")
    assert not untranslated, untranslated


def test_admin_pages_in_german_show_no_known_english(client, superuser, org, org_admin):
    client.force_login(superuser)
    pages = [
        reverse("admin:index"),
        reverse("admin:organisations_organisation_change", args=[org.pk]),
        reverse("admin:organisations_organisation_changelist"),
        reverse("admin:mfa_authenticator_changelist"),
        reverse("admin:qualification_workshop_add"),
    ]
    for app in project_apps():
        for model in apps.get_app_config(app).get_models():
            if model in admin.site._registry:
                pages.append(reverse(f"admin:{app}_{model._meta.model_name}_changelist"))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'lang="de"' in html, url
        found = [text for text in KNOWN_ENGLISH if re.search(rf">\s*{text}\b", html)]
        assert not found, f"{url}: {found}"
    # The filter widget's texts come from the JavaScript catalogue.
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()
    for german in ["Alle %s auswählen", "Alle %s entfernen", "Ausgewählte %s auswählen"]:
        assert json.dumps(german) in catalogue  # as JSON, umlauts escaped


def test_search_key_holds_each_spelling():
    assert search_key("Brückenbau e.V.") == "brueckenbau e.v. | bruckenbau e.v."
    assert term_variants("Brücke") == {"bruecke", "brucke"}
    assert term_variants("bruecke") == {"bruecke"}
    assert search_key("Straße der Vielfalt") == "strasse der vielfalt"
    assert "sehitler" in search_key("Şehitler Derneği")


def test_admin_finds_organisations_with_and_without_umlauts_and_by_members(client, superuser):
    found = factories.OrganisationFactory(name="Brückenbau e.V.")
    also = factories.OrganisationFactory(name="Kiezbrücke Moabit")
    factories.OrganisationFactory(name="Sonnenblume e.V.")
    factories.member_of(found, email="leyla.demir@verein.example", first_name="Leyla")
    client.force_login(superuser)
    url = reverse("admin:organisations_organisation_changelist")

    def names(query):
        response = client.get(url, {"q": query})
        assert response.status_code == 200
        return {o.name for o in response.context["cl"].result_list}

    both = {found.name, also.name}
    assert names("brücke") == both
    assert names("bruecke") == both
    assert names("BRUCKE") == both
    assert names("bruecke moabit") == {also.name}
    assert names("leyla.demir@verein") == {found.name}
    assert names("Leyla") == {found.name}


def test_renaming_keeps_the_search_name_in_step(db):
    organisation = factories.OrganisationFactory(name="Alt e.V.")
    organisation.name = "Grüne Brücke e.V."
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).search_name.startswith("gruene bruecke")


def test_the_organisation_change_form_links_to_its_audit_trail(client, superuser, org, other_org):
    audit_log(
        actor=superuser, action="organisations.organisation.updated", target=org, organisation=org
    )
    audit_log(
        actor=superuser,
        action="organisations.organisation.updated",
        target=other_org,
        organisation=other_org,
    )
    client.force_login(superuser)
    html = client.get(reverse("admin:organisations_organisation_change", args=[org.pk])).content
    trail = reverse("admin:ikmo_auditentry_changelist") + f"?organisation__id__exact={org.pk}"
    assert trail.encode() in html
    response = client.get(trail)
    assert response.status_code == 200
    assert [e.organisation_id for e in response.context["cl"].result_list] == [org.pk]
