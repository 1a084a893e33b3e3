from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp


class MessagingConfig(PortalApp):
    """Messages to many (segments the apps declare) and each person's notification choices."""

    name = "messaging"
    verbose_name = _("Messages")
    order = 80
    url_prefix = "messages/"
    navigation = "navigation.items"
    privacy = "privacy"
    demo = "demo.seed"
