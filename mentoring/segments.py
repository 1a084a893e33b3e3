"""The event segment of messages to many (ikmo/segments.py): the people registered for, or
recorded at, an expert round or network event. Attendance names people, so only those who may
see it (the mentoring staff) may write to them."""

from datetime import timedelta

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ikmo.segments import PREFIX, Segment
from ikmo.subprojects import SubProject
from organisations.models import User

from . import permissions
from .models import Event, EventAttendance, EventRegistration

CHOICE_DAYS_BACK = 180


class EventSegmentForm(forms.Form):
    WHO = [
        ("registered", _("Registered")),
        ("attended", _("Attended")),
        ("both", _("Registered or attended")),
    ]

    event = forms.ModelChoiceField(queryset=Event.objects.none(), label=_("Event"))
    who = forms.ChoiceField(choices=WHO, initial="both", label=_("Who"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        since = timezone.now() - timedelta(days=CHOICE_DAYS_BACK)
        events = Event.objects.none()
        if permissions.can_manage_events(user):
            events = Event.objects.filter(starts_at__gte=since).order_by("starts_at", "pk")
        self.fields["event"].queryset = events
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
