"""The volunteer service desk's staff journey in a real browser, and a site's view of it.

A desk consultant advises an organisation, records its recognition as a placement site
with a document, plans a placement (first with a duration the rules refuse), starts it,
records seminar days, and the site's member then sees their own volunteer only.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import StaffRole
from tests import factories
from tests.conftest import enrol_mfa
from volunteering import rules
from volunteering.models import (
    Contingent,
    Placement,
    PlacementStatus,
    RecognitionDocument,
    ServiceProfile,
    SiteStatus,
)

from .helpers import assert_accessible, assert_no_horizontal_scroll, choose, log_in_by_cookie, t

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def desk_consultant(db):
    user = factories.staff(
        StaffRole.Role.CONSULTANT, subproject="volunteering", email="desk@centre.example"
    )
    enrol_mfa(user)
    return user


@pytest.fixture
def carrier(db):
    organisation = factories.OrganisationFactory(name="Trägerwerk Browser e.V.", kind="carrier")
    ServiceProfile.objects.create(
        organisation=organisation,
        status=SiteStatus.CARRIER,
        offers_fsj=True,
        offers_bfd=True,
        recognised_on=timezone.localdate() - timedelta(days=900),
        places=30,
    )
    Contingent.objects.create(
        carrier=organisation, year=timezone.localdate().year, service_type="fsj", places=5
    )
    return organisation


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }


def test_staff_take_an_organisation_from_advice_to_a_running_placement(
    new_page, desk_consultant, org, org_member, other_org_admin, carrier, private_storage
):
    today = timezone.localdate()
    page = new_page()
    log_in_by_cookie(page, desk_consultant)

    # A first consultation makes the organisation "advised".
    page.goto(f"/volunteering/organisations/{org.pk}/")
    page.get_by_role("link", name=t("Log a consultation")).first.click()
    page.get_by_label(t("topic").capitalize()).fill("Erstberatung FSJ")
    page.get_by_label(t("next step").capitalize()).fill("Unterlagen zum Träger")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("The consultation has been logged."))).to_be_visible()
    expect(page.locator("#h-status + p .badge")).to_have_text(t("Advised"))
    assert_accessible(page)

    # Recognition: the form hides the recognition fields until the status needs them.
    page.get_by_role("link", name=t("Change status")).click()
    fieldset = page.locator("[data-recognition-fields]")
    expect(fieldset).to_be_hidden()
    page.get_by_label(t("Status")).select_option("recognised")
    expect(fieldset).to_be_visible()
    choose(page, t("Carrier organisation"), carrier.name[:5], carrier.name)
    page.get_by_label(t("FSJ"), exact=True).check()
    page.get_by_label(t("Recognition date")).fill(today.isoformat())
    page.get_by_label(t("Places")).fill("2")
    page.get_by_role("button", name=t("Save")).click()
    expect(page.get_by_text(t("The status has been saved."))).to_be_visible()
    assert ServiceProfile.objects.get(organisation=org).status == SiteStatus.RECOGNISED

    # The recognition notice is uploaded and can be downloaded again.
    page.get_by_role("link", name=t("Upload a document")).click()
    page.get_by_label(t("Title")).fill("Anerkennungsbescheid")
    page.get_by_label(t("File")).set_input_files(
        {"name": "bescheid.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name=t("Upload")).click()
    expect(page.get_by_text(t("The document has been uploaded."))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Anerkennungsbescheid").click()
    assert Path(download.value.path()).read_bytes() == PDF
    assert RecognitionDocument.objects.count() == 1

    # Planning a placement: too short first; the rule is explained and nothing is lost.
    page.get_by_role("link", name=t("Plan a placement")).first.click()
    form = page.locator("form[data-volunteer-form]")
    background = page.locator("#id_v-migration_background")
    expect(background).to_be_disabled()  # only with consent
    assert_accessible(page)
    page.locator("#id_v-first_name").fill("Lina")
    page.locator("#id_v-last_name").fill("Beispiel")
    page.locator("#id_v-consent_given_on").fill(today.isoformat())
    page.get_by_label(
        t("The volunteer agreed to record whether they have a migration background")
    ).check()
    background.select_option("yes")
    choose(page, "#id_p-site", org.name[:5], org.name)
    page.locator("#id_p-service_type").select_option("fsj")
    page.locator("#id_p-start_date").fill(today.isoformat())
    page.locator("#id_p-end_date").fill((today + timedelta(days=90)).isoformat())
    page.locator("#id_p-weekly_hours").fill("39")
    page.locator("#id_p-mentor_name").fill("Frau Anleitung")
    form.get_by_role("button", name=t("Plan and book the place")).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("6")
    expect(page.locator("#id_v-first_name")).to_have_value("Lina")
    assert not Placement.objects.exists()

    page.locator("#id_p-end_date").fill(rules.last_day_of(today, 12).isoformat())
    page.locator("form[data-volunteer-form]").get_by_role(
        "button", name=t("Plan and book the place")
    ).click()
    expect(
        page.get_by_text(t("The placement has been planned and the place booked."))
    ).to_be_visible()
    placement = Placement.objects.get()
    assert placement.volunteer.migration_background is True

    # The service starts; a seminar is added and attendance recorded.
    page.get_by_role("button", name=t("Service has started")).click()
    expect(page.locator(".badge", has_text=t("Active")).first).to_be_visible()
    page.goto("/volunteering/seminars/new/")
    page.get_by_label(t("title").capitalize()).fill("Einführungsseminar")
    choose(page, t("carrier").capitalize(), carrier.name[:5], carrier.name)
    page.get_by_label(t("first day").capitalize()).fill(today.isoformat())
    page.get_by_label(t("last day").capitalize()).fill((today + timedelta(days=4)).isoformat())
    page.get_by_label(t("seminar days").capitalize()).fill("5")
    page.get_by_role("button", name=t("Save")).click()
    page.get_by_label(t("Days attended by %(name)s") % {"name": "Lina Beispiel"}).fill("5")
    page.get_by_role("button", name=t("Save attendance")).click()
    expect(page.get_by_text(t("Attendance saved for %(n)s volunteers.") % {"n": 1})).to_be_visible()
    page.goto(placement.get_absolute_url())
    expect(page.locator("#h-seminars + div")).to_contain_text("5")
    assert_accessible(page)
    assert placement.attendances.get().days_attended == 5

    # The site's member sees their volunteer, on a phone; another organisation gets a 404.
    member = new_page(phone=True)
    log_in_by_cookie(member, org_member)
    member.goto("/volunteering/")
    assert_accessible(member)
    expect(member.get_by_role("link", name="Lina Beispiel")).to_be_visible()
    assert_no_horizontal_scroll(member)
    stranger = new_page()
    log_in_by_cookie(stranger, other_org_admin)
    response = stranger.goto(placement.get_absolute_url())
    assert response.status == 404
    assert Placement.objects.get().status == PlacementStatus.ACTIVE


def test_attendance_of_a_large_carrier_is_saved_a_page_at_a_time_on_a_phone(
    new_page, desk_consultant, org, carrier, monkeypatch
):
    """A wrong number first (it keeps what was typed), then "save and show the next
    volunteers" clicked twice, then the second page: every typed number lands once."""
    from tests.volunteering.factories import PlacementFactory, SeminarFactory
    from volunteering import views
    from volunteering.models import SeminarAttendance

    monkeypatch.setattr(views, "ATTENDANCE_PER_PAGE", 2)
    ServiceProfile.objects.create(
        organisation=org, status=SiteStatus.RECOGNISED, offers_fsj=True, carrier=carrier, places=5
    )
    contingent = Contingent.objects.get(carrier=carrier)
    today = timezone.localdate()
    placements = [
        PlacementFactory(
            site=org,
            contingent=contingent,
            volunteer__first_name="Lina",
            volunteer__last_name=name,
            start_date=today - timedelta(days=30),
            end_date=today + timedelta(days=300),
        )
        for name in ("Acar", "Berg", "Cem")
    ]
    seminar = SeminarFactory(
        carrier=carrier, start_date=today, end_date=today + timedelta(days=4), days=5
    )
    page = new_page(phone=True)
    log_in_by_cookie(page, desk_consultant)
    page.goto(seminar.get_absolute_url())

    def days_of(placement):
        return page.get_by_label(t("Days attended by %(name)s") % {"name": placement.volunteer})

    next_button = page.get_by_role("button", name=t("Save and show the next volunteers"))
    days_of(placements[0]).fill("9")  # the seminar runs five days
    days_of(placements[1]).fill("3")
    next_button.click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(days_of(placements[0])).to_have_value("9")
    expect(days_of(placements[1])).to_have_value("3")
    assert not SeminarAttendance.objects.exists()

    days_of(placements[0]).fill("4")
    next_button.dblclick()
    expect(page.get_by_text(t("Attendance saved for %(n)s volunteers.") % {"n": 2})).to_be_visible()
    expect(days_of(placements[2])).to_be_visible()
    assert page.url.endswith("?page=2")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    Path("docs/screenshots/journeys").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="docs/screenshots/journeys/seminar-attendance-page-2.png")

    days_of(placements[2]).fill("5")
    page.get_by_role("button", name=t("Save attendance")).click()
    expect(page.get_by_text(t("Attendance saved for %(n)s volunteers.") % {"n": 1})).to_be_visible()
    saved = dict(
        SeminarAttendance.objects.values_list("placement__volunteer__last_name", "days_attended")
    )
    assert saved == {"Acar": 4, "Berg": 3, "Cem": 5}
    assert SeminarAttendance.objects.count() == 3
