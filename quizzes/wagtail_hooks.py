from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button
from wagtail.snippets.models import register_snippet

from .admin_views import QuestionViewSet, QuizViewSet, admin_urlpatterns
from .package_views import course_export_allowed, package_urlpatterns

register_snippet(QuestionViewSet)
register_snippet(QuizViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [*admin_urlpatterns(), *package_urlpatterns()]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.import_questions")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Impor soal"), reverse("quizzes_import"), icon_name="upload", order=232)


class CourseImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.import_course_packages")


class JpBasisMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.view_quiz") or request.user.has_perm("quizzes.view_question")


@hooks.register("register_admin_menu_item")
def register_course_import_menu_item():
    return CourseImportMenuItem(_("Impor kursus"), reverse("quizzes_course_import"), icon_name="upload", order=235)


@hooks.register("register_admin_menu_item")
def register_jp_basis_menu_item():
    return JpBasisMenuItem(_("Dasar JP"), reverse("quizzes_jp_basis"), icon_name="time", order=236)


def _export_button(page, user, priority):
    from courses.models import CoursePage

    if page.specific_class is CoursePage and page.live and course_export_allowed(user, page):
        yield Button(_("Ekspor kursus"), reverse("quizzes_course_export", args=[page.pk]), icon_name="download", priority=priority)


@hooks.register("register_page_listing_more_buttons")
def course_export_listing_button(page, user, next_url=None):
    yield from _export_button(page, user, 55)


@hooks.register("register_page_header_buttons")
def course_export_header_button(page, user, view_name, next_url=None):
    yield from _export_button(page, user, 66)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.question_import", _("Impor soal"), _("Soal diimpor"))
    actions.register_action("integritas.question_import_approve", _("Setujui impor soal"), _("Impor soal disetujui"))
    actions.register_action("integritas.question_import_reject", _("Tolak impor soal"), _("Impor soal ditolak"))
    actions.register_action("integritas.course_package_load", _("Muat paket kursus"), _("Paket kursus dimuat"))
    actions.register_action("integritas.course_package_export", _("Ekspor kursus"), _("Paket kursus diekspor"))


class QualityMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.change_question")


@hooks.register("register_admin_menu_item")
def register_quality_menu_item():
    return QualityMenuItem(_("Mutu soal"), reverse("quizzes_bank_quality"), icon_name="warning", order=233)
