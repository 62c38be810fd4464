from functools import wraps

from django.core.exceptions import PermissionDenied
from wagtail.admin.auth import require_admin_access
from wagtail.admin.menu import MenuItem

from .permissions import can_manage_roster, is_read_only, sees_all_opds


def require_all_opd_reader(view):
    """Admin views whose content spans every OPD (the audit trail): HR, auditors, observers."""

    @require_admin_access
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not sees_all_opds(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def require_roster_manager(request) -> None:
    """HR's writing tools (roster import, course assignment): PermissionDenied otherwise."""
    if not can_manage_roster(request.user) or is_read_only(request.user):
        raise PermissionDenied


class RosterManagerMenuItem(MenuItem):
    """A menu item shown only to those `require_roster_manager` lets in."""

    def is_shown(self, request):
        return can_manage_roster(request.user) and not is_read_only(request.user)
