"""How choosers (ikmo/choosers.py) search and show organisations and people. The apps that
offer such choosers declare their scopes (what a field may choose) in their own choosers.py."""

from functools import reduce
from operator import or_

from django.db.models import Q

from ikmo.choosers import Kind, Scope, starts_with

from .models import Organisation, User
from .permissions import is_centre_staff
from .search import term_variants


def _search_organisations(queryset, terms, user):
    # Every word in the name in one of its spellings ("brücke", "bruecke", "brucke"); staff
    # also find an organisation by its district or e-mail address.
    staff = is_centre_staff(user)
    for term in terms:
        match = reduce(or_, (Q(search_name__contains=v) for v in term_variants(term)), Q())
        if staff:
            match |= Q(district__name__icontains=term) | Q(email__icontains=term)
        queryset = queryset.filter(match)
    return queryset


def _organisation_row(values, user):
    kind = Organisation.Kind(values["kind"]).label if values["kind"] else ""
    detail = " · ".join(str(part) for part in (kind, values["district__name"]) if part)
    return {"text": values["name"], "detail": detail}


ORGANISATIONS = Kind(
    name="organisations",
    model=Organisation,
    search=_search_organisations,
    values=("name", "kind", "district__name"),
    row=_organisation_row,
    label=str,  # the name
    order_by=("name", "pk"),
    rank=lambda terms: starts_with("name", terms),
)


def _search_people(queryset, terms, user):
    # By first and last name; staff also by e-mail address.
    staff = is_centre_staff(user)
    for term in terms:
        match = Q(first_name__icontains=term) | Q(last_name__icontains=term)
        if staff:
            match |= Q(email__icontains=term)
        queryset = queryset.filter(match)
    return queryset


def _person_row(values, user):
    # As User.__str__: the full name, or the e-mail address.
    text = f"{values['first_name']} {values['last_name']}".strip() or values["email"]
    detail = values["email"] if is_centre_staff(user) and text != values["email"] else ""
    return {"text": text, "detail": detail}


PEOPLE = Kind(
    name="people",
    model=User,
    search=_search_people,
    values=("first_name", "last_name", "email"),
    row=_person_row,
    label=str,  # the full name, or the e-mail address
    order_by=("last_name", "first_name", "email", "pk"),
    rank=lambda terms: starts_with("last_name", terms),
)


def _networks(user):
    from .selectors import networks

    return networks()


def _centre_staff(user):
    from .selectors import centre_staff_users

    return centre_staff_users()


def _may_choose_a_network(user):
    # Organisation admins (for their organisation) and staff; the form's lookup checks which
    # organisation, the list itself only names approved networks (public to members anyway).
    from .models import Membership

    return is_centre_staff(user) or (
        user.is_authenticated
        and Membership.objects.filter(
            user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
        ).exists()
    )


def _may_browse_directory(user):
    from .permissions import can_browse_directory

    return can_browse_directory(user)


def _may_choose_a_contact(user):
    from .permissions import can_assign_centre_contact

    return can_assign_centre_contact(user)


SCOPES = [
    # The network an organisation joins, and the directory's "member of network" filter.
    Scope(
        name="organisation_networks",
        kind=ORGANISATIONS,
        choices=_networks,
        allowed=_may_choose_a_network,
    ),
    # The directory's "contact at the centre" filter (staff who browse the directory).
    Scope(
        name="directory_centre_contacts",
        kind=PEOPLE,
        choices=_centre_staff,
        allowed=_may_browse_directory,
    ),
    # An organisation's contact at the centre: consultants, project leads, admins only.
    Scope(
        name="centre_contacts",
        kind=PEOPLE,
        choices=_centre_staff,
        allowed=_may_choose_a_contact,
    ),
]
