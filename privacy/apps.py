from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection: the registry of personal data, exports, erasure, retention, consent."""

    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app declares its personal data in `<app>/privacy.py` (this app's own and the
        # foundation's declarations live in privacy/privacy.py).
        autodiscover_modules("privacy")
