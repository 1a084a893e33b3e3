from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Factories and the scale generator: never in production's INSTALLED_APPS."""

    name = "devtools"
    verbose_name = "Development tools"
