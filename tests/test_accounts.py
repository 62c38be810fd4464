import re

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import ModelLogEntry

from accounts.models import User
from organizations.models import Employee

from .conftest import PASSWORD
from .factories import EmployeeFactory, UserFactory, make_nip

NEW_PASSWORD = "Kata-Sandi-Baru-2026"


def login(client, login_value, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": login_value, "password": password})


@pytest.fixture
def roster_user(db, opd_a):
    nip = make_nip(sequence=77)
    user = UserFactory(username=nip, email="ani@example.test")
    EmployeeFactory(nip=nip, email="ani@example.test", opd=opd_a, user=user)
    return user


def test_login_by_nip(client, roster_user):
    response = login(client, roster_user.username)
    assert response.status_code == 302
    assert client.get("/").context["user"] == roster_user


def test_login_by_email_in_any_case(client, roster_user):
    response = login(client, "ANI@example.test")
    assert response.status_code == 302
    assert client.get("/").context["user"] == roster_user


def test_login_with_a_wrong_password_says_so_and_logs_in_nobody(client, roster_user):
    response = login(client, roster_user.username, "salah-salah")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not client.get("/").context["user"].is_authenticated


def test_login_is_rate_limited_after_repeated_failures(client, roster_user):
    for _ in range(5):
        login(client, roster_user.username, "salah-salah")
    response = login(client, roster_user.username, PASSWORD)  # even the right password now waits
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def login_from(client, ip, login_value, password=PASSWORD):
    return client.post(
        reverse("account_login"), {"login": login_value, "password": password}, REMOTE_ADDR=ip
    )


def test_failed_logins_from_one_ip_do_not_lock_the_owner_out_elsewhere(client, roster_user):
    """Finding 11: failures count per (account, IP). The guesser waits; the owner does not."""
    for _ in range(5):
        login_from(client, "198.51.100.66", roster_user.username, "salah-salah")
    blocked = login_from(client, "198.51.100.66", roster_user.username, PASSWORD)
    assert "Terlalu banyak percobaan masuk" in blocked.content.decode()
    owner = login_from(client, "203.0.113.10", roster_user.username, PASSWORD)
    assert owner.status_code == 302
    assert client.get("/").context["user"] == roster_user


def test_staff_owner_reaches_the_totp_step_despite_a_guesser(client, make_staff):
    hr_user = make_staff("hr", mfa=True, email="hr-lock@example.test")
    for _ in range(6):
        login_from(client, "198.51.100.66", hr_user.email, "salah-salah")
    response = login_from(client, "203.0.113.10", hr_user.email, PASSWORD)
    assert response.status_code == 302 and "/2fa/" in response.url


def test_failed_logins_from_one_ip_are_capped_across_accounts(client, db, settings):
    """The per-IP limit still stops a guesser who walks through many accounts."""
    from .test_client_ip import failed_login_ip_limit

    for i in range(failed_login_ip_limit(settings)):
        login_from(client, "198.51.100.66", f"orang{i}@example.test", "salah-salah")
    response = login_from(client, "198.51.100.66", "orang99@example.test", "salah-salah")
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


def test_inactive_employee_cannot_log_in(client, roster_user):
    from organizations.services import employee_set_active

    employee_set_active(employee=roster_user.employee, active=False, acting_user=None)
    response = login(client, roster_user.username)
    assert response.status_code == 302 and response.url == reverse("account_inactive")
    assert "data kepegawaian Anda tidak lagi aktif" in client.get(response.url).content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_signup_is_closed(client, db):
    response = client.get("/akun/signup/")
    assert "Pendaftaran bebas tidak tersedia" in response.content.decode()
    client.post("/akun/signup/", {"email": "x@example.test", "username": "x", "password1": NEW_PASSWORD})
    assert not User.objects.filter(email="x@example.test").exists()


def test_password_reset_sends_an_email(client, roster_user):
    response = client.post(reverse("account_reset_password"), {"email": roster_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and roster_user.email in mail.outbox[0].to


# --- activation from the roster ---------------------------------------------------------------


@pytest.fixture
def unactivated(db, opd_a):
    return EmployeeFactory(nip=make_nip(sequence=88), email="budi@example.test", opd=opd_a, full_name="Budi Sétiawan")


def activation_link() -> str:
    assert len(mail.outbox) == 1
    return re.search(r"http://\S+/akun/aktivasi/\S+/", mail.outbox[0].body).group(0)


def test_activation_sends_a_link_and_creates_the_login(client, unactivated):
    response = client.post(reverse("activation_request"), {"nip": unactivated.nip, "email": "Budi@Example.test"})
    assert response.status_code == 302 and response.url == reverse("activation_sent")
    assert not User.objects.filter(email="budi@example.test").exists()  # nothing before the email is proven
    path = activation_link().split("8000", 1)[1]
    page = client.get(path)
    assert "Budi Sétiawan" in page.content.decode()
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    user = User.objects.get(email="budi@example.test")
    unactivated.refresh_from_db()
    assert unactivated.user == user and user.username == unactivated.nip
    assert ModelLogEntry.objects.filter(action="integritas.account_activate").count() == 1
    # the link works once
    assert client.get(path).status_code == 400
    client.logout()
    assert login(client, unactivated.nip, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "nip_from, email, fragment",
    [
        ("other", "budi@example.test", "tidak cocok"),
        ("self", "orang.lain@example.test", "tidak cocok"),
        ("none", "budi@example.test", "tidak cocok"),
    ],
)
def test_activation_refuses_people_not_on_the_roster(client, unactivated, nip_from, email, fragment):
    nip = {"other": make_nip(sequence=99), "self": unactivated.nip, "none": ""}[nip_from]
    response = client.post(reverse("activation_request"), {"nip": nip, "email": email})
    assert response.status_code == 200
    assert fragment in response.content.decode()
    assert len(mail.outbox) == 0
    assert User.objects.count() == 0


def test_activation_refuses_an_inactive_employee(client, unactivated):
    unactivated.active = False
    unactivated.save()
    response = client.post(reverse("activation_request"), {"nip": unactivated.nip, "email": unactivated.email})
    assert "tidak aktif" in response.content.decode()
    assert len(mail.outbox) == 0


def test_activation_refuses_an_already_activated_employee(client, roster_user):
    employee = roster_user.employee
    response = client.post(reverse("activation_request"), {"nip": employee.nip, "email": employee.email})
    assert "sudah aktif" in response.content.decode()


def test_activation_link_rejects_tampering(client, unactivated):
    client.post(reverse("activation_request"), {"nip": unactivated.nip, "email": unactivated.email})
    path = activation_link().split("8000", 1)[1]
    assert client.get(path[:-3] + "xx/").status_code == 400
    assert client.get("/akun/aktivasi/bukan-token/").status_code == 400


def test_activation_password_mismatch_rerenders_and_creates_nothing(client, unactivated):
    client.post(reverse("activation_request"), {"nip": unactivated.nip, "email": unactivated.email})
    path = activation_link().split("8000", 1)[1]
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert response.status_code == 200 and "tidak sama" in response.content.decode()
    response = client.post(path, {"password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert User.objects.count() == 0


def test_activation_is_rate_limited(client, unactivated):
    for _ in range(5):
        client.post(reverse("activation_request"), {"nip": make_nip(sequence=5), "email": unactivated.email})
    response = client.post(reverse("activation_request"), {"nip": make_nip(sequence=5), "email": unactivated.email})
    assert "Terlalu banyak percobaan" in response.content.decode()


def test_activation_for_non_asn_without_nip(client, opd_a):
    employee = EmployeeFactory(nip=None, employment_type="NON_ASN", email="sopir@example.test", opd=opd_a)
    client.post(reverse("activation_request"), {"nip": "", "email": "sopir@example.test"})
    path = activation_link().split("8000", 1)[1]
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    employee.refresh_from_db()
    assert employee.user.username == f"pegawai-{employee.pk}"


def test_employee_model_refuses_two_rows_with_one_email_in_other_case(opd_a):
    from django.db import IntegrityError, transaction

    EmployeeFactory(email="sama@example.test", opd=opd_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory(email="SAMA@example.test", opd=opd_a)
    assert Employee.objects.count() == 1


def test_login_message_names_the_person_not_the_nip(client, roster_user):
    from django.contrib.messages import get_messages

    roster_user.first_name = "Ani Rahmawati"
    roster_user.save()

    response = login(client, roster_user.username)

    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Ani Rahmawati" in text for text in texts), texts
    assert not any(roster_user.username in text for text in texts)


def test_a_class_behind_one_office_address_logs_in_together(client, opd_a):
    """The cluster check: allauth's default 30 logins a minute per IP turned away learners of
    one OPD who reach us through one NAT address at the start of a quiz session."""
    people = []
    for i in range(45):
        user = UserFactory(email=f"kelas{i}@example.test")
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
        EmployeeFactory(user=user, opd=opd_a, email=user.email)
        people.append(user)
    for user in people:
        client.logout()
        response = login_from(client, "203.0.113.77", user.email)
        assert response.status_code == 302, f"{user.email} was turned away"


def test_a_form_refused_by_the_csrf_check_says_what_to_do_in_the_site_page(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/akun/login/", {"login": "siapa@example.test", "password": "apa-saja"})
    body = response.content.decode()
    assert response.status_code == 403
    assert "Formulir tidak dapat dikirim" in body and "muat ulang" in body and 'class="site-header"' in body, body
    assert 'href="/akun/login/"' in body  # a way on for someone signed out


def test_permission_denied_is_the_site_page_in_indonesian(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    request = rf.get("/admin/impor-pegawai/")
    request.user = AnonymousUser()
    response = permission_denied(request, PermissionDenied())
    body = response.content.decode()
    assert response.status_code == 403 and "Akses ditolak" in body and "hubungi admin BKPSDM" in body, body
