"""Who may do what in the action fund. Plain predicates; views and selectors use only these.

- Fund staff: portal admins, project leads and consultants of the action fund (or of all
  sub-projects). They may read every application; only leads (and admins) change anything.
- Jury members: only the applications they are assigned to, and only once submitted; never
  the conversation between the applicant and the fund's staff.
- Applicants: active members of the applying organisation, for that organisation only.
- Partners: active members of an organisation invited to an application see the invitation
  and, while it is open or accepted, the application read-only (never notes, scores, files);
  only its admins answer, since consent binds the organisation.
"""

from django.db.models import Q

from ikmo.subprojects import SubProject
from organisations.models import Membership, StaffRole
from organisations.permissions import active_membership, is_organisation_admin
from organisations.permissions import is_project_lead as _is_project_lead

from .models import (
    EDITABLE_STATUSES,
    PROOF_OPEN_STATUSES,
    UNDECIDED_STATUSES,
    Application,
    JuryAssignment,
    PartnerInvitation,
    Status,
)

SUBPROJECT = SubProject.ACTIONFUND


def is_fund_lead(user) -> bool:
    return bool(user.is_authenticated and user.is_active and _is_project_lead(user, SUBPROJECT))


def is_fund_staff(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (is_fund_lead(user) or user.has_staff_role(StaffRole.Role.CONSULTANT, SUBPROJECT))
    )


def is_juror(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_staff_role(StaffRole.Role.JURY, SUBPROJECT)
    )


def is_applicant(user, application: Application) -> bool:
    return active_membership(user, application.organisation) is not None


def is_assigned_juror(user, application: Application) -> bool:
    if not is_juror(user):
        return False
    cache = user.__dict__.setdefault("_fund_assignment_cache", {})
    if application.pk not in cache:
        cache[application.pk] = application.jury_assignments.filter(juror=user).exists()
    return cache[application.pk]


def can_view_application(user, application: Application) -> bool:
    """The rule of ``visible_applications_q``, for one application already loaded."""
    if not user.is_authenticated:
        return False
    if is_fund_staff(user) or is_applicant(user, application):
        return True
    return application.status != Status.DRAFT and is_assigned_juror(user, application)


def visible_applications_q(user) -> Q:
    """``can_view_application`` as a filter, for the selector every lookup and list uses."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_fund_staff(user):
        return Q()
    visible = in_member_organisations(user)
    if is_juror(user):
        assigned = JuryAssignment.objects.filter(juror=user).values("application_id")
        visible |= Q(pk__in=assigned) & ~Q(status=Status.DRAFT)
    return visible


def can_edit_application(user, application: Application) -> bool:
    return application.status in EDITABLE_STATUSES and is_applicant(user, application)


def can_manage_application(user, application: Application | None = None) -> bool:
    return is_fund_lead(user)


def can_score(user, application: Application) -> bool:
    return application.status == Status.IN_REVIEW and is_assigned_juror(user, application)


def can_see_scores(user, application: Application) -> bool:
    """All scores are for fund staff. A juror sees only their own (on the scoring page), so
    each judgement stays independent; applicants never see scores."""
    return is_fund_staff(user)


def can_see_history_with_centre(user, application: Application) -> bool:
    return is_fund_staff(user) or is_assigned_juror(user, application)


def can_view_agreement(user, application: Application) -> bool:
    """The funding agreement PDF: the organisation and fund staff only, never the jury."""
    return is_fund_staff(user) or is_applicant(user, application)


def can_submit_proof(user, application: Application) -> bool:
    return application.status in PROOF_OPEN_STATUSES and is_applicant(user, application)


def can_export(user) -> bool:
    return is_fund_staff(user)


def can_read_messages(user, application: Application) -> bool:
    """The conversation about an application and its files: the applying organisation and the
    fund's staff. Never the jury, even when assigned: the conversation may hold personal or
    financial details beyond the application they score."""
    return is_fund_staff(user) or is_applicant(user, application)


def message_readers_q(user) -> Q:
    """``can_read_messages`` as a filter, for the thread kind's selector."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if is_fund_staff(user):
        return Q()
    return in_member_organisations(user)


def in_member_organisations(user) -> Q:
    """Rows (applications, invitations) of the organisations the person is an active member
    of, as a semi-join: each row once, so no DISTINCT (a join through the memberships repeats
    rows, and DISTINCT over an application's many columns cost PostgreSQL more to plan than
    to run)."""
    return Q(
        organisation__in=Membership.objects.filter(
            user=user, status=Membership.Status.ACTIVE
        ).values("organisation")
    )


def can_download_attachments(user, application: Application) -> bool:
    """The application's files: the applicant, fund staff and its assigned jury, never its
    partners (cost estimates and quotes are the applicant's business papers)."""
    return can_view_application(user, application)


# --- partner organisations ------------------------------------------------------------------


def can_invite_partners(user, application: Application) -> bool:
    """Inviting (and taking back an open invitation) is part of writing the application."""
    return can_edit_application(user, application)


def is_partner_member(user, invitation: PartnerInvitation) -> bool:
    return active_membership(user, invitation.organisation) is not None


def is_partner_admin(user, invitation: PartnerInvitation) -> bool:
    """Consent binds the organisation: only its admins answer for it."""
    return is_organisation_admin(user, invitation.organisation)


def visible_invitations_q(user) -> Q:
    """``is_partner_member`` as a filter: the invitations of the person's organisations."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return in_member_organisations(user)


def can_see_shared_application(user, invitation: PartnerInvitation) -> bool:
    """The application read-only, for its partners while the invitation is open (to decide)
    or accepted; not after a "no" or a withdrawal. Page, e-mail links and API alike."""
    return invitation.status in (
        PartnerInvitation.Status.INVITED,
        PartnerInvitation.Status.ACCEPTED,
    ) and is_partner_member(user, invitation)


def can_answer_invitation(user, invitation: PartnerInvitation) -> bool:
    """Accept or decline: an admin of the partner organisation, before the decision."""
    return (
        invitation.status == PartnerInvitation.Status.INVITED
        and invitation.application.status in UNDECIDED_STATUSES
        and is_partner_admin(user, invitation)
    )


def can_withdraw_consent(user, invitation: PartnerInvitation) -> bool:
    return (
        invitation.status == PartnerInvitation.Status.ACCEPTED
        and invitation.application.status in UNDECIDED_STATUSES
        and is_partner_admin(user, invitation)
    )
