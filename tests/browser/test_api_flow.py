"""HR creates an API client in the admin, copies the key shown once, and the key works."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import expect

from api.models import ApiClient
from organizations.models import Role
from organizations.services import role_assign

from ..factories import EmployeeFactory, OpdFactory, UserFactory
from .test_report_flow import _staff_log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_creates_an_api_client_copies_the_key_and_a_request_with_it_works(page, live_server):
    dinkes = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    OpdFactory(code="DISDIK", name="Dinas Pendidikan")
    employee = EmployeeFactory(opd=dinkes, full_name="Siti Rahmawati")
    hr = UserFactory(email="hr@example.test")
    role_assign(user=hr, role=Role.HR, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(hr, secret)

    _staff_log_in(page, "/admin/klien-api/", hr.email, secret)
    page.get_by_role("link", name="Tambah klien API").first.click()
    page.get_by_label("Nama sistem").fill("SIMPEG BKPSDM")
    page.get_by_label("roster:read — baca data pegawai").check()
    page.get_by_label("Dinas Kesehatan").check()
    page.get_by_role("button", name="Buat").click()

    expect(page.get_by_text("Salin kunci ini sekarang")).to_be_visible()
    key_box = page.get_by_label("Kunci API")
    key = key_box.input_value()
    assert key.startswith("itg_")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Salin").click()
    expect(page.get_by_role("button", name="Tersalin")).to_be_visible()

    client = ApiClient.objects.get(name="SIMPEG BKPSDM")
    assert client.key_hash and key.split("_")[2] not in str(ApiClient.objects.values_list().get())

    response = page.request.get(f"{live_server.url}/api/v1/employees", headers={"Authorization": f"Bearer {key}"})
    assert response.status == 200
    assert [row["nip"] for row in response.json()["results"]] == [employee.nip]
    refused = page.request.get(f"{live_server.url}/api/v1/employees", headers={"Authorization": "Bearer itg_salah_salah"})
    assert refused.status == 401 and refused.json()["error"]["code"] == "invalid_key"

    # leaving the page and coming back never shows the key again
    page.goto(f"/admin/klien-api/edit/{client.pk}/")
    expect(page.get_by_text(f"itg_{client.key_prefix}_…")).to_be_visible()
    assert key not in page.content()

    # the documentation renders from local assets for staff
    page.goto("/api/v1/docs")
    expect(page.get_by_text("Integritas API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/roster/jobs/{job_id}")).to_be_visible()
