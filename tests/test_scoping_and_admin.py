import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from organizations.models import Employee, Role, RosterImport
from organizations.selectors import employees_visible_to, opds_visible_to
from organizations.services import role_assign, role_revoke

from .factories import EmployeeFactory, UserFactory
from .test_roster_import import csv_bytes

EMPLOYEES_URL = "/admin/pegawai/"


@pytest.fixture
def people(opd_a, opd_b):
    return {
        "a": EmployeeFactory(opd=opd_a, full_name="Ani Dari A"),
        "b": EmployeeFactory(opd=opd_b, full_name="Bambang Dari B", position="=HYPERLINK(\"http://x\")"),
    }


# --- selectors ----------------------------------------------------------------------------------


def test_coordinator_sees_only_assigned_opds(coordinator_a, people, opd_a):
    assert list(opds_visible_to(coordinator_a)) == [opd_a]
    assert list(employees_visible_to(coordinator_a)) == [people["a"]]


@pytest.mark.parametrize("role", [Role.HR, Role.AUDITOR, Role.OBSERVER])
def test_all_opd_roles_see_everyone(make_staff, people, role):
    assert employees_visible_to(make_staff(role)).count() == 2


def test_learner_and_editor_see_no_roster(learner, editor, people):
    assert not employees_visible_to(learner).exists()
    assert not employees_visible_to(editor).exists()


def test_observer_access_ends_at_expiry(make_staff, people):
    observer = make_staff(Role.OBSERVER, valid_until=timezone.now() + datetime.timedelta(minutes=1))
    assert observer.has_perm("wagtailadmin.access_admin")
    observer.role_assignments.update(valid_until=timezone.now() - datetime.timedelta(seconds=1))
    fresh = type(observer).objects.get(pk=observer.pk)
    assert not fresh.has_perm("wagtailadmin.access_admin")
    assert not employees_visible_to(fresh).exists()


def test_observer_role_requires_a_future_expiry(db):
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValidationError):
        role_assign(user=user, role=Role.OBSERVER, acting_user=None)
    with pytest.raises(ValidationError):
        role_assign(
            user=user, role=Role.OBSERVER, acting_user=None, valid_until=timezone.now() - datetime.timedelta(days=1)
        )
    assert not user.role_assignments.exists()


def test_coordinator_role_requires_opds(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        role_assign(user=UserFactory(), role=Role.COORDINATOR, acting_user=None)


def test_role_changes_are_audited(hr, opd_a):
    user = UserFactory()
    assignment = role_assign(user=user, role=Role.COORDINATOR, acting_user=hr, opds=[opd_a])
    role_revoke(assignment=assignment, acting_user=hr)
    actions = list(ModelLogEntry.objects.filter(user=hr).values_list("action", flat=True).order_by("timestamp"))
    assert actions == ["integritas.role_assign", "integritas.role_revoke"]


# --- the admin, scoped ------------------------------------------------------------------------------


def test_coordinator_list_and_search_show_only_their_opd(client, coordinator_a, people):
    client.force_login(coordinator_a)
    body = client.get(EMPLOYEES_URL).content.decode()
    assert "Ani Dari A" in body and "Bambang Dari B" not in body
    body = client.get(EMPLOYEES_URL, {"q": "Bambang"}).content.decode()
    assert "Bambang Dari B" not in body


def test_coordinator_export_holds_only_their_opd(client, coordinator_a, people):
    client.force_login(coordinator_a)
    response = client.get(EMPLOYEES_URL, {"export": "csv"})
    content = b"".join(response.streaming_content).decode()
    assert "Ani Dari A" in content and "Bambang Dari B" not in content


def test_coordinator_probing_another_opd_by_url_gets_404(client, coordinator_a, people):
    client.force_login(coordinator_a)
    assert client.get(f"{EMPLOYEES_URL}inspect/{people['a'].pk}/").status_code == 200
    assert client.get(f"{EMPLOYEES_URL}inspect/{people['b'].pk}/").status_code == 404
    assert client.get(f"{EMPLOYEES_URL}inspect/999999/").status_code == 404
    assert client.get(f"/admin/opd/inspect/{people['b'].opd.pk}/").status_code == 404


def test_coordinator_cannot_edit_employees(client, coordinator_a, people):
    client.force_login(coordinator_a)
    response = client.post(f"{EMPLOYEES_URL}edit/{people['a'].pk}/", {"full_name": "Diubah"})
    assert response.status_code in (302, 403)
    people["a"].refresh_from_db()
    assert people["a"].full_name == "Ani Dari A"


def test_exports_are_safe_from_formula_injection(client, hr, people):
    client.force_login(hr)
    response = client.get(EMPLOYEES_URL, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    positions = [row[5] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in positions
    response = client.get(EMPLOYEES_URL, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "'=HYPERLINK(\"http://x\")" in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)


def test_employee_list_filters_by_opd_type_and_active(client, hr, people, opd_b):
    client.force_login(hr)
    body = client.get(EMPLOYEES_URL, {"opd": opd_b.pk}).content.decode()
    assert "Bambang Dari B" in body and "Ani Dari A" not in body


def test_hr_deactivating_in_the_admin_is_audited(client, hr, people):
    client.force_login(hr)
    employee = people["a"]
    data = {
        "nip": employee.nip,
        "full_name": employee.full_name,
        "email": employee.email,
        "opd": employee.opd_id,
        "position": employee.position,
        "employment_type": employee.employment_type,
    }  # "active" unticked
    response = client.post(f"{EMPLOYEES_URL}edit/{employee.pk}/", data)
    assert response.status_code == 302
    employee.refresh_from_db()
    assert employee.active is False
    assert ModelLogEntry.objects.filter(action="integritas.employee_deactivate", user=hr).exists()


def test_hr_edit_with_a_bad_nip_rerenders_and_changes_nothing(client, hr, people):
    client.force_login(hr)
    employee = people["a"]
    response = client.post(
        f"{EMPLOYEES_URL}edit/{employee.pk}/",
        {"nip": "123", "full_name": "X", "email": employee.email, "opd": employee.opd_id, "employment_type": "PNS", "active": "on"},
    )
    assert response.status_code == 200
    assert "18 digit" in response.content.decode()
    employee.refresh_from_db()
    assert employee.full_name == "Ani Dari A"


# --- staff MFA ------------------------------------------------------------------------------------


def test_staff_without_totp_are_sent_to_set_it_up(client, make_staff):
    hr = make_staff(Role.HR, mfa=False)
    client.force_login(hr)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert client.get("/django-admin/").status_code == 302


def test_staff_with_totp_reach_the_admin(client, hr):
    client.force_login(hr)
    assert client.get("/admin/").status_code == 200


def test_mfa_requirement_can_be_relaxed_for_the_demo_only(client, make_staff, settings):
    settings.STAFF_MFA_REQUIRED = False
    hr = make_staff(Role.HR, mfa=False)
    client.force_login(hr)
    assert client.get("/admin/").status_code == 200


def test_production_settings_refuse_to_relax_mfa(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("DJANGO_SECRET_KEY", "k3y-" + "abcdefghij" * 5)
    monkeypatch.setenv("INTEGRITAS_STAFF_MFA_REQUIRED", "0")
    monkeypatch.setenv("DJANGO_DEBUG", "0")
    for name in ["elearning.settings.production", "elearning.settings.base"]:
        sys.modules.pop(name, None)
    try:
        with pytest.raises(ImproperlyConfigured, match="cannot be off"):
            importlib.import_module("elearning.settings.production")
    finally:
        for name in ["elearning.settings.production", "elearning.settings.base"]:
            sys.modules.pop(name, None)


def test_admin_logins_go_through_allauth(client, db):
    assert client.get("/admin/login/?next=/admin/").url == "/akun/login/?next=/admin/"
    assert client.get("/django-admin/login/?next=/django-admin/").url == "/akun/login/?next=/django-admin/"


# --- roster import in the admin -------------------------------------------------------------------


def test_hr_uploads_previews_and_confirms_a_roster(client, hr, opd_a):
    from .factories import make_nip

    client.force_login(hr)
    content = csv_bytes([[make_nip(sequence=3), "Citra", "citra@example.test", "OPD-A", "Analis", "PNS"]])
    response = client.post(
        reverse("organizations_roster_upload"), {"file": SimpleUploadedFile("pegawai.csv", content)}
    )
    record = RosterImport.objects.get()
    assert response.url == reverse("organizations_roster_preview", args=[record.pk])
    assert not Employee.objects.exists()  # preview writes no employee
    preview = client.get(response.url).content.decode()
    assert "Citra" in preview and "Konfirmasi impor" in preview
    response = client.post(reverse("organizations_roster_confirm", args=[record.pk]))
    assert response.status_code == 302
    assert Employee.objects.get().full_name == "Citra"
    # confirming twice does nothing more
    client.post(reverse("organizations_roster_confirm", args=[record.pk]))
    assert Employee.objects.count() == 1
    assert ModelLogEntry.objects.filter(action="integritas.roster_import").count() == 1


def test_admin_upload_with_bad_rows_shows_every_reason_and_offers_no_confirm(client, hr, opd_a):
    client.force_login(hr)
    content = csv_bytes([["123", "Citra", "citra@example.test", "OPD-A", "Analis", "PNS"], ["", "", "", "X", "", "Y"]])
    response = client.post(reverse("organizations_roster_upload"), {"file": SimpleUploadedFile("p.csv", content)}, follow=True)
    body = response.content.decode()
    assert "Berkas ditolak" in body and "18 digit" in body and "Kode OPD" in body
    assert "Konfirmasi impor" not in body
    record = RosterImport.objects.get()
    assert client.post(reverse("organizations_roster_confirm", args=[record.pk])).status_code == 302
    assert not Employee.objects.exists()


def test_admin_upload_of_a_wrong_file_type_rerenders_with_the_reason(client, hr):
    client.force_login(hr)
    response = client.post(
        reverse("organizations_roster_upload"), {"file": SimpleUploadedFile("foto.png", b"\x89PNG....")}
    )
    assert response.status_code == 200
    assert "harus CSV atau XLSX" in response.content.decode()
    assert not RosterImport.objects.exists()


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.AUDITOR, Role.OBSERVER, Role.EDITOR])
def test_only_hr_may_import(client, make_staff, opd_a, role):
    user = make_staff(role, opds=[opd_a] if role == Role.COORDINATOR else [])
    client.force_login(user)
    response = client.post(
        reverse("organizations_roster_upload"), {"file": SimpleUploadedFile("p.csv", b"nip,nama\r\n")}
    )
    assert response.status_code in (302, 403)
    assert not RosterImport.objects.exists()


def test_hr_adds_a_non_asn_without_nip_in_the_admin(client, hr, opd_a):
    client.force_login(hr)
    response = client.post(
        f"{EMPLOYEES_URL}new/",
        {"nip": "", "full_name": "Sopir Kantor", "email": "Sopir@Example.test", "opd": opd_a.pk, "employment_type": "NON_ASN", "active": "on"},
    )
    assert response.status_code == 302
    employee = Employee.objects.get(full_name="Sopir Kantor")
    assert employee.nip is None and employee.email == "sopir@example.test"
    assert ModelLogEntry.objects.filter(action="integritas.employee_create", user=hr).exists()


def test_hr_cannot_add_a_pns_without_nip(client, hr, opd_a):
    client.force_login(hr)
    response = client.post(
        f"{EMPLOYEES_URL}new/",
        {"nip": "", "full_name": "PNS Tanpa NIP", "email": "p@example.test", "opd": opd_a.pk, "employment_type": "PNS", "active": "on"},
    )
    assert response.status_code == 200
    assert "NIP wajib diisi" in response.content.decode()
    assert not Employee.objects.filter(full_name="PNS Tanpa NIP").exists()


def test_hr_grants_a_coordinator_role_in_the_admin_and_it_is_audited(client, hr, opd_a):
    from organizations.models import RoleAssignment

    target = UserFactory()
    client.force_login(hr)
    response = client.post("/admin/peran-staf/new/", {"user": target.pk, "role": "coordinator"})
    assert response.status_code == 200 and "minimal satu OPD" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()
    response = client.post("/admin/peran-staf/new/", {"user": target.pk, "role": "coordinator", "opds": [opd_a.pk]})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert list(assignment.opds.all()) == [opd_a]
    assert ModelLogEntry.objects.filter(action="integritas.role_assign", user=hr).exists()
    client.post(f"/admin/peran-staf/delete/{assignment.pk}/")
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert ModelLogEntry.objects.filter(action="integritas.role_revoke", user=hr).exists()


def test_observer_role_without_expiry_is_refused_in_the_admin(client, hr):
    from organizations.models import RoleAssignment

    target = UserFactory()
    client.force_login(hr)
    response = client.post("/admin/peran-staf/new/", {"user": target.pk, "role": "observer"})
    assert response.status_code == 200 and "wajib punya tanggal berakhir" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=target).exists()


def test_roster_preview_shows_pangkat_golongan_and_the_employee_form_edits_it(client, hr, opd_a):
    from .factories import make_nip

    client.force_login(hr)
    header = ["nip", "nama", "email", "opd_kode", "jabatan", "jenis_pegawai", "pangkat_golongan"]
    content = csv_bytes([[make_nip(sequence=4), "Dewi", "dewi@example.test", "OPD-A", "Analis", "PNS", "Penata, III/c"]], header=header, sep=";")
    response = client.post(reverse("organizations_roster_upload"), {"file": SimpleUploadedFile("pegawai.csv", content)})
    preview = client.get(response.url).content.decode()
    assert "Pangkat/golongan" in preview and "Penata, III/c" in preview
    client.post(reverse("organizations_roster_confirm", args=[RosterImport.objects.get().pk]))
    employee = Employee.objects.get()
    assert employee.pangkat_golongan == "Penata, III/c"
    form = client.get(f"{EMPLOYEES_URL}edit/{employee.pk}/").content.decode()
    assert 'name="pangkat_golongan"' in form and "Penata, III/c" in form


def test_the_two_step_setup_pages_use_the_site_form_style(client, make_staff):
    """allauth's own pages (re-authentication, the authenticator setup) render their fields and
    buttons in the site's style, and a wrong answer is shown beside the field."""
    hr = make_staff(Role.HR, mfa=False)
    hr.set_password("Sandi-Uji-2026")
    hr.save()
    client.force_login(hr)
    response = client.get("/admin/", follow=True)
    page = response.content.decode()
    assert '<form method="post" class="form"' in page and 'class="field' in page and 'class="button primary"' in page, page
    form_url = response.redirect_chain[-1][0]
    wrong = client.post(form_url, {"password": "bukan-ini"}).content.decode()
    assert 'class="field has-error"' in wrong and 'class="error" role="alert"' in wrong, wrong
    right = client.post(form_url, {"password": "Sandi-Uji-2026"}, follow=True).content.decode()
    assert 'name="code"' in right and 'class="button primary"' in right, right
    wrong_code = client.post(reverse("mfa_activate_totp"), {"code": "000000"}).content.decode()
    assert 'class="field has-error"' in wrong_code and 'role="alert"' in wrong_code, wrong_code
