"""Wagtail's admin sidebar, rendered once per process for each user and kept until something
it shows changes.

Wagtail builds the sidebar (search area, main menu, account menu) on every admin page: each
menu item asks whether the user may see it, which costs six queries and about 30 ms, a tenth
of the completion report at 500 OPDs (issue 17). What the sidebar shows depends on the user
(name, email for the avatar, superuser, active, roles), the language, and on permissions held
through groups. The first five are in the key of the kept copy, read from the request's user;
the roles are the request's own (`active_roles`, which the admin's permission checks read
anyway), so a role that is approved, revoked or expires shows at once. Everything else (group
membership, a group's permissions, Wagtail's page and collection permissions, a user's
profile) moves `VERSION_KEY` in the shared cache when it changes, which every process reads
once per admin page: all kept sidebars are then rendered again.

`install()` (from CoreConfig.ready(), before any template is compiled) puts this
`sidebar_props` in place of Wagtail's in Wagtail's own `wagtailadmin_tags` library; the
tests fail if it is not in effect. (A second library under the same name, through
TEMPLATES["OPTIONS"]["libraries"], would do the same but makes `manage.py check` warn,
templates.W003.) If the shared cache cannot be read, the sidebar is rendered as Wagtail
renders it.
"""

import logging
import secrets

from django import template
from django.core.cache import cache
from django.utils.translation import get_language
from wagtail.admin.templatetags import wagtailadmin_tags as wagtail_tags

from core.fragments import FragmentMemo

logger = logging.getLogger(__name__)

VERSION_KEY = "integritas:admin-sidebar-version"
SIDEBARS = FragmentMemo(maxsize=512)


def sidebar_version() -> str | None:
    """The shared version of everything the key does not hold; None if the cache is down."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001 - a cache outage must not take the admin down
        logger.warning("admin sidebar: shared cache unavailable, rendering without the kept copy", exc_info=True)
        return None


def sidebar_version_bump(**kwargs) -> None:
    """Signal receiver: a permission, a group membership or a profile changed."""
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:  # noqa: BLE001
        logger.warning("admin sidebar: could not move the version; kept sidebars stay until restart", exc_info=True)


def sidebar_props(context):
    from organizations.permissions import active_roles

    request = context["request"]
    user = request.user
    version = sidebar_version()
    if version is None:
        return wagtail_tags.sidebar_props(context)
    key = (
        "sidebar", get_language(), version, user.pk, user.is_superuser, user.is_active, user.get_username(),
        user.first_name, user.email, tuple(sorted(active_roles(user))),
    )
    html = SIDEBARS.get(key)
    if html is None:
        html = SIDEBARS.put(key, wagtail_tags.sidebar_props(context))
    return html


def install() -> None:
    """Wagtail's `{% sidebar_props %}` becomes ours, and what moves the version is connected:
    called from CoreConfig.ready()."""
    library = template.Library()
    library.simple_tag(sidebar_props, takes_context=True, name="sidebar_props")
    wagtail_tags.register.tags["sidebar_props"] = library.tags["sidebar_props"]
    _connect_signals()


def _connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from wagtail.models import GroupCollectionPermission, GroupPagePermission
    from wagtail.users.models import UserProfile

    user_model = get_user_model()
    for model in (Group, Permission, GroupPagePermission, GroupCollectionPermission, UserProfile):
        post_save.connect(sidebar_version_bump, sender=model, dispatch_uid=f"sidebar-save-{model._meta.label}")
        post_delete.connect(sidebar_version_bump, sender=model, dispatch_uid=f"sidebar-delete-{model._meta.label}")
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(sidebar_version_bump, sender=through, dispatch_uid=f"sidebar-m2m-{through._meta.label}")
