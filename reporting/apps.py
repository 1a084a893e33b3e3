from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Funder reporting")

    def ready(self):
        from . import documents, measures, wiring

        measures.register()
        wiring.register()
        documents.register()
