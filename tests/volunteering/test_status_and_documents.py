from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ikmo.models import AuditEntry
from volunteering import services
from volunteering.models import RecognitionDocument, ServiceProfile, SiteStatus, StatusChange

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(name="anerkennung.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.django_db
class TestStatusWorkflow:
    def test_an_organisation_moves_from_interested_to_advised_with_history(
        self, org, desk_consultant
    ):
        services.profile_register_interest(organisation=org, by=desk_consultant)
        services.profile_change_status(
            organisation=org, status=SiteStatus.ADVISED, by=desk_consultant, note="Erstgespräch"
        )
        profile = ServiceProfile.objects.get(organisation=org)
        assert profile.status == SiteStatus.ADVISED
        history = list(profile.history.order_by("pk").values_list("from_status", "to_status"))
        assert history == [("", "interested"), ("interested", "advised")]
        assert AuditEntry.objects.filter(action="volunteering.profile.status_changed").exists()

    def test_recognition_cannot_skip_the_advice(self, org, desk_consultant, carrier):
        services.profile_register_interest(organisation=org, by=desk_consultant)
        with pytest.raises(ValidationError) as error:
            services.profile_change_status(
                organisation=org,
                status=SiteStatus.RECOGNISED,
                by=desk_consultant,
                carrier=carrier,
                offers_fsj=True,
                recognised_on=date(2025, 1, 1),
                places=2,
            )
        assert "status" in error.value.error_dict
        assert ServiceProfile.objects.get(organisation=org).status == SiteStatus.INTERESTED

    def test_recognition_needs_carrier_service_date_and_places(self, org, desk_consultant):
        services.profile_change_status(
            organisation=org, status=SiteStatus.ADVISED, by=desk_consultant
        )
        with pytest.raises(ValidationError) as error:
            services.profile_change_status(
                organisation=org, status=SiteStatus.RECOGNISED, by=desk_consultant
            )
        assert set(error.value.error_dict) == {"carrier", "offers_fsj", "recognised_on", "places"}

    def test_recognised_site_keeps_its_carrier_services_date_and_places(
        self, org, desk_consultant, carrier
    ):
        services.profile_change_status(
            organisation=org, status=SiteStatus.ADVISED, by=desk_consultant
        )
        profile = services.profile_change_status(
            organisation=org,
            status=SiteStatus.RECOGNISED,
            by=desk_consultant,
            carrier=carrier,
            offers_bfd=True,
            recognised_on=date(2025, 2, 1),
            places=4,
        )
        profile.refresh_from_db()
        assert (profile.carrier, profile.service_types, profile.places) == (carrier, ["bfd"], 4)
        assert profile.recognised_on == date(2025, 2, 1)

    def test_a_carrier_needs_no_other_carrier(self, org, desk_consultant, carrier):
        services.profile_change_status(
            organisation=org, status=SiteStatus.ADVISED, by=desk_consultant
        )
        profile = services.profile_change_status(
            organisation=org,
            status=SiteStatus.CARRIER,
            by=desk_consultant,
            carrier=carrier,  # ignored: a carrier recognises itself
            offers_fsj=True,
            recognised_on=date(2025, 2, 1),
            places=40,
        )
        assert profile.carrier is None and profile.is_carrier

    def test_status_page_changes_status_for_staff_and_shows_errors_in_place(
        self, client_for, desk_consultant, org, carrier
    ):
        client = client_for(desk_consultant)
        url = reverse("volunteering:status", args=[org.pk])
        response = client.post(url, {"status": "advised", "note": "Telefonat"})
        assert response.status_code == 302
        response = client.post(url, {"status": "recognised", "places": "3"})
        assert response.status_code == 200
        assert "A recognised placement site needs the carrier" in response.content.decode()
        assert 'value="3"' in response.content.decode()  # nothing entered is lost
        assert StatusChange.objects.filter(profile__organisation=org).count() == 1

    def test_members_cannot_change_the_status(self, client_for, org_admin, org):
        response = client_for(org_admin).post(
            reverse("volunteering:status", args=[org.pk]), {"status": "advised"}
        )
        assert response.status_code == 403
        assert not ServiceProfile.objects.filter(organisation=org).exists()

    def test_an_organisation_admin_can_register_interest(self, client_for, org_admin, org):
        response = client_for(org_admin).post(reverse("volunteering:interest", args=[org.pk]))
        assert response.status_code == 302
        assert ServiceProfile.objects.get(organisation=org).status == SiteStatus.INTERESTED


@pytest.mark.django_db
class TestRecognitionDocuments:
    def test_pdf_and_png_are_stored_privately_under_a_random_name(
        self, org, desk_consultant, private_storage
    ):
        doc = services.document_upload(
            organisation=org, title="Bescheid", upload=_upload(), by=desk_consultant
        )
        png = services.document_upload(
            organisation=org,
            title="Foto",
            upload=_upload("foto.png", PNG_BYTES, "image/png"),
            by=desk_consultant,
        )
        assert doc.content_type == "application/pdf" and png.content_type == "image/png"
        assert "anerkennung" not in doc.file.name
        assert (private_storage / doc.file.name).read_bytes() == PDF_BYTES

    def test_a_renamed_program_is_refused_whatever_its_name_says(
        self, org, desk_consultant, private_storage
    ):
        with pytest.raises(ValidationError) as error:
            services.document_upload(
                organisation=org,
                title="Bescheid",
                upload=_upload("bescheid.pdf", b"MZ\x90\x00evil", "application/pdf"),
                by=desk_consultant,
            )
        assert error.value.code == "bad_type"
        assert not RecognitionDocument.objects.exists()

    def test_files_over_the_limit_are_refused(
        self, org, desk_consultant, private_storage, settings
    ):
        settings.IKMO_VOLUNTEER_MAX_UPLOAD_BYTES = 100
        with pytest.raises(ValidationError) as error:
            services.document_upload(
                organisation=org,
                title="Bescheid",
                upload=_upload(content=PDF_BYTES + b"x" * 200),
                by=desk_consultant,
            )
        assert error.value.code == "too_large"

    def test_upload_form_explains_a_refused_file(self, client_for, org_admin, org, private_storage):
        response = client_for(org_admin).post(
            reverse("volunteering:document_upload", args=[org.pk]),
            {"title": "Bescheid", "file": _upload("x.pdf", b"plain text", "application/pdf")},
        )
        assert response.status_code == 200
        assert "PDF, JPEG, PNG" in response.content.decode()
        assert 'value="Bescheid"' in response.content.decode()

    def test_members_of_other_organisations_cannot_upload(
        self, client_for, other_org_admin, org, private_storage
    ):
        response = client_for(other_org_admin).post(
            reverse("volunteering:document_upload", args=[org.pk]),
            {"title": "Bescheid", "file": _upload()},
        )
        assert response.status_code == 404

    @pytest.mark.parametrize(
        ("persona", "status"),
        [
            ("org_member", 200),
            ("desk_consultant", 200),
            ("project_lead", 200),
            ("other_org_admin", 404),
            ("workshop_trainer", 404),
        ],
    )
    def test_download_is_for_the_organisation_and_the_desk_only(
        self, request, client_for, org, desk_consultant, private_storage, persona, status
    ):
        doc = services.document_upload(
            organisation=org, title="Bescheid", upload=_upload(), by=desk_consultant
        )
        user = request.getfixturevalue(persona)
        response = client_for(user).get(reverse("volunteering:document_download", args=[doc.pk]))
        assert response.status_code == status
        if status == 200:
            assert b"".join(response.streaming_content) == PDF_BYTES
            assert response["Content-Disposition"].startswith("attachment")

    def test_anonymous_visitors_are_sent_to_the_login(
        self, client, org, desk_consultant, private_storage
    ):
        doc = services.document_upload(
            organisation=org, title="Bescheid", upload=_upload(), by=desk_consultant
        )
        response = client.get(reverse("volunteering:document_download", args=[doc.pk]))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]

    def test_staff_can_delete_a_document_and_its_file(
        self, client_for, desk_consultant, org, private_storage, django_capture_on_commit_callbacks
    ):
        doc = services.document_upload(
            organisation=org, title="Bescheid", upload=_upload(), by=desk_consultant
        )
        path = private_storage / doc.file.name
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(desk_consultant).post(
                reverse("volunteering:document_delete", args=[doc.pk])
            )
        assert response.status_code == 302
        assert not RecognitionDocument.objects.exists() and not path.exists()

    def test_other_organisations_cannot_open_the_status_page(
        self, client_for, other_org_admin, org
    ):
        assert (
            client_for(other_org_admin)
            .get(reverse("volunteering:organisation", args=[org.pk]))
            .status_code
            == 404
        )
