from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp, SubProject


class MentoringConfig(PortalApp):
    name = "mentoring"
    verbose_name = SubProject.MENTORING.label
    subproject = SubProject.MENTORING
    order = 20
    url_prefix = "mentoring/"
    cached_routes = (
        "mentoring:home",
        "mentoring:contact_list",
        "mentoring:event_list",
        "mentoring:tandem_list",
    )
    menu_label = _("Mentoring")
    home_url = "mentoring:home"
    navigation = "navigation.items"
    dashboard = "dashboard.cards"
    timeline = "timeline.mentoring_events"
    indicators = "indicators.INDICATORS"
    privacy = "privacy"
    demo = "demo.seed"
    choosers = "choosers.SCOPES"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
    api = "api.ROUTES"
    segments = "segments.SEGMENTS"
    checkins = "checkins.KINDS"
    documents = "documents.KINDS"
