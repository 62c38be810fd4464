"""The default review policy in a browser: right/wrong without keys while attempts are left,
keys after the last one; and the editor's item quality page."""

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from quizzes.models import Choice, Question, Quiz

from ..conftest import PASSWORD
from ..factories import EmployeeFactory, OpdFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _shoot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


def _take(page, quiz, *, wrong: int):
    page.goto(f"/kuis/{quiz.pk}/")
    page.get_by_role("button", name="Mulai kuis").click()
    for i in range(1, 4):
        page.get_by_label(f"Jawaban {'keliru' if i <= wrong else 'benar'} {i}").check()
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.get_by_role("heading", name="Hasil kuis")).to_be_visible()


def test_keys_stay_hidden_until_the_last_attempt_is_used(page, make_course, make_quiz):
    user = UserFactory(email="budi@example.test", first_name="Budi")
    EmployeeFactory(email=user.email, opd=OpdFactory(code="DISKOMINFO", name="Dinas Komunikasi dan Informatika"), user=user)
    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    quiz = make_quiz(course, questions=3, max_attempts=2, shuffle_questions=False, shuffle_choices=False)
    assert quiz.review_policy == "correctness_until_done"  # the default

    page.goto(f"/kuis/{quiz.pk}/")
    page.get_by_label("Email atau NIP").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_text("kunci jawaban dan pembahasan ditampilkan setelah Anda lulus atau semua kesempatan terpakai")).to_be_visible()

    _take(page, quiz, wrong=3)
    expect(page.get_by_text("Kunci jawaban dan pembahasan ditampilkan setelah Anda lulus atau semua kesempatan terpakai.")).to_be_visible()
    expect(page.locator(".review li.card")).to_have_count(3)
    expect(page.get_by_text("Jawaban benar 1")).to_have_count(0)
    expect(page.get_by_text("RAHASIA-PEMBAHASAN-1")).to_have_count(0)
    _shoot(page, "review-until-done-hidden")

    _take(page, quiz, wrong=2)  # the last attempt, not passed (1 of 3 < 60)
    expect(page.get_by_text("RAHASIA-PEMBAHASAN-1")).to_be_visible()
    expect(page.locator(".review .key")).to_have_count(3)
    _shoot(page, "review-until-done-shown")


def test_editor_reads_the_item_quality_page(page, make_course, make_staff, live_server):
    from organizations.models import Role

    course = make_course(lessons=1, title="Benturan Kepentingan")
    for text, options in (
        ("Apa yang dimaksud benturan kepentingan?", ["Situasi ketika kepentingan pribadi memengaruhi keputusan jabatan", "Rapat", "Cuti"]),
        ("apa yang dimaksud benturan kepentingan", ["Satu", "Dua", "Tiga"]),
        ("Kepada siapa benturan kepentingan dilaporkan?", ["Dilaporkan kepada atasan langsung", "Teman", "Keluarga"]),
    ):
        question = Question.objects.create(course=course, category="dasar", text=f"<p>{text}</p>")
        Choice.objects.bulk_create([Choice(question=question, text=t, is_correct=j == 0, sort_order=j) for j, t in enumerate(options)])
    Quiz.objects.create(course=course, title="Kuis akhir — Benturan Kepentingan", draw_categories=["dasar", "kasus"])
    editor = make_staff(Role.EDITOR)
    client = Client()
    client.force_login(editor)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])

    page.goto("/admin/mutu-soal/")
    page.get_by_role("link", name="Benturan Kepentingan").click()
    expect(page.get_by_text("Pertanyaan ganda: Soal #")).to_be_visible()
    expect(page.get_by_text("Kunci adalah pilihan terpanjang pada 2 dari 3 soal")).to_be_visible()
    _shoot(page, "bank-quality-course")
    page.get_by_role("link", name="Kuis akhir — Benturan Kepentingan").click()
    expect(page.get_by_text("kategori yang tidak punya soal aktif: kasus")).to_be_visible()
