"""Issue 14 item 3 in the browser: an editor changes a live quiz's pass mark and submits it
for review; the live quiz is unchanged until a reviewer approves it in the admin."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from courses.setup import REVIEWER_GROUP_NAME
from organizations.models import Role
from quizzes.models import Quiz

from .test_admin_journey import _staff
from .test_report_flow import _staff_log_in

pytestmark = pytest.mark.django_db(transaction=True)


def _footer_action(page, selector):
    """A button of the edit form's action menu; the secondary ones sit in its dropdown."""
    button = page.locator(selector).first
    if not button.is_visible():
        page.locator("footer .w-dropdown__toggle, footer [data-w-dropdown-target='toggle']").first.click()
    button.click()


def test_editor_submits_a_pass_mark_change_and_it_applies_only_after_approval(page, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi"), questions=3, pass_mark=70, title="Kuis akhir gratifikasi")
    editor, editor_secret = _staff(Role.EDITOR, "editor@example.test")
    reviewer, reviewer_secret = _staff(Role.EDITOR, "peninjau@example.test")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))

    _staff_log_in(page, f"/admin/kuis/edit/{quiz.pk}/", editor.email, editor_secret)
    page.get_by_label("Nilai lulus (%)").fill("1")
    expect(page.locator('button[name="action-publish"]')).to_have_count(0)  # editors cannot publish
    _footer_action(page, 'button[name="action-submit"]')
    expect(page.locator(".messages")).to_contain_text("Kuis akhir gratifikasi")
    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 70  # the live quiz is unchanged while in review
    page.goto(f"/admin/kuis/history/{quiz.pk}/")
    expect(page.get_by_role("table")).to_contain_text(editor.get_full_name())
    page.context.clear_cookies()

    _staff_log_in(page, f"/admin/kuis/edit/{quiz.pk}/", reviewer.email, reviewer_secret)
    expect(page.get_by_label("Nilai lulus (%)")).to_have_value("1")  # the reviewer sees the proposed change
    _footer_action(page, 'button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])')
    expect(page.locator(".messages")).to_be_visible()

    quiz.refresh_from_db()
    assert quiz.pass_mark == 1 and not quiz.has_unpublished_changes


CSV = (
    "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n"
    "{slug},dasar,tunggal,Apa yang dimaksud dengan gratifikasi?,Pemberian dalam arti luas,Hanya uang tunai,A\r\n"
    "{slug},dasar,benar_salah,Gratifikasi yang dilaporkan tepat waktu tidak dianggap suap.,Benar,Salah,A\r\n"
)


def test_reviewer_approves_an_import_batch_from_its_preview(page, make_course):
    from quizzes.models import Question
    from quizzes.services import question_import_confirm, question_import_stage

    from .a11y import check_page

    course = make_course(lessons=1, title="Mengenal dan Menolak Gratifikasi")
    editor, _secret = _staff(Role.EDITOR, "editor@example.test")
    reviewer, reviewer_secret = _staff(Role.EDITOR, "peninjau@example.test")
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    record, _preview = question_import_stage(filename="soal-gratifikasi.csv", content=CSV.format(slug=course.slug).encode(), acting_user=editor)
    question_import_confirm(record=record, acting_user=editor)

    _staff_log_in(page, "/admin/impor-soal/", reviewer.email, reviewer_secret)
    # the login ends with a redirect: axe must look at the import page, not the TOTP step
    expect(page.get_by_role("link", name="soal-gratifikasi.csv")).to_be_visible()
    check_page(page, "impor soal dengan daftar batch")
    page.get_by_role("link", name="soal-gratifikasi.csv").click()
    expect(page.get_by_role("heading", name="Status: Menunggu tinjauan")).to_be_visible()
    check_page(page, "tinjauan batch impor")
    page.get_by_role("button", name="Setujui semua (2 soal)").click()  # the box is not ticked: the browser asks first
    assert not Question.objects.filter(live=True).exists()
    page.get_by_label("Saya sudah memeriksa 2 soal baru di atas.").check()
    page.get_by_role("button", name="Setujui semua (2 soal)").click()
    expect(page.get_by_role("heading", name="Status: Disetujui")).to_be_visible()
    assert Question.objects.filter(live=True).count() == 2
