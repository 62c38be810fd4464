from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Kursus"

    def ready(self):
        from .setup import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="courses_site_structure")
