import pytest
from django.core.management import call_command

from participation_check.models import Analysis, Interview, Recommendation

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates(tmp_path):
    call_command("seed_demo", stdout=open(tmp_path / "out.txt", "w"))  # noqa: SIM115
    counts = (Analysis.objects.count(), Interview.objects.count(), Recommendation.objects.count())
    call_command("seed_demo", stdout=open(tmp_path / "out2.txt", "w"))  # noqa: SIM115
    assert counts == (
        Analysis.objects.count(),
        Interview.objects.count(),
        Recommendation.objects.count(),
    )
    assert counts[0] == 3 and counts[1] >= 4 and counts[2] == 5
    published = Analysis.objects.get(status="published")
    assert published.published_at is not None
    assert published.recommendations.filter(status="implemented").exists()
