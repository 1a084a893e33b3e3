"""Personal data in funder reporting (see privacy/registry.py): only who edited what."""

from privacy.registry import by_user, not_personal, register

from .models import (
    Carrier,
    DeletedRecord,
    FrozenRecords,
    FunderReport,
    FundingPeriod,
    FundingSource,
    PlanValue,
    TakingPart,
    TakingPartChange,
    TakingPartState,
)

register(
    FundingPeriod,
    explained={
        "name": "the name of a funding period, not a person's",
        "notes": "free text about the funding; scrubbed of the person's name on erasure",
        "contact_name": "the centre's contact for the funder, a work role printed on the "
        "report's cover; erasure scrubs a person's name from it like every text column",
        "contact_email": "the centre's work address for the funder; scrubbed on erasure like "
        "every text column",
        "contact_phone": "the centre's work number for the funder; scrubbed on erasure like "
        "every text column",
    },
)
not_personal(FundingSource, "funders, references and shares of a period, no people")
not_personal(Carrier, "organisations that run sub-projects, no people")
register(PlanValue, people=[by_user("updated_by", actor=True)])
register(
    FunderReport,
    people=[by_user("generated_by", actor=True)],
    explained={
        "subproject_notes": "staff's texts on each sub-project's work for the funder; erasure "
        "scrubs a person's name from them like every text and JSON column",
    },
)
not_personal(
    FrozenRecords,
    "the ids of the records behind a report's figure, no names or texts: each points to a "
    "record declared on its own; a record erased since is gone and its id points to nothing "
    "(the drill-down counts it as missing), an anonymised one shows as anonymised",
)
not_personal(
    DeletedRecord,
    "that a record of a counted model was deleted, and when: the model's name and the "
    "record's id, nothing of the record or of who deleted it",
)
not_personal(
    TakingPart,
    "that an organisation took part in a sub-project, computed from records declared on "
    "their own; no people",
)
not_personal(TakingPartChange, "that a sub-project's records were written, and when; nothing else")
not_personal(TakingPartState, "when a sub-project's list of organisations was last computed")
