from django.utils.translation import gettext_lazy as _

from .subprojects import PortalApp


class IkmoConfig(PortalApp):
    """Cross-cutting infrastructure: audit trail and generated documents."""

    name = "ikmo"
    verbose_name = _("Portal infrastructure")
    order = 0
    mails = "mails.MAILS"
    dashboard = "dashboard.cards"  # new messages in any thread (ikmo/threads.py)

    def ready(self):
        from . import adminlist, adminsafety, choicedisplay, choicefetch, pagecache

        adminlist.install()
        adminsafety.install()
        choicedisplay.install()
        choicefetch.install()
        pagecache.connect_signals()
        _translate_third_party_names()
        from . import checks  # noqa: F401  (registers the system checks)


def _translate_third_party_names():
    """allauth's Authenticator has no verbose names: the German admin said "Authenticators",
    "Created at". Only the display names are set; what migrations compare (Meta's declared
    options, each field's own `_verbose_name`) stays as allauth ships it, so no migration."""
    from allauth.mfa.models import Authenticator

    Authenticator._meta.verbose_name = _("two-factor authenticator")
    Authenticator._meta.verbose_name_plural = _("two-factor authenticators")
    labels = {
        "user": _("user"),
        "type": _("type"),
        "data": _("data"),
        "created_at": _("created at"),
        "last_used_at": _("last used at"),
    }
    for name, label in labels.items():
        Authenticator._meta.get_field(name).verbose_name = label
