from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Networking & mentoring")

    def ready(self):
        from . import timeline  # noqa: F401  (registers the organisation timeline provider)
