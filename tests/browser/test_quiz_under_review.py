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
