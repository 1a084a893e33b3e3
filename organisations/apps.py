from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp


class OrganisationsConfig(PortalApp):
    name = "organisations"
    verbose_name = _("Organisation registry")
    order = 5
    url_prefix = "organisations/"
    cached_routes = ("organisations:directory",)
    timeline = "timeline.registry_events"
    indicators = "indicators.INDICATORS"
    documents = "documents.KINDS"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
    api = "api.ROUTES"
    segments = "segments.SEGMENTS"
    choosers = "choosers.SCOPES"
