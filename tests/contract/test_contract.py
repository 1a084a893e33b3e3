"""The sub-project contract (ikmo/subprojects.py): a made-up sub-project, declared only in its
own app config (tests/contract/fakeapp), shows up everywhere the portal discovers apps:
URLs, menus, overview cards, the organisation timeline, funder reporting, the personal-data
registry, the PDF kinds, the demo data and the choosers' search scopes."""

import tomllib
import types
from datetime import timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from ikmo import choosers
from ikmo import urls as portal_urls
from ikmo.documents import document_kinds
from ikmo.pagecache import cached_routes
from ikmo.subprojects import (
    app_urlpatterns,
    hooks,
    portal_apps,
    subproject_choices,
    subproject_label,
    subprojects,
)
from privacy import registry as privacy_registry
from reporting.figures import compute_figures
from reporting.registry import DateRange, all_indicators, get_indicator

pytestmark = pytest.mark.django_db

FAKE = "tests.contract.fakeapp"
SUBPROJECTS = ["qualification", "mentoring", "participation_check", "actionfund", "volunteering"]


@pytest.fixture
def citizens_lab():
    """The fake app installed for one test, as a settings change installs an app."""
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, FAKE]):
        # ikmo/urls.py was imported before the app existed: build the URLs again the same way.
        urlconf = types.ModuleType("citizens_lab_urls")
        urlconf.urlpatterns = [*portal_urls.urlpatterns, *app_urlpatterns()]
        with override_settings(ROOT_URLCONF=urlconf):
            yield apps.get_app_config("citizens_lab")
    # Its privacy declarations ran on import; forget them with the app.
    privacy_registry._REGISTRY.pop("citizens_lab.LabVisit", None)
    import sys

    sys.modules.pop(f"{FAKE}.hooks", None)


def test_a_sub_project_declared_in_its_app_config_shows_up_everywhere(
    citizens_lab, client_for, org, org_member, consultant, project_lead
):
    from tests.contract.fakeapp import hooks as lab
    from tests.contract.fakeapp.models import LabVisit

    # Found among the portal's apps, in its contract order, labelled by its verbose_name.
    assert [app.subproject for app in subprojects()] == [
        *SUBPROJECTS[:4],
        "citizens_lab",
        SUBPROJECTS[4],
    ]
    assert subproject_label("citizens_lab") == "Citizens Lab"
    assert ("citizens_lab", "Citizens Lab") in subproject_choices()

    # URLs, the sub-project menu, its "My work" link and its overview card.
    assert reverse("citizens_lab:home") == "/citizens-lab/"
    assert "citizens_lab:home" in cached_routes()
    html = client_for(org_member).get(reverse("home")).content.decode()
    assert '<a class="dropdown-item" href="/citizens-lab/">Lab</a>' in html
    assert "Lab bookings" in html
    assert "Next lab visit" in html and "Citizens Lab" in html
    assert client_for(org_member).get("/citizens-lab/").content == b"lab"

    # The organisation timeline.
    timeline = reverse("organisations:timeline", args=[org.pk])
    page = client_for(consultant).get(timeline).content.decode()
    assert f"Visited the lab: {org.name}" in page

    # Funder reporting: in the indicator list, between the action fund and the desk, and in
    # the cross-project count of organisations supported, as its own share.
    keys = [indicator.key for indicator in all_indicators()]
    assert keys.index("organisations_funded") < keys.index("lab_organisations")
    assert keys.index("lab_organisations") < keys.index("organisations_advised")
    today = timezone.localdate()
    period = DateRange(today - timedelta(days=1), today)
    assert get_indicator("lab_organisations").value(period) >= 1
    figures = compute_figures(period)
    rows = {row["key"]: row for row in figures["indicators"]}
    assert rows["lab_organisations"]["subproject_label"] == "Citizens Lab"
    shares = {s["key"]: s for s in rows["organisations_supported"]["breakdowns"]["subproject"]}
    assert shares["citizens_lab"]["label"] == "Citizens Lab"
    assert shares["citizens_lab"]["value"] >= 1
    dashboard = client_for(project_lead).get(reverse("reporting:dashboard"))
    assert "Organisations at the lab" in dashboard.content.decode()

    # The personal-data registry: declared, and the coverage walk includes the app.
    assert privacy_registry.personal_model(LabVisit) is not None
    assert "citizens_lab" in privacy_registry.portal_app_labels()
    assert privacy_registry.coverage_problems() == []

    # PDF kinds and demo data.
    assert document_kinds()["lab_certificate"].title(None) == "Lab certificate"
    assert lab.seed in [seed for _app, seed in hooks("demo")]

    # Its chooser scope is searched like the portal's own, with its own permission.
    search = reverse("choose", args=["organisations"])
    found = client_for(consultant).get(search, {"scope": "lab_organisations", "q": org.name})
    assert [row["text"] for row in found.json()["results"]] == [org.name]
    assert client_for(org_member).get(search, {"scope": "lab_organisations"}).status_code == 403


def test_without_the_app_nothing_of_it_remains(client_for, org_member):
    assert "citizens_lab" not in {app.label for app in portal_apps()}
    assert [app.subproject for app in subprojects()] == SUBPROJECTS
    assert "lab_organisations" not in {indicator.key for indicator in all_indicators()}
    assert "lab_certificate" not in document_kinds()
    assert "citizens_lab:home" not in cached_routes()
    assert not any(
        m.label.startswith("citizens_lab.") for m in privacy_registry.all_personal_models()
    )
    assert "/citizens-lab/" not in client_for(org_member).get(reverse("home")).content.decode()
    assert "lab_organisations" not in choosers.scopes()


def test_every_first_party_package_is_known_to_the_import_sorter():
    """pyproject's `known-first-party` lists every top-level package of the repository."""
    root = Path(settings.BASE_DIR)
    config = tomllib.loads((root / "pyproject.toml").read_text())
    known = set(config["tool"]["ruff"]["lint"]["isort"]["known-first-party"])
    packages = {p.parent.name for p in root.glob("*/__init__.py")}
    assert known == packages
    # and every installed first-party app follows the contract (devtools, installed in local
    # and test settings only, builds data; it is not part of the portal)
    first_party_apps = {
        c.name
        for c in apps.get_app_configs()
        if c.name.split(".")[0] in packages and c.name != "devtools"
    }
    assert first_party_apps == {c.name for c in portal_apps()}
