from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Laporan"

    def ready(self):
        from courses.extensions import learning_section_register

        from .learner import learning_section

        learning_section_register(learning_section)
