"""Django admin's row checkboxes (ikmo/adminlist.py) are Django's own markup, written without
a widget template per row: the same for every admin of the portal, in every interface
language, also for names with markup characters; and a changelist's actions still act on
the rows they select."""

import pytest
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation

from ikmo import adminlist
from organisations.models import Organisation
from tests import factories
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


class Row:
    """A row as the checkbox sees it: its id and its text."""

    def __init__(self, pk, text):
        self.pk, self.text = pk, text

    def __str__(self):
        return self.text


def test_the_row_checkbox_is_djangos_markup_for_every_admin_in_every_language():
    tricky = factories.OrganisationFactory(name='Verein <b>"Brücke"</b> & Co\'s')
    compared = 0
    for model, model_admin in admin.site._registry.items():
        assert type(model_admin).action_checkbox is adminlist.action_checkbox, model
        obj = tricky if model is Organisation else Row(4711, f"{model.__name__} <i>&</i> 'x'")
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                ours = model_admin.action_checkbox(obj)
                djangos = adminlist.djangos_action_checkbox(model_admin, obj)
            assert ours == djangos, (model, code)
            compared += 1
    assert compared >= len(settings.LANGUAGES) * 30
    with translation.override("de"):
        ours = admin.site._registry[Organisation].action_checkbox(tricky)
    assert "&lt;b&gt;&quot;Brücke&quot;&lt;/b&gt; &amp; Co&#x27;s" in ours
    assert f'value="{tricky.pk}"' in ours and 'name="_selected_action"' in ours


def test_a_changelist_action_acts_on_the_rows_its_checkboxes_select(client):
    root = factories.UserFactory(is_superuser=True, is_staff=True, email="root@centre.example")
    enrol_mfa(root)
    client.force_login(root)
    chosen, other = factories.OrganisationFactory.create_batch(2)
    url = reverse("admin:organisations_organisation_changelist")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert f'name="_selected_action" value="{chosen.pk}" class="action-select"' in page
    assert f'aria-label="Dieses Objekt für eine Aktion auswählen - {chosen.name}"' in page
    response = client.post(
        url, {"action": "delete_selected", "_selected_action": [chosen.pk]}, follow=True
    )
    assert response.status_code == 200
    confirmation = response.content.decode()
    assert chosen.name in confirmation and other.name not in confirmation
