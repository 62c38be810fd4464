from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .access import RosterManagerMenuItem
from .admin_views import EmployeeViewSet, OpdViewSet, RoleAssignmentViewSet, roster_urlpatterns


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [
        EmployeeViewSet("organizations_employee", url_prefix="pegawai"),
        OpdViewSet("organizations_opd", url_prefix="opd"),
        RoleAssignmentViewSet("organizations_role", url_prefix="peran-staf"),
    ]


@hooks.register("register_admin_urls")
def register_roster_urls():
    return roster_urlpatterns()


@hooks.register("register_admin_menu_item")
def register_roster_menu_item():
    return RosterManagerMenuItem(
        _("Impor data pegawai"), reverse("organizations_roster_upload"), icon_name="upload", order=205
    )


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.roster_import", _("Impor data pegawai"), _("Data pegawai diimpor"))
    actions.register_action("integritas.employee_create", _("Tambah pegawai"), _("Pegawai ditambahkan"))
    actions.register_action("integritas.employee_deactivate", _("Nonaktifkan pegawai"), _("Pegawai dinonaktifkan"))
    actions.register_action("integritas.employee_activate", _("Aktifkan pegawai"), _("Pegawai diaktifkan"))
    actions.register_action("integritas.role_assign", _("Beri peran staf"), _("Peran staf diberikan"))
    actions.register_action("integritas.role_change", _("Ubah peran staf"), _("Peran staf diubah"))
    actions.register_action("integritas.role_revoke", _("Cabut peran staf"), _("Peran staf dicabut"))
    actions.register_action("integritas.role_request", _("Minta persetujuan peran"), _("Peran staf menunggu persetujuan"))
    actions.register_action("integritas.role_approve", _("Setujui peran staf"), _("Peran staf disetujui"))
    actions.register_action("integritas.role_refuse", _("Tolak peran staf"), _("Permintaan peran staf ditolak"))
    actions.register_action(
        "integritas.role_request_expire", _("Kedaluwarsa permintaan peran"), _("Permintaan peran staf kedaluwarsa")
    )
    actions.register_action("integritas.account_activate", _("Aktivasi akun"), _("Akun diaktifkan dari data pegawai"))
