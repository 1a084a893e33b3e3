from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IkmoConfig(AppConfig):
    """Cross-cutting infrastructure: audit trail and generated documents."""

    name = "ikmo"
    verbose_name = _("Portal infrastructure")

    def ready(self):
        from . import adminsafety, formfields, pagecache

        formfields.install()
        adminsafety.install()
        pagecache.connect_signals()
