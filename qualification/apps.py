from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp, SubProject


class QualificationConfig(PortalApp):
    name = "qualification"
    verbose_name = SubProject.QUALIFICATION.label
    subproject = SubProject.QUALIFICATION
    order = 10
    url_prefix = "qualification/"
    cached_routes = (
        "qualification:home",
        "qualification:workshop_list",
        "qualification:my_registrations",
        "qualification:coaching",
    )
    menu_label = _("Qualification")
    home_url = "qualification:home"
    navigation = "navigation.items"
    dashboard = "dashboard.cards"
    timeline = "timeline.qualification_events"
    indicators = "indicators.INDICATORS"
    documents = "documents.KINDS"
    privacy = "privacy"
    demo = "demo.seed"
    choosers = "choosers.SCOPES"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
    api = "api.ROUTES"
    segments = "segments.SEGMENTS"
    threads = "threads.KINDS"
    organisation_approved = "services.registrations_carry_over"
    checkins = "checkins.KINDS"
