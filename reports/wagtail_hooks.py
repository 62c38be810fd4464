from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from organizations.models import Role
from organizations.permissions import has_role, sees_all_opds

from .evidence import can_build_evidence
from .views import admin_urlpatterns


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_all_opds(request.user) or has_role(request.user, Role.COORDINATOR)


@hooks.register("register_admin_menu_item")
def register_menu_item():
    return ReportMenuItem(_("Laporan Penyelesaian Pelatihan"), reverse("reports_completion"), icon_name="table", order=100)


@hooks.register("register_admin_menu_item")
def register_jp_menu_item():
    return ReportMenuItem(_("Jam pelajaran (JP)"), reverse("reports_jp"), icon_name="time", order=101)


class AllOpdMenuItem(MenuItem):
    def is_shown(self, request):
        return sees_all_opds(request.user)


@hooks.register("register_admin_menu_item")
def register_reminder_menu_item():
    return AllOpdMenuItem(_("Log pengingat"), reverse("reports_reminders"), icon_name="mail", order=103)


class EvidenceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_build_evidence(request.user)


@hooks.register("register_admin_menu_item")
def register_evidence_menu_item():
    return EvidenceMenuItem(_("Paket bukti"), reverse("reports_evidence"), icon_name="download", order=102)


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
