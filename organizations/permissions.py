"""Who may do what. Roles are `RoleAssignment` rows; this module turns them into Django
permissions (read by `auth_backends.RoleAwareModelBackend`) and into plain questions that
views and selectors ask (`can_manage_roster(user)`).

An expired assignment (observers always expire) grants nothing, everywhere at once.
"""


from .models import Role, RoleAssignment

STAFF_BASE = {"wagtailadmin.access_admin"}
ROSTER_READ = {"organizations.view_opd", "organizations.view_employee"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.HR: STAFF_BASE
    | ROSTER_READ
    | {
        "organizations.add_opd",
        "organizations.change_opd",
        "organizations.add_employee",
        "organizations.change_employee",
        "organizations.import_roster",
        "organizations.view_rosterimport",
        "organizations.view_roleassignment",
        "organizations.add_roleassignment",
        "organizations.change_roleassignment",
        "organizations.delete_roleassignment",
        "certificates.view_certificate",
        # Pengaturan program: BKPSDM sets "menit per JP" (the JP basis of every course) and the
        # local contacts; core's setting, named as a string like the API's below
        "core.change_programsettings",
        # the HR systems' API clients (api app; named here as strings, no import upward)
        "api.view_apiclient",
        "api.add_apiclient",
        "api.change_apiclient",
    },
    Role.COORDINATOR: STAFF_BASE | ROSTER_READ | {"certificates.view_certificate"},
    Role.AUDITOR: STAFF_BASE
    | ROSTER_READ
    | {
        "organizations.view_rosterimport",
        "organizations.view_roleassignment",
        "certificates.view_certificate",
        "certificates.revoke_certificate",
        "certificates.change_certificatesettings",
    },
    Role.OBSERVER: STAFF_BASE | ROSTER_READ | {"certificates.view_certificate"},
    Role.EDITOR: STAFF_BASE
    | {
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "quizzes.add_question",
        "quizzes.change_question",
        "quizzes.view_question",
        "quizzes.add_quiz",
        "quizzes.change_quiz",
        "quizzes.view_quiz",
        "quizzes.import_questions",
        "quizzes.import_course_packages",
        # quizzes and questions are snippets under review: editors save drafts, submit them
        # and lock what they work on, like pages; publishing is the reviewer group's
        # (quizzes.setup), never the editor role's
        "quizzes.lock_question",
        "quizzes.unlock_question",
        "quizzes.lock_quiz",
        "quizzes.unlock_quiz",
    },
}

# Roles that see every OPD. A coordinator sees only the OPDs of their assignment.
ALL_OPD_ROLES = {Role.HR, Role.AUDITOR, Role.OBSERVER}
STAFF_ROLES = set(Role)

_CACHE_ATTR = "_integritas_active_roles"


def active_roles(user) -> frozenset[str]:
    """The roles `user` holds now, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            RoleAssignment.objects.active().filter(user=user).values_list("role", flat=True)
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user) -> None:
    """Drop the per-request cache after a role change."""
    for attr in (_CACHE_ATTR, "_perm_cache", "_user_perm_cache", "_group_perm_cache", "_role_perm_cache"):
        if hasattr(user, attr):
            delattr(user, attr)


def role_permissions(user) -> set[str]:
    perms: set[str] = set()
    for role in active_roles(user):
        perms |= ROLE_PERMISSIONS.get(role, set())
    return perms


def has_role(user, *roles: str) -> bool:
    return bool(active_roles(user) & set(roles))


def is_staff_member(user) -> bool:
    """Anyone who works in the admin: a role holder or a superuser."""
    return bool(user.is_authenticated and (user.is_superuser or active_roles(user)))


def sees_all_opds(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or has_role(user, *ALL_OPD_ROLES)))


def can_manage_roster(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("organizations.import_roster"))


def can_manage_roles(user) -> bool:
    return bool(user.is_authenticated and user.has_perm("organizations.add_roleassignment"))


def is_read_only(user) -> bool:
    """Observers read only, whatever else a bug might offer them."""
    return bool(
        user.is_authenticated
        and not user.is_superuser
        and active_roles(user)
        and active_roles(user) <= {Role.OBSERVER}
    )
