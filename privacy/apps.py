from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp


class PrivacyConfig(PortalApp):
    """Data protection: the registry of personal data, exports, erasure, retention, consent."""

    name = "privacy"
    verbose_name = _("Data protection")
    order = 70
    url_prefix = "privacy/"
    navigation = "navigation.items"
    # This app's own declarations and the foundation's (ikmo, organisations).
    privacy = "privacy"
    mails = "mails.MAILS"

    def ready(self):
        from .registry import discover

        # Each portal app's personal-data declarations (its `privacy` hook), loaded at start
        # so the retention rules exist before the first beat run.
        discover()
