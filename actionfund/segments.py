"""The applicant segment of messages to many (ikmo/segments.py): for one call, the applying
organisations' admins and the person who started each application (as the decision mails),
by the status of the application. For the action fund's staff."""

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ikmo.segments import PREFIX, Segment
from ikmo.subprojects import SubProject
from organisations.models import Membership, User

from . import permissions, selectors
from .models import Application, Call, Status


class ApplicantSegmentForm(forms.Form):
    call = forms.ModelChoiceField(queryset=Call.objects.none(), label=_("Call"))
    statuses = forms.MultipleChoiceField(
        choices=Status.choices,
        label=_("Applications with the status"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = selectors.calls_visible_to(user=user).order_by(
            "-year", "title"
        )


class ApplicantSegment(Segment):
    key = "actionfund.applicants"
    label = _("Action-fund applicants")
    help_text = _(
        "For one call: the admins of the applying organisations and whoever started the "
        "application, by the status of the application."
    )
    subproject = SubProject.ACTIONFUND

    def allowed(self, user) -> bool:
        return permissions.is_fund_staff(user)

    def form(self, user, data=None):
        if data is None:
            return ApplicantSegmentForm(user=user, prefix=PREFIX)
        return ApplicantSegmentForm(data, user=user, prefix=PREFIX)

    def recipients(self, user, form):
        applications = selectors.applications_visible_to(user=user).filter(
            call=form.cleaned_data["call"], status__in=form.cleaned_data["statuses"]
        )
        admins = Membership.objects.filter(
            organisation__in=applications.values("organisation"),
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
        ).values("user")
        # Whoever started an application, while still a member of its organisation.
        creators = Application.objects.filter(
            pk__in=applications.values("pk"),
            created_by__memberships__organisation=F("organisation"),
            created_by__memberships__status=Membership.Status.ACTIVE,
        ).values("created_by")
        return User.objects.filter(Q(pk__in=admins) | Q(pk__in=creators), is_active=True)

    def describe(self, form) -> str:
        labels = dict(Status.choices)
        statuses = ", ".join(str(labels[s]) for s in form.cleaned_data["statuses"])
        return f"{form.cleaned_data['call']}: {statuses}"


SEGMENTS = [ApplicantSegment()]
