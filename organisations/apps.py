from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisation registry")

    def ready(self):
        from . import documents, timeline  # noqa: F401  (registers the profile sheet and events)
