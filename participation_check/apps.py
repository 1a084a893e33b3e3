from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationCheckConfig(AppConfig):
    name = "participation_check"
    verbose_name = _("Participation check")

    def ready(self):
        from . import documents, timeline  # noqa: F401  (registers the report and timeline events)
