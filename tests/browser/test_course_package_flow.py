from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from core.models import ProgramSettings
from courses.models import CoursePage
from quizzes.packages.exporter import package_zip
from quizzes.packages.reader import package_files_from_dir

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "mengenal-dan-menolak-gratifikasi"


def _login(page, email):
    page.goto("/akun/login/")
    page.get_by_label("Email atau NIP").fill(email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()


def test_admin_imports_a_package_zip_and_a_learner_opens_its_lesson(browser, live_server, settings, tmp_path):
    settings.STAFF_MFA_REQUIRED = False  # the TOTP login is walked in test_foundation_flows
    program = ProgramSettings.load()
    program.minutes_per_jp = 45
    program.save()
    admin = UserFactory(email="admin@example.test", is_superuser=True, is_staff=True)
    learner = UserFactory(email="rina@example.test")
    EmployeeFactory(email=learner.email, opd=OpdFactory(code="DINKES", name="Dinas Kesehatan"), user=learner)
    archive = tmp_path / f"{SLUG}.zip"
    archive.write_bytes(package_zip(package_files_from_dir(Path(django_settings.BASE_DIR) / "curriculum" / SLUG), folder=SLUG))

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    _login(page, admin.email)
    page.goto("/admin/impor-kursus/")
    page.get_by_label("Paket kursus (ZIP)").set_input_files(str(archive))
    page.get_by_role("button", name="Unggah dan pratinjau").click()
    expect(page.get_by_role("heading", name="Mengenal dan Menolak Gratifikasi")).to_be_visible()
    expect(page.get_by_text("Kursus baru.")).to_be_visible()
    assert not CoursePage.objects.filter(slug=SLUG).exists()  # the preview writes nothing
    page.get_by_role("button", name="Muat kursus").click()
    expect(page.get_by_text("dimuat dan diterbitkan")).to_be_visible()
    page.screenshot(path=str(tmp_path / "admin.png"))
    context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    _login(page, learner.email)
    page.goto(f"/kursus/{SLUG}/apa-itu-gratifikasi/")
    expect(page.get_by_role("heading", name="Apa itu gratifikasi?", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Pengertian menurut undang-undang")).to_be_visible()
    expect(page.get_by_text("Saldo dompet elektronik dari pemohon")).to_be_visible()  # a case study block
    expect(page.get_by_role("heading", name="Cek diri")).to_be_visible()
    page.get_by_text("Lihat jawaban").first.click()
    page.screenshot(path=str(tmp_path / "lesson.png"), full_page=True)
    page.get_by_role("button", name="Tandai selesai").click()
    expect(page.get_by_text("1 dari 7")).to_be_visible()
    context.close()
