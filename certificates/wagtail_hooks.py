from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .admin_views import CertificateViewSet, admin_urlpatterns


@hooks.register("register_admin_viewset")
def register_viewsets():
    return [CertificateViewSet("certificates_certificate", url_prefix="sertifikat")]


@hooks.register("register_admin_urls")
def register_admin_urls():
    return admin_urlpatterns()


@hooks.register("register_log_actions")
def register_log_actions(actions):
    actions.register_action("integritas.certificate_revoke", _("Cabut sertifikat"), _("Sertifikat dicabut"))
    actions.register_action("integritas.certificate_reissue", _("Terbitkan ulang sertifikat"), _("Sertifikat diterbitkan ulang"))
    actions.register_action("integritas.certificate_export", _("Unduh sertifikat (ZIP)"), _("Sertifikat diunduh sebagai ZIP"))
