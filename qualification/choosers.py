"""The choosers of qualification & coaching (ikmo/choosers.py): what each field may choose."""

from django.db.models import Min
from django.utils import formats, timezone

from ikmo.choosers import Kind, Scope, starts_with
from ikmo.content_language import search_q
from organisations.choosers import ORGANISATIONS, PEOPLE

from . import permissions, selectors
from .models import Workshop


def _search_workshops(queryset, terms, user):
    # Any language's title matches: a workshop is found by its English title on a German page.
    for term in terms:
        queryset = queryset.filter(search_q(term, "title"))
    return queryset


def _workshop_row(values, user):
    first = values["first_session"]
    when = formats.date_format(timezone.localtime(first), "SHORT_DATE_FORMAT") if first else ""
    return {"text": values["title"], "detail": when}


WORKSHOPS = Kind(
    name="workshops",
    model=Workshop,
    search=_search_workshops,
    values=("title", "first_session"),
    row=_workshop_row,
    label=str,
    # The German title orders (every workshop has one); the row shows the reader's language.
    order_by=("title_de", "pk"),
    rank=lambda terms: starts_with("title_de", terms),
)


def _workshops(user):
    return selectors.workshops_for_user(user).annotate(first_session=Min("sessions__starts_at"))


SCOPES = [
    # The organisation a consultant logs a coaching session with (the coaching log).
    Scope(
        name="coaching_organisations",
        kind=ORGANISATIONS,
        choices=lambda user: selectors.coachable_organisations(),
        allowed=permissions.can_log_coaching,
    ),
    # Who runs a workshop: consultants / trainers and project leads of this sub-project.
    Scope(
        name="workshop_trainers",
        kind=PEOPLE,
        choices=lambda user: selectors.trainers(),
        allowed=permissions.can_create_workshop,
    ),
    # The workshops a person can see in the catalogue.
    Scope(
        name="workshops",
        kind=WORKSHOPS,
        choices=_workshops,
        allowed=lambda user: user.is_authenticated,
    ),
    # The workshop whose people a message to many goes to (qualification/segments.py): the
    # sender's own workshops (a lead's: all), past ones too.
    Scope(
        name="message_workshops",
        kind=WORKSHOPS,
        choices=lambda user: selectors.workshops_managed_by(user).annotate(
            first_session=Min("sessions__starts_at")
        ),
        allowed=permissions.is_qualification_staff,
    ),
]
