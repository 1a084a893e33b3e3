from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionfundConfig(AppConfig):
    name = "actionfund"
    verbose_name = _("Action fund")

    def ready(self):
        from . import documents, timeline  # noqa: F401  (register the agreement PDF and events)
