from functools import wraps

from django.core.exceptions import PermissionDenied
from wagtail.admin.auth import require_admin_access

from .permissions import sees_all_opds


def require_all_opd_reader(view):
    """Admin views whose content spans every OPD (the audit trail): HR, auditors, observers."""

    @require_admin_access
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sees_all_opds(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
