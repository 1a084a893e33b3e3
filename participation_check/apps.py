from django.utils.translation import gettext_lazy as _

from ikmo.subprojects import PortalApp, SubProject


class ParticipationCheckConfig(PortalApp):
    name = "participation_check"
    verbose_name = SubProject.PARTICIPATION_CHECK.label
    subproject = SubProject.PARTICIPATION_CHECK
    order = 30
    url_prefix = "participation-check/"
    cached_routes = (
        "participation_check:home",
        "participation_check:analysis_list",
    )
    menu_label = _("Participation check")
    home_url = "participation_check:home"
    navigation = "navigation.items"
    timeline = "timeline.participation_check_events"
    indicators = "indicators.INDICATORS"
    documents = "documents.KINDS"
    privacy = "privacy"
    demo = "demo.seed"
    choosers = "choosers.SCOPES"
    exports = "exports.LISTS"
    mails = "mails.MAILS"
