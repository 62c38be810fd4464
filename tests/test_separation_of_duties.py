"""Item 2 of issue 14: nobody grants a role to themselves; HR and auditor grants need a
second person (another HR holder or a superuser) and give no power until approved."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from wagtail.models import ModelLogEntry

from organizations.models import Role, RoleAssignment
from organizations.permissions import active_roles, forget_roles, is_staff_member, sees_all_opds
from organizations.services import role_approve, role_assign, role_refuse, role_requests_expire

from .factories import UserFactory

ROLES_URL = "/admin/peran-staf/"


@pytest.fixture
def hr_a(make_staff):
    return make_staff(Role.HR, email="hr-a@example.test")


@pytest.fixture
def hr_c(make_staff):
    return make_staff(Role.HR, email="hr-c@example.test")


def fresh(user):
    forget_roles(user)
    return type(user).objects.get(pk=user.pk)


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.HR, Role.EDITOR, Role.OBSERVER])
def test_hr_cannot_grant_itself_a_role_in_the_admin(client, hr_a, role):
    """The finding: HR posted /admin/peran-staf/new/ with itself as auditor and it was saved."""
    client.force_login(hr_a)
    data = {"user": hr_a.pk, "role": role}
    if role == Role.OBSERVER:
        data["valid_until"] = (timezone.localtime() + datetime.timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    response = client.post(f"{ROLES_URL}new/", data)
    assert response.status_code == 200
    # (HR on itself is already refused as a duplicate by the form)
    assert "peran Anda sendiri" in response.content.decode() or role == Role.HR
    assert set(RoleAssignment.objects.filter(user=hr_a).values_list("role", flat=True)) == {Role.HR}
    assert not fresh(hr_a).has_perm("certificates.revoke_certificate")


def test_a_coordinator_role_on_oneself_is_refused_by_the_service(hr_a, opd_a):
    with pytest.raises(Exception, match="peran Anda sendiri"):
        role_assign(user=hr_a, role=Role.COORDINATOR, opds=[opd_a], acting_user=hr_a)


def test_auditor_grant_waits_for_a_second_hr_and_gives_no_power_until_then(client, hr_a, hr_c, django_capture_on_commit_callbacks):
    target = UserFactory(email="b@example.test")
    client.force_login(hr_a)
    response = client.post(f"{ROLES_URL}new/", {"user": target.pk, "role": Role.AUDITOR})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.is_pending and assignment.pending_until > timezone.now()

    # pending: no power anywhere
    target = fresh(target)
    assert active_roles(target) == frozenset()
    assert not is_staff_member(target) and not sees_all_opds(target)
    assert not target.has_perm("certificates.revoke_certificate")
    assert not target.has_perm("certificates.change_certificatesettings")
    client.force_login(target)
    assert client.get("/admin/").status_code in (302, 403)

    # the grantor cannot approve its own grant
    client.force_login(hr_a)
    response = client.post(f"{ROLES_URL}approve/{assignment.pk}/")
    assert response.status_code == 302
    assert RoleAssignment.objects.get(pk=assignment.pk).is_pending
    assert "Setujui peran" not in client.get(f"{ROLES_URL}review/{assignment.pk}/").content.decode()

    # a second HR approves from the review page
    client.force_login(hr_c)
    page = client.get(f"{ROLES_URL}review/{assignment.pk}/").content.decode()
    assert "Setujui peran" in page and "b@example.test" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ROLES_URL}approve/{assignment.pk}/")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.is_pending and assignment.approved_by == hr_c
    target = fresh(target)
    assert active_roles(target) == {Role.AUDITOR}
    assert target.has_perm("certificates.revoke_certificate")

    actions = list(ModelLogEntry.objects.filter(object_id=str(assignment.pk)).order_by("timestamp").values_list("action", "user_id"))
    assert actions == [("integritas.role_request", hr_a.pk), ("integritas.role_approve", hr_c.pk)]
    # mailed to the other holders and approvers, not to the one who approved
    assert len(mail.outbox) == 1
    assert "hr-a@example.test" in mail.outbox[0].to and "hr-c@example.test" not in mail.outbox[0].to
    assert "disetujui" in mail.outbox[0].subject


def test_the_grantee_cannot_approve_its_own_pending_role(hr_a, make_staff):
    other_hr = make_staff(Role.HR)
    assignment = role_assign(user=other_hr, role=Role.AUDITOR, acting_user=hr_a)
    with pytest.raises(Exception, match="Hanya staf HR lain"):
        role_approve(assignment=assignment, acting_user=other_hr)


@pytest.mark.parametrize("approver_kind", ["auditor", "coordinator", "observer"])
def test_only_hr_or_a_superuser_approves(hr_a, make_staff, opd_a, approver_kind):
    approver = make_staff(approver_kind, opds=[opd_a] if approver_kind == "coordinator" else [])
    assignment = role_assign(user=UserFactory(), role=Role.HR, acting_user=hr_a)
    with pytest.raises(Exception, match="Hanya staf HR lain"):
        role_approve(assignment=assignment, acting_user=approver)
    superuser = UserFactory(is_superuser=True)
    assert role_approve(assignment=assignment, acting_user=superuser).approved_by == superuser


def test_an_hr_grant_is_pending_and_the_new_hr_cannot_approve_others_meanwhile(hr_a, hr_c):
    newcomer = UserFactory()
    pending_hr = role_assign(user=newcomer, role=Role.HR, acting_user=hr_a)
    second = role_assign(user=UserFactory(), role=Role.AUDITOR, acting_user=hr_a)
    with pytest.raises(Exception, match="Hanya staf HR lain"):
        role_approve(assignment=second, acting_user=fresh(newcomer))
    role_approve(assignment=pending_hr, acting_user=hr_c)
    assert role_approve(assignment=second, acting_user=fresh(newcomer)).approved_by == newcomer


def test_refusal_removes_the_request_and_is_audited_and_mailed(client, hr_a, hr_c, django_capture_on_commit_callbacks):
    target = UserFactory(email="b@example.test")
    assignment = role_assign(user=target, role=Role.AUDITOR, acting_user=hr_a)
    mail.outbox.clear()
    client.force_login(hr_c)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{ROLES_URL}refuse/{assignment.pk}/", {"reason": "Tidak ada surat tugas"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=target).exists()
    entry = ModelLogEntry.objects.get(action="integritas.role_refuse")
    assert entry.user == hr_c and entry.data["reason"] == "Tidak ada surat tugas" and entry.data["role"] == "auditor"
    assert len(mail.outbox) == 1 and "ditolak" in mail.outbox[0].subject
    assert "hr-a@example.test" in mail.outbox[0].to
    assert "Tidak ada surat tugas" in mail.outbox[0].body


def test_the_grantor_cannot_refuse_either(hr_a):
    assignment = role_assign(user=UserFactory(), role=Role.AUDITOR, acting_user=hr_a)
    with pytest.raises(Exception, match="Pemberi peran"):
        role_refuse(assignment=assignment, acting_user=hr_a)


def test_a_request_expires_unapproved(hr_a, hr_c, settings, django_capture_on_commit_callbacks):
    target = UserFactory()
    assignment = role_assign(user=target, role=Role.AUDITOR, acting_user=hr_a)
    assert assignment.pending_until - timezone.now() > datetime.timedelta(hours=settings.ROLE_APPROVAL_HOURS - 1)
    RoleAssignment.objects.filter(pk=assignment.pk).update(pending_until=timezone.now() - datetime.timedelta(seconds=1))
    with pytest.raises(Exception, match="kedaluwarsa"):
        role_approve(assignment=assignment, acting_user=hr_c)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert role_requests_expire() == 1
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert ModelLogEntry.objects.filter(action="integritas.role_request_expire").count() == 1
    assert len(mail.outbox) == 1 and "kedaluwarsa" in mail.outbox[0].subject
    assert role_requests_expire() == 0


def test_every_hr_grant_is_mailed_to_the_other_holders(hr_a, hr_c, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        role_assign(user=UserFactory(), role=Role.HR, acting_user=hr_a)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["hr-c@example.test"] and "menunggu persetujuan" in mail.outbox[0].subject


def test_an_active_hr_role_may_be_shortened_but_not_extended_without_a_new_grant(hr_a, hr_c):
    role = RoleAssignment.objects.get(user=hr_c, role=Role.HR)
    later = timezone.now() + datetime.timedelta(days=30)
    role_assign(user=hr_c, role=Role.HR, acting_user=hr_a, valid_until=later)  # shorten: fine
    role.refresh_from_db()
    assert role.valid_until == later and not role.is_pending
    with pytest.raises(Exception, match="hanya dapat diperpendek"):
        role_assign(user=hr_c, role=Role.HR, acting_user=hr_a, valid_until=None)


def test_other_roles_apply_at_once(hr_a, opd_a):
    assignment = role_assign(user=UserFactory(), role=Role.COORDINATOR, opds=[opd_a], acting_user=hr_a)
    assert assignment.is_active and not assignment.is_pending


def test_the_review_page_is_hr_only(client, hr_a, make_staff):
    assignment = role_assign(user=UserFactory(), role=Role.AUDITOR, acting_user=hr_a)
    auditor = make_staff(Role.AUDITOR)
    client.force_login(auditor)
    # Wagtail answers PermissionDenied in the admin with a redirect to the dashboard
    assert client.get(f"{ROLES_URL}review/{assignment.pk}/").url == "/admin/"
    assert client.post(f"{ROLES_URL}approve/{assignment.pk}/").url == "/admin/"
    assert RoleAssignment.objects.get(pk=assignment.pk).is_pending


# --- Superuser: a role like HR and auditor, asked and approved by superusers -------------------


@pytest.fixture
def root_a(make_staff):
    return make_staff(Role.SUPERUSER, email="root-a@example.test")


@pytest.fixture
def root_b(make_staff):
    return make_staff(Role.SUPERUSER, email="root-b@example.test")


def test_wagtail_user_form_no_longer_makes_a_superuser_at_once(client, root_a):
    """Before: a superuser ticked "Administrator" on another account in /admin/users/ and it
    was a superuser at once, with nobody else asked."""
    target = UserFactory(email="target@example.test", first_name="Sari", last_name="Dewi")
    client.force_login(root_a)
    page = client.get(f"/admin/users/edit/{target.pk}/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    data = {
        "username": target.username,
        "email": target.email,
        "first_name": "Sari",
        "last_name": "Dewi",
        "is_active": "on",
        "is_superuser": "on",
        "password1": "",
        "password2": "",
    }
    response = client.post(f"/admin/users/edit/{target.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not fresh(target).is_superuser
    assert 'name="is_superuser"' not in client.get("/admin/users/new/").content.decode()


def test_superuser_grant_waits_for_a_second_superuser(client, root_a, root_b, hr_a, django_capture_on_commit_callbacks):
    target = UserFactory(email="calon@example.test")
    client.force_login(root_a)
    response = client.post(f"{ROLES_URL}new/", {"user": target.pk, "role": Role.SUPERUSER})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target, role=Role.SUPERUSER)
    assert assignment.is_pending and not fresh(target).is_superuser

    # HR may approve HR and auditor grants, not a superuser grant; the requester may not either
    for person in (hr_a, root_a):
        with pytest.raises(Exception, match="superuser lain|permintaannya sendiri"):
            role_approve(assignment=assignment, acting_user=person)
    assert not fresh(target).is_superuser

    with django_capture_on_commit_callbacks(execute=True):
        role_approve(assignment=assignment, acting_user=root_b)
    assert fresh(target).is_superuser
    assert ModelLogEntry.objects.filter(action="integritas.role_approve").exists()
    assert any("Superuser" in message.subject for message in mail.outbox)

    # HR cannot demote a superuser; another superuser can, and the flag goes with the role
    client.force_login(hr_a)
    client.post(f"{ROLES_URL}delete/{assignment.pk}/")  # Wagtail answers a refusal with a redirect
    assert fresh(target).is_superuser and RoleAssignment.objects.filter(pk=assignment.pk).exists()
    client.force_login(root_b)
    assert client.post(f"{ROLES_URL}delete/{assignment.pk}/").status_code == 302
    assert not fresh(target).is_superuser


def test_hr_is_not_offered_and_cannot_ask_for_a_superuser_grant(client, hr_a):
    target = UserFactory(email="naik@example.test")
    client.force_login(hr_a)
    assert 'value="superuser"' not in client.get(f"{ROLES_URL}new/").content.decode()
    response = client.post(f"{ROLES_URL}new/", {"user": target.pk, "role": Role.SUPERUSER})
    assert response.status_code == 200
    assert not RoleAssignment.objects.filter(user=target).exists()
    with pytest.raises(Exception, match="Hanya superuser"):
        role_assign(user=target, role=Role.SUPERUSER, acting_user=hr_a)
