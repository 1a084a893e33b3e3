from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = _("Volunteer service desk")

    def ready(self):
        from . import timeline  # noqa: F401  (registers the timeline provider)
