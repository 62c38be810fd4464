from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .admin_views import ApiClientViewSet, admin_urlpatterns, can_download_history


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [ApiClientViewSet("api_client", url_prefix="klien-api")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


class CourseHistoryMenuItem(MenuItem):
    def is_shown(self, request):
        return can_download_history(request.user)


@hooks.register("register_admin_menu_item")
def register_course_history_menu_item():
    return CourseHistoryMenuItem(_("Riwayat diklat (unduh)"), reverse("api_course_history"), icon_name="download", order=120)


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.api_client_create", _("Buat klien API"), _("Klien API dibuat"))
    actions.register_action("integritas.api_client_change", _("Ubah klien API"), _("Klien API diubah"))
    actions.register_action("integritas.api_key_rotate", _("Ganti kunci API"), _("Kunci API diganti"))
    actions.register_action("integritas.api_client_revoke", _("Cabut kunci API"), _("Kunci API dicabut"))
    actions.register_action("integritas.course_history_export", _("Unduh riwayat diklat"), _("Riwayat diklat diunduh"))
