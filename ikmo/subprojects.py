"""The five sub-projects of the centre. Roles and indicators refer to them by these keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubProject(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification & coaching")
    MENTORING = "mentoring", _("Networking & mentoring")
    PARTICIPATION_CHECK = "participation_check", _("Participation check")
    ACTIONFUND = "actionfund", _("Action fund")
    VOLUNTEERING = "volunteering", _("Volunteer service desk")
