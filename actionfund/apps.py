from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp, SubProject


class ActionfundConfig(PortalApp):
    name = "actionfund"
    verbose_name = SubProject.ACTIONFUND.label
    subproject = SubProject.ACTIONFUND
    order = 40
    url_prefix = "action-fund/"
    cached_routes = (
        "actionfund:home",
        "actionfund:call_list",
        "actionfund:application_list",
        "actionfund:jury_list",
    )
    menu_label = _("Action fund")
    home_url = "actionfund:home"
    navigation = "navigation.items"
    dashboard = "dashboard.cards"
    timeline = "timeline.actionfund_events"
    indicators = "indicators.INDICATORS"
    documents = "documents.KINDS"
    privacy = "privacy"
    demo = "demo.seed"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
    api = "api.ROUTES"
    segments = "segments.SEGMENTS"
    threads = "threads.KINDS"
