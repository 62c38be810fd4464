"""Issue 13: the admin stumbles a new HR user met (exports, raw codes, drill-down, assignment preview)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from organizations.models import EmploymentType, Role

from .factories import EmployeeFactory, OpdFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr_no_mfa(make_staff):
    return make_staff(Role.HR, mfa=False)


@pytest.fixture(autouse=True)
def _no_mfa(settings):
    settings.STAFF_MFA_REQUIRED = False


def test_opd_csv_export_lists_top_level_and_child_opds(client, hr_no_mfa):
    parent = OpdFactory(code="SETDA", name="Sekretariat Daerah")
    OpdFactory(code="SETDA-BAG-KERJASAMA-AGRARIA", name="Bagian Kerja Sama", parent=parent)
    OpdFactory(code="DINSOS", name="Dinas Sosial")
    client.force_login(hr_no_mfa)

    response = client.get("/admin/opd/?export=csv")

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Kode", "Nama", "Jenis", "Kode induk", "Aktif"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {"SETDA", "SETDA-BAG-KERJASAMA-AGRARIA", "DINSOS"}
    assert by_code["SETDA-BAG-KERJASAMA-AGRARIA"][3] == "SETDA"
    assert by_code["DINSOS"][3] == ""


def test_opd_xlsx_export_opens_with_every_opd(client, hr_no_mfa):
    parent = OpdFactory(code="SETDA", name="Sekretariat Daerah")
    OpdFactory(code="SETDA-BAG-UMUM", name="Bagian Umum", parent=parent)
    client.force_login(hr_no_mfa)

    response = client.get("/admin/opd/?export=xlsx")

    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    codes = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == ["SETDA", "SETDA-BAG-UMUM"]


def test_employee_listing_prints_the_employment_type_label_not_its_code(client, hr_no_mfa):
    EmployeeFactory(full_name="Siti Honorer", employment_type=EmploymentType.NON_ASN, nip="")
    client.force_login(hr_no_mfa)

    html = client.get("/admin/pegawai/").content.decode()

    assert "Non-ASN" in html
    assert "NON_ASN" not in html.replace('value="NON_ASN"', "")


def test_demo_roster_gives_non_asn_staff_no_nip():
    from organizations.demo import seed_employees, seed_opds
    from organizations.models import Employee

    seed_employees(seed_opds())

    non_asn = Employee.objects.filter(employment_type=EmploymentType.NON_ASN)
    assert non_asn.exists()
    assert not non_asn.exclude(nip=None).exists()
    assert not Employee.objects.filter(employment_type__in=["PNS", "PPPK"], nip=None).exists()


@pytest.mark.parametrize(
    "msgid",
    [
        "Your password can’t be too similar to your other personal information.",
        "Your password can’t be a commonly used password.",
        "Your password can’t be entirely numeric.",
    ],
)
def test_password_hints_speak_one_voice(msgid):
    from django.utils import translation

    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text.startswith("Kata sandi Anda"), text
    assert "anda" not in text.replace("Anda", "")


def test_admin_chrome_is_indonesian_without_double_spaces(client, hr_no_mfa):
    client.force_login(hr_no_mfa)

    html = client.get("/admin/pegawai/").content.decode()

    assert "Search…" not in html and "Cari…" in html
    from django.utils import translation

    with translation.override("id"):
        assert translation.gettext("This field is required.") == "Kolom ini harus diisi."
        assert translation.gettext("Help") == "Bantuan"


def test_staff_roles_listing_prints_role_labels_and_dates_in_the_site_format(client, hr_no_mfa, make_staff):
    from django.utils import timezone
    from django.utils.formats import date_format

    from organizations.models import RoleAssignment

    auditor = make_staff(Role.AUDITOR, mfa=False)
    assignment = RoleAssignment.objects.get(user=auditor, role=Role.AUDITOR)
    client.force_login(hr_no_mfa)

    html = client.get("/admin/peran-staf/").content.decode()

    assert str(assignment.get_role_display()) in html
    assert date_format(timezone.localtime(assignment.created_at), "j F Y H:i") + " WITA" in html
