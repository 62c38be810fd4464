from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from organizations.access import RosterManagerMenuItem

from .admin_views import admin_urlpatterns
from .models import CoursePage, Enrollment


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


@hooks.register("register_admin_menu_item")
def register_assign_menu_item():
    return RosterManagerMenuItem(gettext_lazy("Tugaskan kursus"), reverse("courses_assign"), icon_name="group", order=210)


@hooks.register("before_delete_page")
def refuse_deleting_courses_with_learners(request, page):
    """A course someone enrolled in is evidence: unpublish it instead of deleting it."""
    course_ids = list(CoursePage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
    if course_ids and Enrollment.objects.filter(course_id__in=course_ids).exists():
        messages.error(
            request,
            _(
                "Kursus yang sudah memiliki peserta tidak dapat dihapus karena menjadi bukti pelatihan. "
                "Batalkan terbit (unpublish) bila kursus tidak boleh diikuti lagi."
            ),
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action(
        "integritas.enrollment_assign", gettext_lazy("Tugaskan kursus"), gettext_lazy("Pegawai ditugaskan ke kursus")
    )
