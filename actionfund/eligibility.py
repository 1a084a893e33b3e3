"""Who may apply to a call.

Workshop attendance comes from the qualification app, which is built separately. To keep the
action fund working whether or not that app (or its models) exists yet, the check looks its
models up by name at run time:

- ``qualification.Registration`` (organisation, ``attended=True``, status ``confirmed``): the
  model the qualification app has. A few other plausible shapes follow as fallbacks; the
  first model found whose fields fit is used.
- If none exists, or the query fails because the fields differ, the answer is ``False``:
  calls that *require* a workshop then refuse every application, and the bonus is never given.
  Project leads can still see the rule on the call page. Adjust ``_ATTENDANCE_MODELS`` once the
  qualification models are final.
"""

import logging

from django.apps import apps
from django.core.exceptions import FieldError
from django.utils.translation import gettext as _

from organisations.models import Organisation

logger = logging.getLogger(__name__)

# (model name, lookup from the model to the organisation, {field: value} meaning "attended")
_ATTENDANCE_MODELS = [
    ("Registration", "organisation", {"attended": True, "status": "confirmed"}),
    ("Attendance", "organisation", {"attended": True}),
    ("Attendance", "participant__organisation", {"attended": True}),
    ("Registration", "organisation", {"status": "attended"}),
    ("Participation", "organisation", {"present": True}),
]


def organisation_attended_workshop(organisation) -> bool:
    """True when someone of the organisation attended at least one qualification workshop."""
    for model_name, org_lookup, attended in _ATTENDANCE_MODELS:
        try:
            model = apps.get_model("qualification", model_name)
        except LookupError:
            continue
        try:
            return model.objects.filter(**{org_lookup: organisation}, **attended).exists()
        except (FieldError, ValueError, TypeError):
            continue
        except Exception:  # a schema that does not match: treat as "no record", but say so
            logger.exception("Workshop attendance lookup failed on qualification.%s", model_name)
            continue
    return False


def organisations_attended_workshop(organisation_ids) -> set[int]:
    """The ids among ``organisation_ids`` that attended a workshop, in one query."""
    ids = list(organisation_ids)
    attended = attended_workshop_organisations()
    if not ids or attended is None:
        return set()
    return set(
        Organisation.objects.filter(pk__in=ids).filter(pk__in=attended).values_list("pk", flat=True)
    )


def attended_workshop_organisations():
    """The organisations that attended a workshop, as a subquery (``pk__in=``), or None when
    the qualification app records attendance in none of the known ways."""
    for model_name, org_lookup, attended in _ATTENDANCE_MODELS:
        try:
            model = apps.get_model("qualification", model_name)
        except LookupError:
            continue
        try:
            return model.objects.filter(**attended).order_by().values(org_lookup)
        except (FieldError, ValueError, TypeError):
            continue
    return None


def eligibility_problems(*, call, organisation) -> list[str]:
    """Reasons the organisation may not apply to the call; an empty list means it may."""
    problems = []
    if not organisation.is_approved:
        problems.append(
            _("Your organisation's registration must be approved by the IKMO team first.")
        )
    if call.allowed_legal_forms and organisation.legal_form not in call.allowed_legal_forms:
        problems.append(
            _("This call is open to these legal forms only: %(forms)s.")
            % {"forms": ", ".join(call.allowed_legal_form_labels())}
        )
    if call.workshop_rule == call.WorkshopRule.REQUIRED and not organisation_attended_workshop(
        organisation
    ):
        problems.append(
            _(
                "This call requires that your organisation attended at least one qualification "
                "workshop of the centre."
            )
        )
    return problems
