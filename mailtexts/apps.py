from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp


class MailtextsConfig(PortalApp):
    """Staff-edited wording of the portal's e-mails, per language (see mailtexts.registry)."""

    name = "mailtexts"
    verbose_name = _("E-mail texts")
    order = 80
    url_prefix = "mail-texts/"
    navigation = "navigation.items"
    privacy = "privacy"
