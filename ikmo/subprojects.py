"""The sub-projects of the centre, and the one contract by which a portal app plugs in.

Every first-party app's ``AppConfig`` subclasses ``PortalApp`` and names, as class
attributes, the hooks it offers. Each hook is ``"module.attribute"`` inside the app (imported
only when first used, so an app config stays cheap to import)::

    class QualificationConfig(PortalApp):
        name = "qualification"
        verbose_name = SubProject.QUALIFICATION.label
        subproject = SubProject.QUALIFICATION  # one of the centre's sub-projects
        order = 10                            # place in menus, overview and reports
        url_prefix = "qualification/"         # where ikmo/urls.py mounts <app>/urls.py
        cached_routes = ("qualification:home", ...)  # pages ikmo/pagecache.py may keep
        menu_label = _("Qualification")       # short name in the sub-project menu
        home_url = "qualification:home"
        navigation = "navigation.items"       # items(user) -> [(label, url)], "My work" menu
        dashboard = "dashboard.cards"         # cards(user) -> [ikmo.dashboard.Card]
        timeline = "timeline.qualification_events"  # (organisation, user, limit) -> [TimelineEvent]
        indicators = "indicators.INDICATORS"  # [reporting.registry.Indicator]
        documents = "documents.KINDS"         # [ikmo.documents.DocumentKind]
        privacy = "privacy"                   # module declaring personal data (privacy.registry)
        demo = "demo.seed"                    # seed(stdout, *, password=...) for seed_demo
        choosers = "choosers.SCOPES"          # [ikmo.choosers.Scope] its form fields search
        api = "api.ROUTES"                    # [ikmo.api.routes.Route] mounted under /api/v1/
        exports = "exports.LISTS"             # [ikmo.listexports.ExportableList] its staff lists
        mails = "mails.MAILS"                 # [mailtexts.registry.MailKind] the e-mails it sends
        segments = "segments.SEGMENTS"        # [ikmo.segments.Segment] groups staff may write to
        threads = "threads.KINDS"             # [ikmo.threads.ThreadKind] records with messages
        organisation_approved = "services.registrations_carry_over"
                                              # (*, organisation, by): runs in the approval's
                                              # transaction (an initiative's records become
                                              # the organisation's)
        checkins = "checkins.KINDS"           # [ikmo.checkin.CheckInKind] check-in by code

The core finds them through ``django.apps.apps.get_app_configs()`` (``portal_apps()``,
``hooks()``): the URLs, the cached pages, the navigation, the overview cards, the organisation timeline, the
reporting indicators, the personal-data registry, the PDF kinds, the demo data, the
choosers' search scopes, the REST API's endpoints, the list exports, the e-mails staff
may reword, the segments of messages to many, the message threads, what follows an
organisation's approval and the kinds of registration that check in by QR code. No list of apps is
typed anywhere else. ``SubProject`` below stays the set of keys stored in the database
(staff roles); a sub-project's label is its ``verbose_name``, taken from there.
"""

from importlib import import_module

from django.apps import AppConfig, apps
from django.db import models
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

HOOKS = (
    "navigation",
    "dashboard",
    "timeline",
    "indicators",
    "documents",
    "privacy",
    "demo",
    "choosers",
    "api",
    "exports",
    "mails",
    "segments",
    "threads",
    "organisation_approved",
    "checkins",
)


class SubProject(models.TextChoices):
    QUALIFICATION = "qualification", _("Qualification & coaching")
    MENTORING = "mentoring", _("Networking & mentoring")
    PARTICIPATION_CHECK = "participation_check", _("Participation check")
    ACTIONFUND = "actionfund", _("Action fund")
    VOLUNTEERING = "volunteering", _("Volunteer service desk")


class PortalApp(AppConfig):
    """Base of every first-party app config; see the module docstring for the contract."""

    # Django takes the only AppConfig subclass with `default` true in an app's apps.py as its
    # config; this base, imported there, must not count. Its subclasses do.
    default = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.default = cls.__dict__.get("default", True)

    order = 100
    url_prefix = ""  # where the portal mounts `<app>/urls.py`, e.g. "action-fund/"
    cached_routes: tuple[str, ...] = ()  # lists and dashboards ikmo/pagecache.py may keep
    subproject = ""  # the sub-project key (a SubProject value) if the app is one
    menu_label = ""
    home_url = ""  # URL name of the sub-project's start page
    # The hooks ("module.attribute" inside the app, or None): see the module docstring.
    navigation = None
    dashboard = None
    timeline = None
    indicators = None
    documents = None
    privacy = None
    demo = None
    choosers = None
    api = None
    exports = None
    mails = None
    segments = None
    threads = None
    organisation_approved = None
    checkins = None

    def hook(self, name: str):
        """The object a hook names (a function, a list, or for ``privacy`` a module)."""
        path = getattr(self, name)
        if path is None:
            return None
        resolved = self.__dict__.setdefault("_resolved_hooks", {})
        if name not in resolved:
            target = f"{self.name}.{path}"
            resolved[name] = import_module(target) if name == "privacy" else import_string(target)
        return resolved[name]


def portal_apps() -> list[PortalApp]:
    """The installed first-party apps, in their contract order (then INSTALLED_APPS order)."""
    found = [c for c in apps.get_app_configs() if isinstance(c, PortalApp)]
    return sorted(found, key=lambda c: c.order)


def hooks(name: str) -> list[tuple[PortalApp, object]]:
    """``(app config, hook)`` for every installed portal app that offers hook ``name``."""
    if name not in HOOKS:
        raise ValueError(f"no such hook: {name}")
    return [(c, c.hook(name)) for c in portal_apps() if getattr(c, name) is not None]


def app_urlpatterns() -> list:
    """``<app>/urls.py`` of every portal app with a ``url_prefix``, for ikmo/urls.py."""
    from django.urls import include, path

    return [path(c.url_prefix, include(f"{c.name}.urls")) for c in portal_apps() if c.url_prefix]


def subprojects() -> list[PortalApp]:
    """The installed sub-projects (apps with a ``subproject`` key), in their order."""
    return [c for c in portal_apps() if c.subproject]


def subproject_label(key: str):
    """The display name of a sub-project key: its app's ``verbose_name``."""
    for config in subprojects():
        if config.subproject == key:
            return config.verbose_name
    return SubProject(key).label if key in SubProject.values else key


def subproject_choices() -> list[tuple[str, object]]:
    return [(c.subproject, c.verbose_name) for c in subprojects()]
