"""The workshop segment of messages to many (ikmo/segments.py): the people registered for a
workshop the sender manages (its trainer, or a lead of qualification), with or without the
waiting list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserField, ChooserForm
from ikmo.segments import PREFIX, Segment
from ikmo.subprojects import SubProject
from organisations.models import User

from . import permissions
from .models import Registration


class WorkshopSegmentForm(ChooserForm, forms.Form):
    # Searched by title (qualification/choosers.py), past workshops too: the page carries
    # only the chosen one, however many workshops the sender ran.
    workshop = ChooserField("message_workshops", label=_("Workshop"))
    waiting_list = forms.BooleanField(
        label=_("Also the people on the waiting list"), required=False, initial=True
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Chosen, it shows with its date, as in the log.
        self.fields["workshop"].label_from_instance = _workshop_label


def _workshop_label(workshop) -> str:
    if workshop.starts_at is None:
        return workshop.title
    return f"{workshop.title} ({timezone.localtime(workshop.starts_at):%d.%m.%Y})"


class WorkshopSegment(Segment):
    key = "qualification.workshop"
    label = _("Workshop participants")
    help_text = _(
        "Everyone registered for one of your workshops, optionally with the waiting list."
    )
    subproject = SubProject.QUALIFICATION

    def allowed(self, user) -> bool:
        return permissions.is_qualification_staff(user)

    def form(self, user, data=None):
        if data is None:
            return WorkshopSegmentForm(user=user, prefix=PREFIX)
        return WorkshopSegmentForm(data, user=user, prefix=PREFIX)

    def recipients(self, user, form):
        statuses = [Registration.Status.CONFIRMED]
        if form.cleaned_data["waiting_list"]:
            statuses.append(Registration.Status.WAITLISTED)
        registrations = Registration.objects.filter(
            workshop=form.cleaned_data["workshop"], status__in=statuses
        )
        return User.objects.filter(is_active=True, pk__in=registrations.values("participant"))

    def describe(self, form) -> str:
        text = _workshop_label(form.cleaned_data["workshop"])
        if form.cleaned_data["waiting_list"]:
            return str(_("%(workshop)s, with the waiting list") % {"workshop": text})
        return text


SEGMENTS = [WorkshopSegment()]
