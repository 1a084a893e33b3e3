import shutil
import subprocess
from datetime import date, datetime

import pytest
from django.utils import timezone

from reporting.models import FundingPeriod
from reporting.registry import Indicator, Reach, register_indicator, unregister_indicator, within


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Generated PDFs go to a temporary directory, never into the working tree."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private-media")},
        },
    }


@pytest.fixture
def period(db):
    return FundingPeriod.objects.create(
        name="AMIF 2025",
        funder=FundingPeriod.Funder.AMIF,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
    )


def berlin(*args) -> datetime:
    return timezone.make_aware(datetime(*args), timezone.get_default_timezone())


@pytest.fixture
def extra_indicator():
    """`extra_indicator(**kwargs)` registers an indicator for one test only."""
    keys = []

    def add(**kwargs):
        indicator = register_indicator(Indicator(**kwargs))
        keys.append(indicator.key)
        return indicator

    yield add
    for key in keys:
        unregister_indicator(key)


@pytest.fixture
def stand_in(extra_indicator):
    """`stand_in(key, subproject)`: a sub-project measure over marked memberships.

    The registry's rules do not depend on which app the records come from, so tests of the
    counted-once rule use records any test can build: memberships whose message carries the
    indicator key, dated by `decided_at`. `log(key, organisation, when)` adds one record.
    """
    from organisations.models import Membership

    def add(key, subproject, reach=Reach.SUPPORTED):
        return extra_indicator(
            key=key,
            label=key,
            subproject=subproject,
            records=lambda period: within(
                Membership.objects.filter(message=key), "decided_at", period
            ),
            date_field="decided_at",
            reach=reach,
            activity=True,
        )

    return add


def log(key, organisation, when):
    from organisations.models import Membership
    from tests.factories import UserFactory

    return Membership.objects.create(
        user=UserFactory(), organisation=organisation, message=key, decided_at=when
    )


def pdf_text(data: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return result.stdout.decode()
