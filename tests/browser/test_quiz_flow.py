import re

import pytest
from playwright.sync_api import expect

from quizzes.models import Attempt

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_timed_quiz_autosaves_survives_a_reload_and_ends_after_the_last_attempt(page, make_course, make_quiz):
    opd = OpdFactory(code="DINKES", name="Dinas Kesehatan")
    user = UserFactory(email="siti@example.test", first_name="Siti")
    EmployeeFactory(email=user.email, opd=opd, user=user)
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    quiz = make_quiz(course, questions=3, time_limit_minutes=10, max_attempts=1, shuffle_questions=False, shuffle_choices=False, review_policy="full")

    page.goto(f"/kuis/{quiz.pk}/")
    page.get_by_label("Email atau NIP").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("Waktu 10 menit sejak mulai")).to_be_visible()
    page.get_by_role("button", name="Mulai kuis").click()

    expect(page.locator(".countdown")).to_contain_text(re.compile(r"Sisa waktu (9|10):\d\d"))
    page.get_by_label("Jawaban benar 1").check()
    expect(page.locator("[data-save-state]")).to_contain_text("Tersimpan")
    page.get_by_label("Jawaban keliru 2").check()
    expect(page.locator("[data-save-state]")).to_contain_text("Tersimpan")
    page.wait_for_timeout(600)  # the second autosave is debounced

    page.reload()
    expect(page.get_by_label("Jawaban benar 1")).to_be_checked()
    expect(page.get_by_label("Jawaban keliru 2")).to_be_checked()
    expect(page.get_by_label("Jawaban benar 3")).not_to_be_checked()

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", name="Hasil kuis")).to_be_visible()
    assert "1 soal yang belum dijawab" in messages[0]
    expect(page.get_by_text("1 dari 3 soal benar.")).to_be_visible()
    expect(page.get_by_text("RAHASIA-PEMBAHASAN-2")).to_be_visible()  # full review after submission

    page.get_by_role("link", name="Kembali ke kuis").click()
    expect(page.get_by_text("Kesempatan mengerjakan kuis ini sudah habis")).to_be_visible()
    expect(page.get_by_role("button", name="Mulai kuis")).to_have_count(0)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(f"/kuis/{quiz.pk}/mulai/", headers={"X-CSRFToken": token, "Referer": page.url}, max_redirects=0)
    assert response.status == 302 and response.headers["location"] == f"/kuis/{quiz.pk}/"
    assert Attempt.objects.filter(quiz=quiz).count() == 1
