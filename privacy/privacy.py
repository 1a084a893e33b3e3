"""Personal data declarations of the foundation (ikmo, organisations) and of this app.

The foundation's owners keep their models; the declarations live here so the registry is
complete without editing them. Sub-project apps declare theirs in ``<app>/privacy.py``.
"""

from django.db.models import Q

from ikmo.models import (
    ApiToken,
    AuditEntry,
    CheckIn,
    GeneratedDocument,
    ListExport,
    Message,
    NotificationPreference,
    OutboundEmail,
    StaffMFAInvitation,
    Thread,
    ThreadRead,
)
from organisations.models import (
    ContactRequest,
    District,
    FieldOfWork,
    Membership,
    NetworkMembership,
    Organisation,
    Outcome,
    PublicProfile,
    SpokenLanguage,
    StaffRole,
    User,
)

from .erasure import erase_user_rows
from .models import ConsentRecord, DataExport, ErasureRequest, SitePage
from .registry import ERASED_TEXT, by_email, by_name, by_user, not_personal, register


# What each person can reach in the portal (an organisation export shows no more).
def _organisations(user):
    from organisations.selectors import organisations_for_user

    return organisations_for_user(user)


def _memberships(user):
    """As on the members page (names, e-mail addresses, join requests): the memberships of
    organisations the person administers, and their own. Others see members' names only."""
    if user.is_portal_admin:
        return Membership.objects.all()
    administered = Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, status=Membership.Status.ACTIVE
    ).values("organisation_id")
    return Membership.objects.filter(Q(user=user) | Q(organisation_id__in=administered))


def _users(user):
    if user.is_portal_admin:
        return User.objects.all()
    return User.objects.filter(
        Q(pk=user.pk) | Q(memberships__in=_memberships(user).values("pk"))
    ).distinct()


def _documents(user):
    from ikmo.documents import documents_for_user

    # Only documents the person may download (a profile sheet only its requester).
    return GeneratedDocument.objects.filter(pk__in=[d.pk for d in documents_for_user(user)])


def _consents(user):
    if user.is_portal_admin:
        return ConsentRecord.objects.all()
    return ConsentRecord.objects.filter(person=user)


# ikmo ----------------------------------------------------------------------------------------

register(
    AuditEntry,
    people=[by_user("actor", actor=True)],
    organisation="organisation",
    # The trail is the centre's evidence, not the organisation's record.
    organisation_export=False,
    explained={
        "actor": "kept: points to the anonymised account after erasure",
    },
)
register(
    GeneratedDocument,
    people=[by_user("requested_by", actor=True)],
    organisation="organisation",
    organisation_export=True,
    visible_to=_documents,
    explained={
        "file": "deleted on erasure when the document is about one of the person's records",
    },
)
register(
    ListExport,
    people=[by_user("requested_by", actor=True)],
    organisation_export=False,
    explained={
        "file": "a staff list as its requester saw it; deleted after the export retention "
        "period (IKMO_RETENTION_DAYS['export']) and with the requester's account",
        "params": "the list page's filters (a search word may be a name)",
    },
)
register(
    OutboundEmail,
    people=[by_email("to", fields=("to", "subject", "body", "headers"))],
    # A newsletter's List-Unsubscribe link: a signed token that opts the person out.
    export_exclude=("headers",),
)

register(
    NotificationPreference,
    people=[by_user("user", delete=True)],
    explained={"newsletter_consent_at": "when the person agreed to newsletters (their consent)"},
)

register(
    ApiToken,
    people=[by_user("user", delete=True)],
    export_exclude=("digest",),
    explained={
        "name": "what the person called the token (e.g. the program using it)",
        "prefix": "the first characters of the token, shown to its owner to tell tokens apart",
    },
)

register(
    StaffMFAInvitation,
    people=[by_user("user", delete=True), by_user("created_by", actor=True)],
    export_exclude=("token_hash",),
)

# Message threads (ikmo/threads.py). Not in an organisation's export: a thread holds the
# centre's internal notes, and who may read which message is the thread kind's rule.
register(
    Message,
    people=[by_user("author", fields=("body", "attachment", "attachment_name"))],
    organisation="thread__organisation",
    organisation_export=False,
    explained={
        "side": "whether the author wrote for the organisation or the centre",
        "attachment_type": "the detected file type, not a person's",
        "attachment_size": "the file's size",
        "form_token": "a random value against double posts",
    },
)
register(ThreadRead, people=[by_user("user", delete=True)], organisation_export=False)
not_personal(Thread, "the link between a record and its messages; the people are in Message")
# Check-in by code (ikmo/checkin.py): how an attendance came about. The person is the
# registration's (declared by its app); the row names only who scanned.
register(
    CheckIn,
    people=[by_user("checked_in_by", actor=True)],
    explained={"registration_id": "points to the registration, which its app declares"},
)

# organisations -------------------------------------------------------------------------------


def _organisations_network_memberships(user):
    from organisations.selectors import organisations_for_user

    visible = organisations_for_user(user)
    return NetworkMembership.objects.filter(member__in=visible)


register(
    User,
    people=[by_user("pk", fields=("first_name", "last_name", "email"))],
    organisation="memberships__organisation",
    organisation_export=True,
    visible_to=_users,
    export_exclude=("password",),
    organisation_export_exclude=(
        "last_login",
        "is_superuser",
        "is_staff",
        "is_active",
        "date_joined",
    ),
    erase_rows=erase_user_rows,
)
register(
    Organisation,
    people=[
        by_email("email", fields=("email",)),
        by_user("decided_by", actor=True),
        # The centre's staff member named as the organisation's contact: a work role.
        by_user("centre_contact", actor=True),
    ],
    organisation="pk",
    organisation_export=True,
    visible_to=_organisations,
    explained={
        "name": "the organisation's name, not a person's",
        "search_name": "the organisation's name folded for search (umlauts, case)",
        "phone": "the organisation's contact number",
        "street": "the organisation's address",
    },
)
register(
    Membership,
    people=[by_user("user", delete=True)],
    organisation="organisation",
    organisation_export=True,
    visible_to=_memberships,
    explained={"message": "deleted with the membership"},
)
register(StaffRole, people=[by_user("user", delete=True)], organisation_export=False)
register(
    NetworkMembership,
    people=[by_user("requested_by", actor=True), by_user("decided_by", actor=True)],
    organisation="member",
    organisation_export=True,
    visible_to=_organisations_network_memberships,
)
register(
    Outcome,
    people=[by_user("recorded_by", actor=True)],
    organisation="organisation",
    # The centre's own evaluation of the organisation, seen by staff only.
    organisation_export=False,
    explained={
        "note": "staff's text on what the organisation achieved; erasure scrubs a person's "
        "name from it like every text column",
        "funder": "the name of a funding body, not a person's",
    },
)
register(
    PublicProfile,
    organisation="organisation",
    organisation_export=True,
    visible_to=lambda user: PublicProfile.objects.filter(organisation__in=_organisations(user)),
    explained={
        "contact_email": "the organisation's public address, chosen by its admins to be shown",
        "contact_phone": "the organisation's public number, chosen by its admins to be shown",
        "consent": "the admin's consent to the listing: a ConsentRecord, declared there",
    },
)
register(
    ContactRequest,
    people=[by_user("requester", fields=("message",))],
    organisation=("from_organisation", "organisation"),
    # The listed organisation's admins have the message by e-mail; the row is the centre's
    # proof that it was sent (and the daily limit's count).
    organisation_export=False,
    explained={
        "form_token": "a random value against double posts",
        "share_email": "whether the person let the listed organisation reply to their address",
    },
)
not_personal(District, "Berlin's districts: reference data")
not_personal(FieldOfWork, "catalogue of fields of work: reference data")
not_personal(SpokenLanguage, "catalogue of languages: reference data")

# privacy -------------------------------------------------------------------------------------


def _erase_consents(rows, *, by, identity) -> int:
    # The record of consent stays as proof; it must still name someone, so a consent of a
    # person without an account keeps a placeholder instead of the name.
    with_account = rows.filter(person__isnull=False).update(name="", email="", details="")
    without = rows.filter(person__isnull=True).update(name=ERASED_TEXT, email="", details="")
    return with_account + without


register(
    ConsentRecord,
    people=[
        # Kept: the proof that the person agreed (and when they withdrew) outlives the data.
        by_user("person"),
        by_email("email", fields=("name", "email", "details")),
        by_name("name", fields=("name", "email", "details")),
        by_user("recorded_by", actor=True),
        by_user("withdrawn_by", actor=True),
    ],
    organisation="organisation",
    organisation_export=True,
    visible_to=_consents,
    erase_rows=_erase_consents,
)
register(
    DataExport,
    people=[by_user("person", delete=True), by_user("requested_by", actor=True)],
    organisation="organisation",
    # An export of an export is not useful; its rows are listed in the audit trail.
    organisation_export=False,
    explained={"file": "deleted with the person's exports; organisation exports expire"},
)
register(
    ErasureRequest,
    people=[by_user("person", fields=("message",)), by_user("handled_by", actor=True)],
    organisation_export=False,
)
register(SitePage, people=[by_user("updated_by", actor=True)], organisation_export=False)

# The foundation's retention rules (accounts, exports, e-mails).
from . import retention  # noqa: E402, F401
