import re

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment, EnrollmentStatus, LessonPage

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_completes_lessons_leaves_and_lanjutkan_resumes(page, make_course):
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    user = UserFactory(email="siti@example.test", first_name="Siti Rahmawati")
    EmployeeFactory(email=user.email, opd=opd, user=user)
    course = make_course(lessons=3, mandatory=True, title="Mengenal dan Menolak Gratifikasi")
    lesson_one = course.test_lessons[0]
    lesson_one.body = [
        ("paragraph", "<p>Isi pelajaran 1 tentang parsel lebaran.</p>"),
        ("case_study", {"title": "Parsel", "scenario": "<p>Rekanan mengirim parsel.</p>", "question": "Apa yang Anda lakukan?",
                        "discussion": "<p>Tolak, atau laporkan paling lambat 30 hari kerja.</p>"}),
    ]
    lesson_one.save_revision().publish()
    lessons = list(LessonPage.objects.child_of(course).order_by("path"))

    page.goto("/belajar/")
    page.get_by_label("Email atau NIP").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    # Pembelajaran Saya: the mandatory course is there already, not started
    expect(page.get_by_role("heading", name="Pembelajaran Saya")).to_be_visible()
    card = page.locator(".my-course", has_text="Mengenal dan Menolak Gratifikasi")
    expect(card.get_by_text("Belum mulai")).to_be_visible()
    card.get_by_role("link", name="Mulai belajar").click()
    expect(page).to_have_url(re.compile(re.escape(lessons[0].url) + "$"))
    expect(page.get_by_text("0 dari 3 pelajaran selesai (0%)")).to_be_visible()

    # the case study's discussion opens on demand
    expect(page.get_by_text("Tolak, atau laporkan paling lambat 30 hari kerja.")).to_be_hidden()
    page.get_by_text("Lihat pembahasan").click()
    expect(page.get_by_text("Tolak, atau laporkan paling lambat 30 hari kerja.")).to_be_visible()

    page.get_by_role("button", name="Tandai selesai").click()
    expect(page).to_have_url(re.compile(re.escape(lessons[1].url) + "$"))
    expect(page.get_by_text("1 dari 3 pelajaran selesai (33%)")).to_be_visible()
    expect(page.get_by_role("progressbar").first).to_have_attribute("aria-valuenow", "33")

    page.get_by_role("button", name="Tandai selesai").dblclick()  # an impatient double tap
    expect(page).to_have_url(re.compile(re.escape(lessons[2].url) + "$"))
    expect(page.get_by_text("2 dari 3 pelajaran selesai (67%)")).to_be_visible()

    # leave, come back later through Pembelajaran Saya
    page.goto("/")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Pembelajaran Saya").click()
    card = page.locator(".my-course", has_text="Mengenal dan Menolak Gratifikasi")
    expect(card.get_by_text("Sedang berjalan")).to_be_visible()
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "67")
    card.get_by_role("link", name="Lanjutkan").click()
    expect(page).to_have_url(re.compile(re.escape(lessons[2].url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pelajaran 3")

    page.get_by_role("button", name="Tandai selesai").click()
    # no quiz: the last lesson leads to the completion page, the certificate's next step
    expect(page).to_have_url(re.compile(rf"/belajar/kursus/{course.pk}/selesai/$"))
    expect(page.get_by_text("Selamat! Anda telah menyelesaikan kursus").first).to_be_visible()
    expect(page.get_by_role("heading", name="Kursus selesai")).to_be_visible()
    enrollment = Enrollment.objects.get(course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.lesson_progress.count() == 3


def test_course_pages_fit_a_phone_and_a_desktop(browser, live_server, make_course):
    """Screenshots at both widths for a human to look at, and no horizontal scrolling."""
    from ..conftest import PASSWORD as password
    from .conftest import ARTIFACTS

    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    user = UserFactory(email="ani@example.test", first_name="Ani")
    EmployeeFactory(email=user.email, opd=opd, user=user)
    course = make_course(lessons=2, title="Nilai-Nilai Antikorupsi dan Budaya Kerja dengan Judul Panjang")
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("ponsel", {"width": 360, "height": 740}), ("desktop", {"width": 1280, "height": 900})):
        context = browser.new_context(base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        page.goto("/akun/login/")
        page.get_by_label("Email atau NIP").fill(user.email)
        page.get_by_label("Kata sandi").fill(password)
        page.get_by_role("button", name="Masuk").click()
        for label, url in (("beranda", "/"), ("belajar", "/belajar/"), ("kursus", course.url), ("pelajaran", course.test_lessons[0].url)):
            page.goto(url)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{label} scrolls sideways by {overflow}px at {name} width"
            page.screenshot(path=str(ARTIFACTS / f"kursus-{label}-{name}.png"), full_page=True)
        context.close()


def test_hr_assigns_a_mandatory_course_to_an_opd(page, make_course, settings):
    from organizations.models import Role
    from organizations.services import role_assign

    settings.STAFF_MFA_REQUIRED = False  # the TOTP login itself is walked in test_foundation_flows
    bkpsdm = OpdFactory(code="BKPSDM", name="Badan Kepegawaian")
    dinkes = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    hr = UserFactory(email="hr@example.test")
    EmployeeFactory(email=hr.email, opd=bkpsdm, user=hr)
    role_assign(user=hr, role=Role.HR, acting_user=None)
    EmployeeFactory.create_batch(3, opd=dinkes)
    course = make_course(lessons=1, title="Konflik Kepentingan")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/akun/login/?next=/admin/tugaskan-kursus/")
    page.get_by_label("Email atau NIP").fill(hr.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.get_by_label("Kursus").select_option(label="Konflik Kepentingan")
    page.get_by_label("Dinas Kesehatan").check()
    page.get_by_role("button", name="Pratinjau").click()
    expect(page.get_by_text("3 pegawai akan didaftarkan. Lanjutkan?")).to_be_visible()
    assert not Enrollment.objects.exists()
    page.get_by_role("button", name="Ya, daftarkan sekarang").click()
    expect(page.get_by_text("3 pegawai didaftarkan ke “Konflik Kepentingan”.")).to_be_visible()
    assert Enrollment.objects.filter(course=course, employee__opd=dinkes).count() == 3
