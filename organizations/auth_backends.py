from django.contrib.auth.backends import ModelBackend

from .permissions import role_permissions


class RoleAwareModelBackend(ModelBackend):
    """Django's ModelBackend plus the permissions of the user's active roles.

    Role permissions are computed from `RoleAssignment` each request, so an observer's
    access ends the moment the assignment expires, with nothing to clean up.
    Authentication itself is left to allauth's backend (email or NIP); this backend
    authenticates nobody.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        return None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_role_perm_cache"):
            user_obj._role_perm_cache = set(super().get_all_permissions(user_obj)) | role_permissions(
                user_obj
            )
        return user_obj._role_perm_cache
