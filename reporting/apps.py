from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp


class ReportingConfig(PortalApp):
    name = "reporting"
    verbose_name = _("Funder reporting")
    order = 60
    url_prefix = "reporting/"
    cached_routes = ("reporting:dashboard",)
    navigation = "navigation.items"
    indicators = "measures.INDICATORS"  # the cross-project counts; each app brings its own
    documents = "documents.KINDS"
    privacy = "privacy"
    choosers = "choosers.SCOPES"
    api = "api.ROUTES"

    def ready(self):
        from .deletions import track_deletions
        from .taking_part import watch_writes

        track_deletions()
        watch_writes()
