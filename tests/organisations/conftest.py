import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from ikmo.models import GeneratedDocument
from organisations.documents import PROFILE_SHEET
from organisations.models import Membership, Organisation
from tests import factories

PERSONAS = [
    "anonymous",
    "org_member",
    "org_admin",
    "other_org_admin",
    "consultant",
    "project_lead",
    "jury_member",
    "portal_admin",
]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Generated files go to a temporary directory, never into the working tree."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }
    return tmp_path / "private-media"


@pytest.fixture
def persona(request, db):
    """`persona(name)` returns that person (None for anonymous)."""

    def get(name):
        return None if name == "anonymous" else request.getfixturevalue(name)

    return get


@pytest.fixture
def pending_org(db):
    organisation = factories.OrganisationFactory(
        name="Neuanfang Initiative", status=Organisation.Status.PENDING
    )
    factories.member_of(
        organisation, role=Membership.Role.ADMIN, email="applicant@neuanfang.example"
    )
    return organisation


def finished_document(organisation, *, by=None) -> GeneratedDocument:
    """A rendered profile sheet, stored like the worker stores it (without running WeasyPrint)."""
    document = GeneratedDocument.objects.create(
        kind=PROFILE_SHEET,
        content_type=ContentType.objects.get_for_model(organisation),
        object_id=str(organisation.pk),
        organisation=organisation,
        title=f"Profile sheet: {organisation.name}",
        status=GeneratedDocument.Status.DONE,
        progress=100,
        requested_by=by,
    )
    document.file.save("sheet.pdf", ContentFile(b"%PDF-1.7\n% test sheet\n"), save=True)
    return document


@pytest.fixture
def org_document(org, org_admin):
    # A profile sheet shows its requester's view: hers (and portal admins') to open.
    return finished_document(org, by=org_admin)


@pytest.fixture
def other_org_document(other_org):
    return finished_document(other_org)


def organisation_with(*, fields=(), langs=(), **kwargs) -> Organisation:
    organisation = factories.OrganisationFactory(**kwargs)
    organisation.fields_of_work.set(fields)
    organisation.languages.set(langs)
    return organisation
