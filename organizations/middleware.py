from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .permissions import is_staff_member

ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class StaffMfaMiddleware:
    """Staff must set up TOTP (allauth MFA) before they reach either admin.

    Logging in goes through allauth for everyone, so once TOTP is set up every later login
    asks for the code. `INTEGRITAS_STAFF_MFA_REQUIRED=0` relaxes this for a local demo only;
    production settings refuse it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.STAFF_MFA_REQUIRED
            and request.path.startswith(ADMIN_PREFIXES)
            and request.user.is_authenticated
            and is_staff_member(request.user)
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(
                request,
                _("Demi keamanan data pegawai, aktifkan verifikasi dua langkah (aplikasi autentikator) sebelum membuka halaman admin."),
            )
            url = reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(url)
        return self.get_response(request)
