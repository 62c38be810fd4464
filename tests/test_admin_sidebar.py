"""Wagtail's admin sidebar is kept per user (core/admin_sidebar.py) and never shows a menu the
user no longer has: roles, group permissions, names and the language all reach it at once."""

import datetime
import json
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone, translation

from core import admin_sidebar
from organizations.models import Role, RoleAssignment
from organizations.services import role_assign, role_revoke

SIDEBAR = re.compile(r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>', re.S)


def _texts(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("label", "name") and isinstance(value, str):
                found.add(value)
            _texts(value, found)
    elif isinstance(node, list):
        for value in node:
            _texts(value, found)
    return found


def sidebar_texts(client, url="/admin/") -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    return _texts(json.loads(SIDEBAR.search(response.content.decode()).group(1)), set())


@pytest.fixture
def counted(monkeypatch):
    """How many times Wagtail's own sidebar was built."""
    calls = []
    original = admin_sidebar.wagtail_tags.sidebar_props

    def counting(context):
        calls.append(context["request"].user.pk)
        return original(context)

    monkeypatch.setattr(admin_sidebar.wagtail_tags, "sidebar_props", counting)
    return calls


def test_the_sidebar_is_built_once_per_user_and_kept(client, hr, counted):
    client.force_login(hr)
    first = sidebar_texts(client, "/admin/laporan/penyelesaian/")
    second = sidebar_texts(client, "/admin/laporan/jp/")
    assert "Laporan Penyelesaian Pelatihan" in first
    assert first == second
    assert counted == [hr.pk]


def test_two_users_with_the_same_role_each_see_their_own_name(client, make_staff, counted):
    one, two = make_staff(Role.HR, first_name="Rahmah"), make_staff(Role.HR, first_name="Syahrani")
    client.force_login(one)
    assert "Rahmah" in sidebar_texts(client)
    client.force_login(two)
    texts = sidebar_texts(client)
    assert "Syahrani" in texts and "Rahmah" not in texts
    assert counted == [one.pk, two.pk]


def test_a_revoked_role_leaves_the_menu_at_once(client, editor, counted):
    role_assign(user=editor, role=Role.HR, acting_user=None)
    client.force_login(editor)
    assert "Laporan Penyelesaian Pelatihan" in sidebar_texts(client)
    role_revoke(assignment=RoleAssignment.objects.get(user=editor, role=Role.HR), acting_user=None)
    texts = sidebar_texts(client)
    assert "Laporan Penyelesaian Pelatihan" not in texts
    assert len(counted) == 2


def test_an_expired_role_leaves_the_menu_without_any_signal(client, editor):
    role_assign(user=editor, role=Role.HR, acting_user=None)
    client.force_login(editor)
    assert "Laporan Penyelesaian Pelatihan" in sidebar_texts(client)
    # the role's end date passes: nothing is saved, no signal is sent
    RoleAssignment.objects.filter(user=editor, role=Role.HR).update(valid_until=timezone.now() - datetime.timedelta(minutes=1))
    assert "Laporan Penyelesaian Pelatihan" not in sidebar_texts(client)


def test_a_permission_given_or_taken_through_a_group_shows_at_once(client, observer, counted):
    """The observer has no question import; a group grants it, then loses it."""
    client.force_login(observer)
    assert "Impor soal" not in sidebar_texts(client)
    group = Group.objects.create(name="Uji impor soal")
    permission = Permission.objects.get(codename="import_questions", content_type__app_label="quizzes")
    group.permissions.add(permission)
    observer.groups.add(group)  # membership: m2m on the user
    assert "Impor soal" in sidebar_texts(client)
    group.permissions.remove(permission)  # the group's permissions: m2m on the group
    assert "Impor soal" not in sidebar_texts(client)
    assert len(counted) == 3


def test_the_language_is_part_of_the_key(rf: RequestFactory, hr):
    template = Template("{% load wagtailadmin_tags %}{% sidebar_props %}")
    request = rf.get("/admin/")
    request.user = hr
    with translation.override("id"):
        indonesian = template.render(Context({"request": request}))
    with translation.override("en"):
        english = template.render(Context({"request": request}))
    assert "Laporan Penyelesaian Pelatihan" in indonesian
    assert "Training Completion Report" in english and "Laporan Penyelesaian Pelatihan" not in english


def test_without_the_shared_cache_the_sidebar_is_still_rendered(client, hr, monkeypatch, counted):
    client.force_login(hr)

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("Redis is down")

            return fail

    monkeypatch.setattr(admin_sidebar, "cache", Down())
    assert "Laporan Penyelesaian Pelatihan" in sidebar_texts(client)
    assert "Laporan Penyelesaian Pelatihan" in sidebar_texts(client)
    assert len(counted) == 2  # nothing kept: every page builds it as Wagtail does
