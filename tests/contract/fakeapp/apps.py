"""A made-up sub-project that plugs in only through the portal contract (ikmo/subprojects.py).

Installed by tests/contract/test_contract.py for one test: nothing in the portal names it.
"""

from ikmo.subprojects import PortalApp


class CitizensLabConfig(PortalApp):
    name = "tests.contract.fakeapp"
    label = "citizens_lab"
    verbose_name = "Citizens Lab"
    subproject = "citizens_lab"
    order = 45  # between the action fund (40) and the volunteer service desk (50)
    url_prefix = "citizens-lab/"
    cached_routes = ("citizens_lab:home",)
    menu_label = "Lab"
    home_url = "citizens_lab:home"
    navigation = "hooks.navigation_items"
    dashboard = "hooks.cards"
    timeline = "hooks.events"
    indicators = "hooks.INDICATORS"
    documents = "hooks.KINDS"
    privacy = "hooks"
    demo = "hooks.seed"
    choosers = "hooks.CHOOSERS"
