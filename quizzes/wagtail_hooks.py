from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import QuestionViewSet, QuizViewSet, admin_urlpatterns


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [QuestionViewSet("quizzes_question", url_prefix="bank-soal"), QuizViewSet("quizzes_quiz", url_prefix="kuis")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.import_questions")


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Impor soal"), reverse("quizzes_import"), icon_name="upload", order=232)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.question_import", _("Impor soal"), _("Soal diimpor"))


class QualityMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("quizzes.change_question")


@hooks.register("register_admin_menu_item")
def register_quality_menu_item():
    return QualityMenuItem(_("Mutu soal"), reverse("quizzes_bank_quality"), icon_name="warning", order=233)
