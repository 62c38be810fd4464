from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from organizations.permissions import sees_all_opds

from .evidence import can_build_evidence
from .views import admin_urlpatterns, can_read_reports


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


class ShownToMenuItem(MenuItem):
    """A menu item shown to the users `shown_to(user)` accepts (the same rule as its view)."""

    def __init__(self, *args, shown_to, **kwargs):
        super().__init__(*args, **kwargs)
        self.shown_to = shown_to

    def is_shown(self, request):
        return self.shown_to(request.user)


MENU = [
    (_("Laporan Penyelesaian Pelatihan"), "reports_completion", "table", can_read_reports),
    (_("Jam pelajaran (JP)"), "reports_jp", "time", can_read_reports),
    (_("Paket bukti"), "reports_evidence", "download", can_build_evidence),
    (_("Log pengingat"), "reports_reminders", "mail", sees_all_opds),
]


def _menu_item(index: int):
    label, url_name, icon, shown_to = MENU[index]
    return ShownToMenuItem(label, reverse(url_name), icon_name=icon, order=100 + index, shown_to=shown_to)


for _index in range(len(MENU)):
    hooks.register("register_admin_menu_item", lambda index=_index: _menu_item(index))


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.report_export", _("Unduh laporan"), _("Laporan diunduh"))
    actions.register_action("integritas.report_view", _("Lihat laporan"), _("Laporan dilihat (pengamat)"))


@hooks.register("register_log_actions")
def register_recap_actions(actions):
    actions.register_action("integritas.recap_freeze", _("Bekukan rekap"), _("Rekap dibekukan"))
    actions.register_action("integritas.evidence_pack", _("Buat paket bukti"), _("Paket bukti dibuat"))
    actions.register_action("integritas.evidence_download", _("Unduh paket bukti"), _("Paket bukti diunduh"))
    actions.register_action("integritas.opd_review", _("Tinjauan kepala OPD"), _("Kepala OPD meninjau progres"))
