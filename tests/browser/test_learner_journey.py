"""Issue 13: the learner's journey with a next step after every finished step, every page
checked with axe-core at 360 px and 1280 px."""

import re

import pytest
from playwright.sync_api import expect

from quizzes.models import QuizKind

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory
from .a11y import check_page

pytestmark = pytest.mark.django_db(transaction=True)


def test_learner_goes_from_the_last_lesson_to_the_quiz_to_the_certificate(page, make_course, make_quiz, tmp_path):
    opd = OpdFactory(code="DINSOS", name="Dinas Sosial")
    user = UserFactory(email="rahmah@example.test", first_name="Rahmah Fitriani", username="199001012015042001")
    EmployeeFactory(email=user.email, opd=opd, user=user, nip="199001012015042001", full_name="Rahmah Fitriani")
    course = make_course(lessons=2, mandatory=True, title="Konflik Kepentingan")
    make_quiz(course, questions=3, kind=QuizKind.FINAL, requires_lessons=True, shuffle_questions=False, shuffle_choices=False)
    report = {}

    page.goto("/")
    check_page(page, "beranda", report)
    page.goto("/belajar/")
    check_page(page, "masuk", report)
    page.get_by_label("Email atau NIP").fill(user.username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    # the greeting names the person, not the NIP
    expect(page.get_by_text("Rahmah Fitriani").first).to_be_visible()
    expect(page.get_by_text(user.username)).to_have_count(0)
    check_page(page, "pembelajaran saya", report)

    page.goto(course.url)
    check_page(page, "kursus", report)
    page.goto(course.test_lessons[0].url)
    check_page(page, "pelajaran", report)
    page.get_by_role("button", name="Tandai selesai").click()
    expect(page).to_have_url(re.compile(re.escape(course.test_lessons[1].url) + "$"))
    page.get_by_role("button", name="Tandai selesai").click()

    # after the last lesson: the final quiz, not a lesson already done
    expect(page).to_have_url(re.compile(r"/kuis/\d+/$"))
    expect(page.get_by_text("Langkah berikutnya: kuis akhir")).to_be_visible()
    check_page(page, "kuis", report)
    page.get_by_role("button", name="Mulai kuis").click()
    check_page(page, "percobaan", report)
    for number in (1, 2, 3):
        page.get_by_label(f"Jawaban benar {number}").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Kirim jawaban").click()

    # the result says the course is done and leads to the certificate
    expect(page.get_by_role("heading", name="Hasil kuis")).to_be_visible()
    expect(page.get_by_text("Kursus ini selesai.")).to_be_visible()
    check_page(page, "hasil kuis", report)
    page.get_by_role("link", name="Lihat kursus selesai dan sertifikat").click()
    expect(page.get_by_role("heading", name="Kursus selesai")).to_be_visible()
    # the certificate is issued in the background; the page refreshes itself until it is there
    expect(page.get_by_role("link", name="Unduh sertifikat (PDF)")).to_be_visible(timeout=30_000)
    check_page(page, "kursus selesai", report)

    # the course page no longer offers a retry once passed
    page.goto(course.url)
    expect(page.get_by_text("Anda sudah lulus kuis ini.")).to_be_visible()
    expect(page.get_by_text(re.compile("mencoba lagi"))).to_have_count(0)

    page.goto("/sertifikat/")
    check_page(page, "sertifikat saya", report)
    page.get_by_role("link", name="Halaman verifikasi").first.click()
    expect(page.get_by_text(re.compile("Sertifikat (ini )?(sah|asli|berlaku)", re.I)).first).to_be_visible()
    check_page(page, "verifikasi", report)
    # on a phone, the masked NIP and the number stay inside the card
    page.set_viewport_size({"width": 360, "height": 780})
    card = page.locator(".card.verify").bounding_box()
    for box in (dd.bounding_box() for dd in page.locator(".facts dd").all()):
        assert box["x"] + box["width"] <= card["x"] + card["width"] + 0.5, (box, card)
    # a verifier holding the PDF checks it on the page: the hash is computed in the browser,
    # nothing is sent (no POST leaves the page)
    from certificates.models import Certificate

    certificate = Certificate.objects.get(employee__nip="199001012015042001")
    copy = tmp_path / "salinan.pdf"
    copy.write_bytes(certificate.pdf.open("rb").read())
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    page.get_by_label("Periksa berkas PDF yang Anda pegang").set_input_files(str(copy))
    page.get_by_role("button", name="Periksa berkas", exact=True).click()
    expect(page.get_by_text("Cocok. Berkas Anda sama persis dengan yang diterbitkan.")).to_be_visible()
    expect(page.get_by_text(certificate.sha256).first).to_be_visible()
    assert posts == []
    check_page(page, "verifikasi berkas", report)
    page.goto("/verifikasi/")
    check_page(page, "formulir verifikasi", report)
    print("axe violations per page (360 px, 1280 px):", report)
