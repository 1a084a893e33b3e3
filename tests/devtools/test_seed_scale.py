"""`manage.py seed_scale` completes at every factor, in every year.

The generator draws samples whose sizes depend on the factor (mentors and mentees, draft
applications per call, contingents per carrier, ...) and dates around the year it is given;
a tiny factor or a leap year must not run into a unique constraint or an impossible date.
Each case seeds into the test database (SQLite, rolled back) and takes a few seconds.
"""

from datetime import date

import pytest
from django.core.management import call_command

from organisations.models import Organisation
from organisations.permissions import listed_q
from qualification.models import CoachingSession

FACTORS = [0.002, 0.01, 0.05]
YEARS = [2024, 2028, date.today().year]  # 2024 and 2028 are leap years; 2028 lies ahead

# Kinds that may legitimately be empty: payments and proofs exist only for applications
# that got that far (the sixth and seventh of the cycle of statuses, so not among the four
# applications of factor 0.002); attendances only for events in the past (none when the
# whole year lies ahead, or when the one event of a tiny run is an upcoming one); the funding
# period only when the database does not have it yet.
MAY_BE_EMPTY = {"payments", "proofs of use", "event attendances", "funding periods"}


def _counts(output: str) -> dict[str, int]:
    counts = {}
    for line in output.splitlines()[1:]:  # after "Generated in ... s on ...:"
        number, _, label = line.strip().partition("  ")
        counts[label.strip()] = int(number)
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("factor", FACTORS)
def test_seed_scale_completes_at_every_factor_and_year(factor, year, capsys):
    # On PostgreSQL (CI) the command wants the flag that says this is no production database.
    call_command(
        "seed_scale",
        "--factor",
        str(factor),
        "--year",
        str(year),
        "--i-know-this-is-not-production",
    )
    output = capsys.readouterr().out
    assert f"dates around {year}" in output
    counts = _counts(output)
    assert counts["organisations"] == max(1, int(5000 * factor))
    empty = [label for label, n in counts.items() if n <= 0 and label not in MAY_BE_EMPTY]
    assert not empty, f"no rows of {empty} at factor {factor} in {year}"
    assert Organisation.objects.count() == counts["organisations"]
    assert CoachingSession.objects.count() == counts["coaching sessions"] > 0
    # The public directory and the map have organisations to show.
    assert Organisation.objects.filter(listed_q()).exists()
