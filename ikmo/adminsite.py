"""The portal's Django admin site (the default `admin.site`, through `PortalAdminConfig`).

Django's admin puts the list of every app and model the person may use into the context of
every admin page (`each_context`'s `available_apps`), for the side navigation, checking the
permissions of each of the ~90 models and reversing their URLs: about 6 ms of every admin
page here. The portal has no side navigation (it was half of a changelist's HTML and render
time; the index lists the models, the breadcrumbs lead there), so the list is built only
when a page shows it: the index, and the side navigation if it is ever turned back on.
"""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.functional import SimpleLazyObject


class PortalAdminSite(AdminSite):
    site_header = "IKMO Portal"
    enable_nav_sidebar = False

    def get_app_list(self, request, app_label=None):
        """Django's list, built when a template first reads it (a list for the caller)."""
        build = super().get_app_list
        return SimpleLazyObject(lambda: build(request, app_label))


class PortalAdminConfig(AdminConfig):
    default_site = "ikmo.adminsite.PortalAdminSite"
