import re

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from playwright.sync_api import expect

from accounts.models import User
from organizations.models import Employee, Role
from organizations.services import role_assign

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory, make_nip

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_logs_in_with_nip(page):
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    nip = make_nip(sequence=123)
    user = UserFactory(username=nip, email="siti@example.test", first_name="Siti Rahmawati")
    EmployeeFactory(nip=nip, email=user.email, opd=opd, user=user)

    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Masuk").click()
    page.get_by_label("Email atau NIP").fill(nip)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Selamat datang, Siti Rahmawati.")).to_be_visible()
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def test_activation_is_refused_for_a_nip_not_on_the_roster(page):
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    EmployeeFactory(nip=make_nip(sequence=1), email="ada@example.test", opd=opd)

    page.goto("/akun/aktivasi/")
    page.get_by_label("NIP").fill(make_nip(sequence=2))
    page.get_by_label("Alamat email").fill("ada@example.test")
    page.get_by_role("button", name="Kirim tautan aktivasi").click()
    expect(page.get_by_role("alert")).to_contain_text("tidak cocok dengan data pegawai aktif")
    assert User.objects.count() == 0


def _totp_code(secret: str) -> str:
    import time

    # A code typed in the last seconds of its 30-second window may reach the server in the
    # next one: wait for a fresh window instead of making the test flaky.
    if 30 - time.time() % 30 < 6:
        time.sleep(30 - time.time() % 30 + 0.5)
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def test_hr_logs_in_with_totp_previews_and_confirms_a_roster_import(page, tmp_path):
    opd = OpdFactory(code="BKPSDM", name="Badan Kepegawaian dan Pengembangan Sumber Daya Manusia")
    OpdFactory(code="DINKES", name="Dinas Kesehatan")
    hr = UserFactory(email="hr@example.test", first_name="Rusdi Ansyari")
    EmployeeFactory(email=hr.email, opd=opd, user=hr)
    role_assign(user=hr, role=Role.HR, acting_user=None)
    secret = generate_totp_secret()
    TOTP.activate(hr, secret)
    before = Employee.objects.count()

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/admin/")
    page.get_by_label("Email atau NIP").fill("hr@example.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label(re.compile("Kode|Code", re.I)).fill(_totp_code(secret))
    page.get_by_role("button", name=re.compile("Masuk|Sign In|Lanjut", re.I)).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    page.goto("/admin/impor-pegawai/")
    roster = tmp_path / "pegawai.csv"
    roster.write_text(
        "nip;nama;email;opd_kode;jabatan;jenis_pegawai\r\n"
        f"{make_nip(sequence=31)};Zulkarnaén Noor;zul@example.test;DINKES;Perawat;PNS\r\n"
        f"{make_nip(sequence=32)};Rina Lestari;rina@example.test;DINKES;Bidan;PPPK\r\n",
        encoding="utf-8-sig",
    )
    page.get_by_label("Berkas data pegawai (CSV atau XLSX)").set_input_files(str(roster))
    page.get_by_role("button", name="Unggah dan pratinjau").click()

    expect(page.locator("[data-count=new] strong")).to_have_text("2")
    expect(page.locator("#roster-rows")).to_contain_text("Zulkarnaén Noor")
    assert Employee.objects.count() == before  # nothing written before confirmation

    page.get_by_role("button", name="Konfirmasi impor").click()
    expect(page.get_by_text(re.compile(r"Impor selesai: 2 baru"))).to_be_visible()
    assert Employee.objects.filter(opd__code="DINKES").count() == 2
    assert Employee.objects.get(email="zul@example.test").full_name == "Zulkarnaén Noor"


def test_hr_sees_every_bad_row_and_cannot_confirm(page, tmp_path, settings):
    settings.STAFF_MFA_REQUIRED = False  # covered above; here the subject is the rejection
    opd = OpdFactory(code="BKPSDM", name="BKPSDM")
    hr = UserFactory(email="hr2@example.test")
    EmployeeFactory(email=hr.email, opd=opd, user=hr)
    role_assign(user=hr, role=Role.HR, acting_user=None)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/akun/login/?next=/admin/impor-pegawai/")
    page.get_by_label("Email atau NIP").fill(hr.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    roster = tmp_path / "pegawai.csv"
    roster.write_text(
        "nip,nama,email,opd_kode,jabatan,jenis_pegawai\r\n"
        "12345,Tanpa NIP Benar,a@example.test,BKPSDM,,PNS\r\n"
        f"{make_nip(sequence=41)},,b@example.test,ANTAH,,HONORER\r\n",
        encoding="utf-8",
    )
    page.get_by_label("Berkas data pegawai (CSV atau XLSX)").set_input_files(str(roster))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    rows = page.locator("#roster-rows")
    expect(rows).to_contain_text("NIP harus 18 digit")
    expect(rows).to_contain_text("Kolom nama wajib diisi")
    expect(rows).to_contain_text("Kode OPD \"ANTAH\" tidak dikenal")
    expect(rows).to_contain_text("Jenis pegawai \"HONORER\" tidak dikenal")
    expect(page.get_by_role("button", name="Konfirmasi impor")).to_have_count(0)
    assert Employee.objects.count() == 1


def test_employee_on_the_roster_activates_an_account_and_is_logged_in(page):
    from django.core import mail

    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    nip = make_nip(sequence=61)
    EmployeeFactory(nip=nip, email="rina@example.test", opd=opd, full_name="Rina Lestari")

    page.goto("/akun/aktivasi/")
    page.get_by_label("NIP").fill(nip)
    page.get_by_label("Alamat email").fill("rina@example.test")
    page.get_by_role("button", name="Kirim tautan aktivasi").click()
    expect(page.get_by_role("heading", name="Periksa email Anda")).to_be_visible()

    link = re.search(r"/akun/aktivasi/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_text("Rina Lestari")).to_be_visible()
    page.get_by_label("Kata sandi baru").fill("Kata-Sandi-Baru-2026")
    page.get_by_label("Ulangi kata sandi").fill("Kata-Sandi-Baru-2026")
    page.get_by_role("button", name="Aktifkan akun").click()
    expect(page.get_by_text("Akun Anda aktif. Selamat datang, Rina Lestari!")).to_be_visible()
    assert Employee.objects.get(nip=nip).user.username == nip


def test_the_csp_watch_catches_an_inline_script_without_nonce(page):
    """The browser tests fail on CSP violations; this proves the watch sees one."""
    page.goto("/akun/login/")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.append(s); }")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.pwned") is None
    assert any("script-src" in line for line in page.csp_violations)
    page.csp_violations.clear()


def _admin_login(page, user, next_url):
    page.goto(f"/akun/login/?next={next_url}")
    page.get_by_label("Email atau NIP").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_auditor_grant_waits_for_a_second_hr_in_the_admin(page, settings):
    """Separation of duties in the browser, and the admin's role form (with Wagtail's inline
    date-chooser script) and review page under the Content-Security-Policy."""
    from organizations.models import RoleAssignment

    settings.STAFF_MFA_REQUIRED = False
    hr_a = UserFactory(email="hr-a@example.test", first_name="Rusdi Ansyari")
    hr_c = UserFactory(email="hr-c@example.test", first_name="Citra Hapsari")
    target = UserFactory(email="b@example.test", first_name="Bayu Auditor")
    for hr in (hr_a, hr_c):
        role_assign(user=hr, role=Role.HR, acting_user=None)

    page.set_viewport_size({"width": 1280, "height": 900})
    _admin_login(page, hr_a, "/admin/peran-staf/new/")
    expect(page.locator("input[name=valid_until]")).to_be_visible()
    page.locator("select[name=user]").select_option(str(hr_a.pk))
    page.locator("select[name=role]").select_option("auditor")
    page.get_by_role("button", name=re.compile("^(Buat|Simpan|Create|Save)$", re.I)).click()
    expect(page.get_by_text("peran Anda sendiri")).to_be_visible()

    page.locator("select[name=user]").select_option(str(target.pk))
    page.locator("select[name=role]").select_option("auditor")
    page.get_by_role("button", name=re.compile("^(Buat|Simpan|Create|Save)$", re.I)).click()
    expect(page.get_by_text("menunggu persetujuan staf HR lain")).to_be_visible()
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.is_pending

    page.goto(f"/admin/peran-staf/review/{assignment.pk}/")
    expect(page.get_by_text("Anda yang memberikan peran ini")).to_be_visible()
    expect(page.get_by_role("button", name="Setujui peran")).to_have_count(0)

    page.context.clear_cookies()
    _admin_login(page, hr_c, f"/admin/peran-staf/review/{assignment.pk}/")
    page.get_by_role("button", name="Setujui peran").click()
    expect(page.get_by_text("disetujui dan kini berlaku")).to_be_visible()
    assignment.refresh_from_db()
    assert assignment.approved_by == hr_c


def test_new_staff_member_sets_up_two_step_verification_on_a_phone(page):
    """A coordinator without an authenticator is sent to set one up: the page shows the key,
    a wrong code is refused beside the field, the right one opens the admin. allauth's pages
    wear the site's form style (fields, buttons) and pass axe at 360 and 1280 px."""
    from .a11y import check_page

    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    user = UserFactory(email="koordinator@example.test", first_name="Nur Aini")
    EmployeeFactory(email=user.email, opd=opd, user=user)
    role_assign(user=user, role=Role.COORDINATOR, acting_user=None, opds=[opd])

    page.goto("/admin/")
    page.get_by_label("Email atau NIP").fill("koordinator@example.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("aktifkan verifikasi dua langkah")).to_be_visible()
    # allauth asks for the password again before an authenticator is added
    expect(page.get_by_role("heading", name="Konfirmasi Akses")).to_be_visible()
    check_page(page, "re-authentication")
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    page.get_by_role("button", name="Konfirmasi").click()
    expect(page.locator(".field.has-error [role=alert]")).to_be_visible()
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Konfirmasi").click()
    code_field = page.get_by_label(re.compile("Kode autentikator|Authenticator code", re.I))
    expect(code_field).to_be_visible()
    check_page(page, "two-step setup")
    code_field.fill("000000")
    page.get_by_role("button", name=re.compile("Aktifkan|Activate", re.I)).click()
    expect(page.locator(".field.has-error [role=alert]")).to_be_visible()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("Kode autentikator|Authenticator code", re.I)).fill(_totp_code(secret))
    page.get_by_role("button", name=re.compile("Aktifkan|Activate", re.I)).click()
    # allauth shows the recovery codes; the page says what they are for and leads on
    expect(page.get_by_role("heading", name="Kode Pemulihan")).to_be_visible()
    expect(page.get_by_text("Satu kode dapat dipakai sekali")).to_be_visible()
    check_page(page, "recovery codes")
    page.get_by_role("link", name="Lanjut ke halaman admin").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("heading", name="Integritas", level=1)).to_be_visible()  # the admin dashboard


def test_a_form_sent_without_its_security_cookie_explains_what_to_do(page):
    """The CSRF check refuses a form whose cookie is gone (cookies cleared, a page left open
    too long): the learner gets the site's page in Indonesian and a way back, not Django's."""
    from .a11y import check_page

    page.goto("/akun/login/")
    page.context.clear_cookies()
    page.get_by_label("Email atau NIP").fill("siapa@example.test")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Formulir tidak dapat dikirim")).to_be_visible()
    check_page(page, "csrf failure")
    page.get_by_role("main").get_by_role("link", name="Masuk").click()
    expect(page.get_by_role("heading", name="Masuk ke Integritas")).to_be_visible()
