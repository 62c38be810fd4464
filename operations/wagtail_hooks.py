from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from organizations.permissions import sees_all_opds

from .views import pending_view


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("operasional/tertunda/", pending_view, name="operations_pending")]


class PendingMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_all_opds(request.user)


@hooks.register("register_admin_menu_item")
def pending_menu_item():
    return PendingMenuItem(_("Pekerjaan tertunda"), reverse("operations_pending"), icon_name="time", order=190)
