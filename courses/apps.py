from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Kursus"

    def ready(self):
        from django.db.models.signals import post_delete
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from .selectors import content_changed
        from .setup import on_post_migrate

        post_migrate.connect(on_post_migrate, dispatch_uid="courses_site_structure")
        # Cached course outlines follow every change to the published page tree.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(content_changed, dispatch_uid=f"courses_content_changed_{id(signal)}")
        post_delete.connect(_page_deleted, dispatch_uid="courses_content_deleted")
        # Sites and their root paths are kept per content version too (selectors.site_for_request).
        from django.db.models.signals import post_save
        from wagtail.models import Site

        post_save.connect(content_changed, sender=Site, dispatch_uid="courses_site_saved")
        post_delete.connect(content_changed, sender=Site, dispatch_uid="courses_site_deleted")
        # Page view restrictions are kept per content version too (selectors.view_restrictions_kept).
        from django.db.models.signals import m2m_changed
        from wagtail.models import PageViewRestriction

        from .selectors import view_restrictions_changed

        post_save.connect(view_restrictions_changed, sender=PageViewRestriction, dispatch_uid="courses_restriction_saved")
        post_delete.connect(view_restrictions_changed, sender=PageViewRestriction, dispatch_uid="courses_restriction_deleted")
        m2m_changed.connect(
            view_restrictions_changed, sender=PageViewRestriction.groups.through, dispatch_uid="courses_restriction_groups"
        )


def _page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        from .selectors import content_changed

        content_changed()
