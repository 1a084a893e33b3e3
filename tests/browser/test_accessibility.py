"""axe-core finds no serious or critical WCAG 2.1 A/AA problems on the main pages."""

import pytest
from django.urls import reverse

from .helpers import assert_accessible, log_in_by_cookie

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PUBLIC = ["home", "account_login", "account_signup", "account_reset_password"]


@pytest.mark.parametrize("language", ["de", "en", "ar", "tr"])
def test_public_pages(new_page, language):
    page = new_page(language=language)
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    for name in PUBLIC:
        page.goto(reverse(name))
        assert_accessible(page)


def test_login_with_errors(page):
    page.goto(reverse("account_login"))
    page.click("form.allauth-form-login button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert_accessible(page)


def test_organisation_member_pages(page, org, org_admin):
    log_in_by_cookie(page, org_admin)
    for url in (
        reverse("home"),
        org.get_absolute_url(),
        reverse("organisations:edit", args=[org.pk]),
        reverse("organisations:members", args=[org.pk]),
        reverse("organisations:register"),
        reverse("organisations:join") + "?q=Test",
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
    ):
        page.goto(url)
        assert_accessible(page)


def test_staff_pages(page, org, other_org, project_lead):
    log_in_by_cookie(page, project_lead)
    for url in (
        reverse("home"),
        reverse("organisations:directory"),
        reverse("organisations:directory") + "?district=1",
        reverse("organisations:registrations"),
        other_org.get_absolute_url(),
    ):
        page.goto(url)
        assert_accessible(page)
