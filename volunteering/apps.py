from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp, SubProject


class VolunteeringConfig(PortalApp):
    name = "volunteering"
    verbose_name = SubProject.VOLUNTEERING.label
    subproject = SubProject.VOLUNTEERING
    order = 50
    url_prefix = "volunteering/"
    cached_routes = (
        "volunteering:home",
        "volunteering:organisations",
        "volunteering:consultations",
        "volunteering:placements",
        "volunteering:seminars",
    )
    menu_label = _("Volunteer services")
    home_url = "volunteering:home"
    navigation = "navigation.items"
    dashboard = "dashboard.cards"
    timeline = "timeline.volunteering_events"
    indicators = "indicators.INDICATORS"
    privacy = "privacy"
    demo = "demo.seed"
    choosers = "choosers.SCOPES"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
    api = "api.ROUTES"
    threads = "threads.KINDS"
