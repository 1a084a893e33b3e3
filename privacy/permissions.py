"""Who may do what with personal data. Plain predicates; views and selectors use these only."""

from django.db.models import Q

from organisations.permissions import is_organisation_admin


def is_privacy_admin(user) -> bool:
    """Portal admins handle exports for anyone, erasure, consents and the legal pages."""
    return user.is_authenticated and user.is_active and user.is_portal_admin


def can_request_person_export(user, person) -> bool:
    return user.is_authenticated and (user.pk == person.pk or is_privacy_admin(user))


def can_request_organisation_export(user, organisation) -> bool:
    return is_privacy_admin(user) or is_organisation_admin(user, organisation)


def can_view_export(user, export) -> bool:
    """The person themselves and portal admins; an organisation's export only the admin who
    asked for it (while still its admin) and portal admins. An organisation export is built
    with what its requester can see, so it goes to nobody whose view may be narrower."""
    if not user.is_authenticated:
        return False
    if is_privacy_admin(user):
        return True
    if export.scope == export.Scope.PERSON:
        return export.person_id == user.pk
    return (
        export.organisation is not None
        and export.requested_by_id == user.pk
        and is_organisation_admin(user, export.organisation)
    )


def can_withdraw_consent(user, consent) -> bool:
    return user.is_authenticated and (consent.person_id == user.pk or is_privacy_admin(user))


def withdrawable_consents_q(user) -> Q:
    """can_withdraw_consent as a filter on consents, for selectors."""
    if is_privacy_admin(user):
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(person=user)


def can_erase(user, person=None) -> bool:
    return is_privacy_admin(user) and (person is None or person.pk != user.pk)
