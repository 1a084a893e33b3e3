from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = _("Qualification & coaching")

    def ready(self):
        from . import documents, timeline  # noqa: F401  (registers PDF kinds and timeline events)
