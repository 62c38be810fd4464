"""API clients in the admin (HR only), the key shown once, and the course-history download."""

import csv
import io
import re

import pytest
from wagtail.models import ModelLogEntry

from api.models import ApiClient
from certificates.models import Certificate
from courses.services import lesson_complete
from organizations.models import Role

from .api_support import auth
from .factories import EmployeeFactory


def _form(opd, owner, **overrides):
    data = {
        "name": "SIMPEG BKPSDM",
        "owner": owner.pk,
        "scopes": ["roster:read", "progress:read"],
        "opds": [opd.pk],
        "allowed_ips": "",
        "expires_at": "",
        "rate_limit_per_minute": "",
    }
    data.update(overrides)
    return data


def test_hr_creates_a_client_and_sees_the_key_once(client, hr, opd_a):
    client.force_login(hr)
    response = client.post("/admin/klien-api/new/", _form(opd_a, hr))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'value="(itg_[0-9a-f]+_[A-Za-z0-9_\-]+)"', response.content.decode()).group(1)
    api_client = ApiClient.objects.get(name="SIMPEG BKPSDM")
    assert api_client.scopes == ["roster:read", "progress:read"] and list(api_client.opds.all()) == [opd_a]
    assert client.get("/api/v1/employees", **auth(key)).status_code == 200
    # never again: the edit page shows only the prefix
    edit = client.get(f"/admin/klien-api/edit/{api_client.pk}/").content.decode()
    assert key not in edit and f"itg_{api_client.key_prefix}_" in edit
    entry = ModelLogEntry.objects.get(action="integritas.api_client_create")
    assert entry.user_id == hr.pk and entry.data["api_client"] == "SIMPEG BKPSDM" and entry.data["opds"] == ["OPD-A"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"opds": []}, "opds", "Pilih minimal satu OPD"),
        ({"scopes": []}, "scopes", "harus diisi"),
        ({"allowed_ips": "10.0.0.1\nbukan-ip"}, "allowed_ips", "bukan alamat IP"),
    ],
)
def test_bad_client_form_is_refused_with_a_message(client, hr, opd_a, overrides, field, message):
    client.force_login(hr)
    response = client.post("/admin/klien-api/new/", _form(opd_a, hr, **overrides))
    assert response.status_code == 200
    assert message.lower() in response.content.decode().lower()
    assert not ApiClient.objects.exists()


def test_owner_must_be_staff(client, hr, opd_a, learner):
    client.force_login(hr)
    form = client.get("/admin/klien-api/new/").content.decode()
    owner_select = form[form.index('name="owner"') : form.index("</select>", form.index('name="owner"'))]
    assert f'value="{hr.pk}"' in owner_select
    assert f'value="{learner.pk}"' not in owner_select  # learners are not offered as owners
    response = client.post("/admin/klien-api/new/", _form(opd_a, learner))
    assert "error-message" in response.content.decode()
    assert not ApiClient.objects.exists()


def test_edit_rotate_and_revoke_from_the_admin_are_audited(client, hr, opd_a, opd_b, make_api_client):
    api_client, key = make_api_client(opds=[opd_a])
    client.force_login(hr)
    response = client.post(f"/admin/klien-api/edit/{api_client.pk}/", _form(opd_b, hr, name=api_client.name, opds=[opd_b.pk]))
    assert response.status_code == 302
    assert list(api_client.opds.all()) == [opd_b]
    assert ModelLogEntry.objects.filter(action="integritas.api_client_change", data__opds=["OPD-B"]).exists()

    response = client.post(f"/admin/klien-api/rotate/{api_client.pk}/")
    new_key = re.search(r'value="(itg_[^"]+)"', response.content.decode()).group(1)
    assert client.get("/api/v1/employees", **auth(key)).status_code == 401
    assert client.get("/api/v1/employees", **auth(new_key)).status_code == 200

    client.post(f"/admin/klien-api/revoke/{api_client.pk}/")
    assert client.get("/api/v1/employees", **auth(new_key)).json()["error"]["code"] == "key_revoked"
    actions = set(ModelLogEntry.objects.filter(object_id=str(api_client.pk)).values_list("action", flat=True))
    assert {"integritas.api_client_create", "integritas.api_client_change", "integritas.api_key_rotate", "integritas.api_client_revoke"} <= actions


def test_only_hr_sees_the_menu(client, hr, auditor, opd_a):
    client.force_login(hr)
    assert "/admin/klien-api/" in client.get("/admin/").content.decode()
    client.force_login(auditor)
    assert "/admin/klien-api/" not in client.get("/admin/").content.decode()
    assert client.post(f"/admin/klien-api/rotate/{1}/").status_code == 302  # denied, nothing rotated


@pytest.fixture
def certificates(db, opd_a, opd_b, make_course, django_capture_on_commit_callbacks):
    course = make_course(lessons=1, title="=HYPERLINK(\"http://x\")")
    for opd in (opd_a, opd_b):
        employee = EmployeeFactory(opd=opd)
        with django_capture_on_commit_callbacks(execute=True):
            lesson_complete(employee=employee, lesson=course.test_lessons[0])
    return Certificate.objects.all()


def test_course_history_download_is_scoped_formula_safe_and_audited(client, make_staff, opd_a, certificates):
    coordinator = make_staff(Role.COORDINATOR, opds=[opd_a])
    client.force_login(coordinator)
    page = client.get("/admin/riwayat-diklat/")
    assert page.status_code == 200 and "1 sertifikat" in page.content.decode()
    response = client.get("/admin/riwayat-diklat/?format=csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header_at = next(i for i, line in enumerate(lines) if line and line[0] == "NIP")
    rows = lines[header_at + 1 :]
    mine = certificates.get(opd=opd_a)
    assert len(rows) == 1 and rows[0][0] == mine.nip and rows[0][7] == mine.number
    assert rows[0][3].startswith("'=HYPERLINK")  # a course title cannot run as a formula
    assert rows[0][9].endswith(f"/verifikasi/{mine.code}/")
    assert ModelLogEntry.objects.filter(action="integritas.course_history_export", user=coordinator).exists()


def test_course_history_xlsx_matches_the_api_fields(client, hr, certificates):
    from openpyxl import load_workbook

    client.force_login(hr)
    response = client.get("/admin/riwayat-diklat/?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_at = next(i for i, line in enumerate(values) if line[0] == "NIP")
    assert values[header_at][:5] == ["NIP", "Nama", "OPD saat terbit", "Nama diklat/kursus", "JP"]
    assert len([line for line in values[header_at + 1 :] if line[0]]) == 2
