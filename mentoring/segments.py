"""The event segment of messages to many (ikmo/segments.py): the people registered for, or
recorded at, an expert round or network event. Attendance names people, so only those who may
see it (the mentoring staff) may write to them."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.choosers import ChooserField, ChooserForm
from ikmo.segments import PREFIX, Segment
from ikmo.subprojects import SubProject
from organisations.models import User

from . import permissions
from .models import EventAttendance, EventRegistration


class EventSegmentForm(ChooserForm, forms.Form):
    WHO = [
        ("registered", _("Registered")),
        ("attended", _("Attended")),
        ("both", _("Registered or attended")),
    ]

    # Searched by title (mentoring/choosers.py), past events too: the page carries only the
    # chosen one.
    event = ChooserField("message_events", label=_("Event"))
    who = forms.ChoiceField(choices=WHO, initial="both", label=_("Who"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        # Chosen, it shows with its date, as in the log.
        self.fields["event"].label_from_instance = _event_label


def _event_label(event) -> str:
    return f"{event.title} ({timezone.localtime(event.starts_at):%d.%m.%Y})"


class EventSegment(Segment):
    key = "mentoring.event"
    label = _("Event participants")
    help_text = _("The people registered for an expert round or network event, or recorded there.")
    subproject = SubProject.MENTORING

    def allowed(self, user) -> bool:
        return permissions.can_manage_events(user)

    def form(self, user, data=None):
        if data is None:
            return EventSegmentForm(user=user, prefix=PREFIX)
        return EventSegmentForm(data, user=user, prefix=PREFIX)

    def recipients(self, user, form):
        event = form.cleaned_data["event"]
        if not permissions.can_view_attendance(user, event):
            return User.objects.none()
        who = form.cleaned_data["who"]
        registered = Q(pk__in=EventRegistration.objects.filter(event=event).values("person"))
        attended = Q(pk__in=EventAttendance.objects.filter(event=event).values("person"))
        chosen = {"registered": registered, "attended": attended}.get(who, registered | attended)
        return User.objects.filter(chosen, is_active=True)

    def describe(self, form) -> str:
        who = dict(EventSegmentForm.WHO)[form.cleaned_data["who"]]
        return f"{_event_label(form.cleaned_data['event'])}: {who}"


SEGMENTS = [EventSegment()]
