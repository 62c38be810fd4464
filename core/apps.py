from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Inti"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
        from .admin_sidebar import install

        install()  # Wagtail's admin sidebar kept per user (issue 17)
