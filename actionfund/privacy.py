"""Personal data in the action fund (see privacy/registry.py).

Applications, budgets, payments and proofs of use belong to the organisation and are kept
(they are what the funders audit); the people who wrote, scored or booked them are named
only through their accounts, which erasure anonymises.
"""

from privacy.registry import by_user, not_personal, register

from .models import (
    ActualSpending,
    Application,
    Attachment,
    BudgetLine,
    Call,
    Criterion,
    JuryAssignment,
    PartnerInvitation,
    Payment,
    ProofOfUse,
    Receipt,
    ReminderLog,
    Return,
    Score,
    StatusChange,
)

not_personal(Call, "a yearly call for proposals")
not_personal(Criterion, "a published selection criterion")
not_personal(ReminderLog, "marker that a reminder went out for an application")


# What each person can reach in the portal (an organisation export shows no more).
def _applications(user):
    from .selectors import applications_visible_to

    return applications_visible_to(user=user)


def _of_visible_applications(model, path="application"):
    def visible(user):
        return model.objects.filter(**{f"{path}__in": _applications(user).values("pk")})

    return visible


def _of_committed_applications(model, path="application"):
    """Payments, returns and proof of use: shown with the agreement to the organisation and
    fund staff, never to the jury."""

    def visible(user):
        from organisations.models import Membership

        from .permissions import is_fund_staff

        if is_fund_staff(user):
            return model.objects.all()
        own = _applications(user).filter(
            organisation__memberships__user=user,
            organisation__memberships__status=Membership.Status.ACTIVE,
        )
        return model.objects.filter(**{f"{path}__in": own.values("pk")})

    return visible


ORG = ("organisation", "partners")
APP_ORG = ("application__organisation", "application__partners")
FILE_EXPLAINED = {
    "file": "the organisation's document; kept with the application",
    "original_name": "the file name the uploader chose; kept with the file",
}

register(
    Application,
    people=[by_user("created_by", actor=True)],
    organisation=ORG,
    organisation_export=True,
    visible_to=_applications,
)
register(
    BudgetLine,
    organisation=APP_ORG,
    organisation_export=True,
    visible_to=_of_visible_applications(BudgetLine),
)
register(
    Attachment,
    people=[by_user("uploaded_by", actor=True)],
    organisation=APP_ORG,
    organisation_export=True,
    visible_to=_of_visible_applications(Attachment),
    explained=FILE_EXPLAINED,
)
register(
    StatusChange,
    people=[by_user("actor", actor=True)],
    organisation=APP_ORG,
    organisation_export=True,
    visible_to=_of_visible_applications(StatusChange),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    JuryAssignment,
    people=[by_user("juror"), by_user("assigned_by", actor=True)],
    organisation=APP_ORG,
    # Who scored an application is the centre's internal record.
    organisation_export=False,
)
register(
    Score,
    people=[by_user("juror")],
    organisation=APP_ORG,
    organisation_export=False,
    explained={"comment": "the jury's assessment of the application; kept without the name"},
)
register(
    Payment,
    people=[by_user("recorded_by", actor=True)],
    organisation="application__organisation",
    organisation_export=True,
    visible_to=_of_committed_applications(Payment),
)
register(
    Return,
    people=[by_user("recorded_by", actor=True)],
    organisation="application__organisation",
    organisation_export=True,
    visible_to=_of_committed_applications(Return),
    explained={"note": "free text, scrubbed of the person's name on erasure"},
)
register(
    ProofOfUse,
    people=[by_user("reviewed_by", actor=True)],
    organisation="application__organisation",
    organisation_export=True,
    visible_to=_of_committed_applications(ProofOfUse),
    explained={"review_note": "the team's note; scrubbed of the person's name on erasure"},
)
register(
    ActualSpending,
    organisation="proof__application__organisation",
    organisation_export=True,
    visible_to=_of_committed_applications(ActualSpending, "proof__application"),
)
register(
    Receipt,
    people=[by_user("uploaded_by", actor=True)],
    organisation="proof__application__organisation",
    organisation_export=True,
    visible_to=_of_committed_applications(Receipt, "proof__application"),
    explained=FILE_EXPLAINED,
)


def _invitations(user):
    """Invitations the person reaches in the portal: those of applications they may see, and
    those of their own organisations as partner (selectors.invitations_visible_to)."""
    from .selectors import invitations_visible_to

    return PartnerInvitation.objects.filter(
        application__in=_applications(user).values("pk")
    ) | invitations_visible_to(user=user)


register(
    PartnerInvitation,
    people=[
        by_user("invited_by", actor=True),
        by_user("decided_by", actor=True),
        by_user("consented_by", actor=True),
    ],
    organisation=("application__organisation", "organisation"),
    organisation_export=True,
    visible_to=_invitations,
    explained={
        "reason": "the partner's reason for declining or withdrawing; kept with the invitation",
        "consent_text": "the consent text as shown; the record of what was agreed",
    },
)
