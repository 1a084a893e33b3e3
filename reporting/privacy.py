"""Personal data in funder reporting (see privacy/registry.py): only who edited what."""

from privacy.registry import by_user, register

from .models import FunderReport, FundingPeriod, PlanValue

register(
    FundingPeriod,
    explained={
        "name": "the name of a funding period, not a person's",
        "notes": "free text about the funding; scrubbed of the person's name on erasure",
    },
)
register(PlanValue, people=[by_user("updated_by", actor=True)])
register(FunderReport, people=[by_user("generated_by", actor=True)])
