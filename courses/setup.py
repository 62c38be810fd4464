"""The site's fixed structure, made to exist after every `migrate` (and after the test
runner flushes the database): the default locale, the page tree root, the HomePage as the default site's root,
the course catalogue page, and the review workflow for course content.

It runs on `post_migrate` like Django's own permissions and content types, with the real
models, so it never drifts from them the way a data migration written today would.
Every step is idempotent.
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext_lazy as _

REVIEWER_GROUP_NAME = "Peninjau Konten"
WORKFLOW_NAME = "Tinjauan konten kursus"
REVIEW_TASK_NAME = "Tinjauan oleh Peninjau Konten"
HOME_TITLE = "Integritas"
INDEX_SLUG = "kursus"


def site_structure_ensure():
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page, Site

    from .models import CourseIndexPage, HomePage

    with transaction.atomic():
        if not Locale.objects.exists():
            Locale.objects.create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.get_first_root_node()
        if root is None:
            root = Page.add_root(
                instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
            )
        if Collection.get_first_root_node() is None:
            Collection.add_root(name="Root")

        home = HomePage.objects.first()
        if home is None:
            # Wagtail's placeholder "Welcome to your new Wagtail site!" page makes way.
            for placeholder in root.get_children().filter(
                content_type=ContentType.objects.get_for_model(Page), numchild=0
            ):
                placeholder.delete()
            home = root.add_child(
                instance=HomePage(
                    title=HOME_TITLE,
                    slug="beranda",
                    intro=str(
                        _(
                            "<p>Pelatihan antikorupsi untuk ASN Pemerintah Kota Banjarbaru: gratifikasi, "
                            "konflik kepentingan, nilai antikorupsi, whistleblowing dan LHKPN.</p>"
                        )
                    ),
                )
            )
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        if site is None:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Integritas")
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.save()

        index = CourseIndexPage.objects.first()
        if index is None:
            index = home.add_child(instance=CourseIndexPage(title=str(_("Katalog kursus")), slug=INDEX_SLUG))

        reviewer_group_ensure(home)
        review_workflow_ensure(home)
    return home, index


def reviewer_group_ensure(home) -> Group:
    """Reviewers publish what editors submit. A reviewer also needs the editor role, which
    brings admin access and, with it, the staff MFA requirement."""
    from wagtail.models import GroupPagePermission

    group, _created = Group.objects.get_or_create(name=REVIEWER_GROUP_NAME)
    for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    return group


def review_workflow_ensure(home):
    """Draft → review by a reviewer → published, for every page under the home page."""
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage, WorkflowTask

    group = Group.objects.get(name=REVIEWER_GROUP_NAME)
    task = GroupApprovalTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK_NAME)
    task.groups.add(group)
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if not WorkflowTask.objects.filter(workflow=workflow, task=task).exists():
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})
    return workflow


def on_post_migrate(sender, **kwargs):
    from django.apps import apps
    from django.db import connection

    # Wait for the last app's post_migrate: Wagtail's locale and every app's permissions
    # (created by django.contrib.auth's own post_migrate handler) must exist first.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label != last.label:
        return
    # Before Wagtail's own tables exist (a partial migrate), there is nothing to set up.
    if "wagtailcore_page" not in connection.introspection.table_names():
        return
    if "courses_homepage" not in connection.introspection.table_names():
        return
    # Wagtail clears its site cache when the site changes; with the database cache (our
    # default) that table must exist first. Idempotent, and a no-op for other caches.
    call_command("createcachetable", database=kwargs.get("using", "default"))
    site_structure_ensure()
