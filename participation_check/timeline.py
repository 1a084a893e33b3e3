"""The participation check's contribution to the organisation timeline.

Only the fact that an interview took place appears here, never its contents: the timeline is
shown to the organisation's members and feeds its profile sheet. Links lead to the interview
only for people who may read it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from ikmo.subprojects import SubProject
from organisations.timeline import LIMIT, TimelineEvent, newest

from . import permissions
from .models import ExchangeMeeting, Interview, Recommendation


def participation_check_events(organisation, user, limit=LIMIT):
    staff = permissions.is_pc_staff(user)
    interviews = Interview.objects.filter(organisation=organisation).select_related(
        "analysis", "analysis__district"
    )
    for interview in newest(interviews, "date", limit=limit):
        analysis = interview.analysis
        yield TimelineEvent(
            when=interview.date,
            title=_("Interview for the participation check: %(space)s")
            % {"space": analysis.space_label},
            subproject=SubProject.PARTICIPATION_CHECK,
            url=interview.get_absolute_url()
            if permissions.can_view_interviews(user, analysis)
            else "",
        )
    meetings = ExchangeMeeting.objects.filter(participants=organisation).select_related(
        "analysis", "analysis__district"
    )
    for meeting in newest(meetings, "date", limit=limit):
        yield TimelineEvent(
            when=meeting.date,
            title=_("Exchange meeting: %(title)s") % {"title": meeting.title},
            subproject=SubProject.PARTICIPATION_CHECK,
            detail=meeting.analysis.space_label,
            url=reverse("participation_check:analysis_detail", args=[meeting.analysis_id])
            if staff
            else "",
        )
    recommendations = Recommendation.objects.filter(addressee=organisation).select_related(
        "analysis", "analysis__district"
    )
    if not staff:
        recommendations = recommendations.filter(analysis__status="published")
    for recommendation in newest(recommendations, "created_at", limit=limit):
        analysis = recommendation.analysis
        yield TimelineEvent(
            when=recommendation.created_at,
            title=_("Recommendation received: %(text)s") % {"text": str(recommendation)},
            subproject=SubProject.PARTICIPATION_CHECK,
            detail=f"{analysis.space_label} · {recommendation.get_status_display()}",
            url=reverse("participation_check:report", args=[analysis.pk]),
        )
