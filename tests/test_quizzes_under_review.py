"""Quiz settings and questions under review (DESIGN.md invariant 10): a change to what an
assessment demands takes effect only once a reviewer approves it; drafts are never drawn;
an import goes to review as one batch."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse
from wagtail.models import ModelLogEntry, TaskState, WorkflowState

from quizzes.models import Question, QuestionImport, Quiz
from quizzes.services import attempt_start

from .factories import EmployeeFactory
from .test_curriculum import minutes_per_jp  # noqa: F401 (a fixture)


@pytest.fixture
def course(make_course):
    return make_course(lessons=1)


def _quiz_form(quiz, **changes):
    data = {k: ("" if v is None else v) for k, v in model_to_dict(quiz).items() if k not in ("id", "draw_categories")}
    data.update(course=quiz.course_id, draw_categories=", ".join(quiz.draw_categories))
    for name in ("shuffle_questions", "shuffle_choices", "requires_lessons", "active"):
        data[name] = "on" if data.pop(name) else ""
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def _approve(client, reviewer, obj, namespace):
    """The reviewer presses Approve in the admin's workflow dialogue (Wagtail's own view)."""
    task_state = obj.current_workflow_task_state
    client.force_login(reviewer)
    url = reverse(f"{namespace}:workflow_action", args=[obj.pk, "approve", task_state.pk])
    return client.post(url, {"comment": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")


# --- quiz settings ----------------------------------------------------------------------------


def test_editor_change_of_a_live_quiz_waits_for_review_and_takes_effect_on_approval(client, editor, reviewer, course, make_quiz):
    quiz = make_quiz(course, questions=2, pass_mark=70)
    client.force_login(editor)

    response = client.post(f"/admin/kuis/edit/{quiz.pk}/", {**_quiz_form(quiz, pass_mark="1"), "action-submit": "1"})

    assert response.status_code == 302, response.content.decode()[:2000]
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70 and quiz.live and quiz.has_unpublished_changes
    assert quiz.get_latest_revision_as_object().pass_mark == 1
    assert quiz.workflow_in_progress
    # attempts read the live row: still 70 %
    learner = EmployeeFactory(opd=course.audience_opds.first()) if course.audience_opds.exists() else EmployeeFactory()
    attempt = attempt_start(quiz=Quiz.objects.get(pk=quiz.pk), employee=learner)
    assert attempt.quiz.pass_mark == 70

    response = _approve(client, reviewer, quiz, "quizzes_quiz")

    assert response.status_code == 200
    quiz.refresh_from_db()
    assert quiz.pass_mark == 1 and not quiz.has_unpublished_changes
    assert WorkflowState.objects.get(object_id=str(quiz.pk), base_content_type__model="quiz").status == WorkflowState.STATUS_APPROVED


def test_editor_cannot_publish_a_quiz_change_directly(client, editor, course, make_quiz):
    """The finding of issue 14: `POST /admin/kuis/edit/<id>/` with pass_mark=1 took effect at once."""
    quiz = make_quiz(course, questions=2, pass_mark=70)
    client.force_login(editor)

    for action in ("action-publish", None):
        data = _quiz_form(quiz, pass_mark="1")
        if action:
            data[action] = "1"
        client.post(f"/admin/kuis/edit/{quiz.pk}/", data)

    quiz.refresh_from_db()
    assert quiz.pass_mark == 70
    assert not editor.has_perm("quizzes.publish_quiz") and not editor.has_perm("quizzes.publish_question")
    edit_page = client.get(f"/admin/kuis/edit/{quiz.pk}/").content.decode()
    assert 'name="action-publish"' not in edit_page and 'name="action-submit"' in edit_page


def test_reviewer_rejection_leaves_the_live_quiz_as_it_was(client, editor, reviewer, course, make_quiz):
    quiz = make_quiz(course, questions=2, max_attempts=3)
    client.force_login(editor)
    client.post(f"/admin/kuis/edit/{quiz.pk}/", {**_quiz_form(quiz, max_attempts="50"), "action-submit": "1"})
    quiz.refresh_from_db()
    task_state = quiz.current_workflow_task_state
    client.force_login(reviewer)
    url = reverse("quizzes_quiz:workflow_action", args=[quiz.pk, "reject", task_state.pk])
    client.post(url, {"comment": "Terlalu banyak"}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    quiz.refresh_from_db()
    assert quiz.max_attempts == 3
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_REJECTED


def test_a_new_quiz_is_a_draft_that_learners_cannot_open_until_approved(client, editor, reviewer, learner, course, make_quiz):
    make_quiz(course, questions=2, active=False)  # a bank to draw from
    client.force_login(editor)
    data = _quiz_form(Quiz(course=course, title="Kuis akhir baru", pass_mark=80, question_count=2), course=course.pk)
    response = client.post("/admin/kuis/add/", {**data, "action-submit": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    quiz = Quiz.objects.get(title="Kuis akhir baru")
    assert not quiz.live
    client.force_login(learner)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 404

    _approve(client, reviewer, quiz, "quizzes_quiz")

    quiz.refresh_from_db()
    assert quiz.live
    client.force_login(learner)
    assert client.get(reverse("quiz_detail", args=[quiz.pk])).status_code == 200


def test_quiz_history_shows_the_submission_and_the_approval(client, editor, reviewer, course, make_quiz):
    quiz = make_quiz(course, questions=2, pass_mark=70)
    client.force_login(editor)
    client.post(f"/admin/kuis/edit/{quiz.pk}/", {**_quiz_form(quiz, pass_mark="75"), "action-submit": "1"})
    _approve(client, reviewer, Quiz.objects.get(pk=quiz.pk), "quizzes_quiz")

    client.force_login(editor)
    response = client.get(f"/admin/kuis/history/{quiz.pk}/")

    assert response.status_code == 200
    actions = set(ModelLogEntry.objects.filter(object_id=str(quiz.pk), content_type__model="quiz").values_list("action", flat=True))
    assert {"wagtail.edit", "wagtail.workflow.start", "wagtail.workflow.approve", "wagtail.publish"} <= actions
    assert editor.get_full_name() in response.content.decode()
    assert client.get(f"/admin/kuis/workflow_history/{quiz.pk}/").status_code == 200


def test_editor_may_lock_a_quiz_that_is_not_in_review(client, editor, course, make_quiz):
    quiz = make_quiz(course, questions=1)
    client.force_login(editor)
    client.post(f"/admin/kuis/lock/{quiz.pk}/")
    quiz.refresh_from_db()
    assert quiz.locked and quiz.locked_by == editor


# --- questions --------------------------------------------------------------------------------


def _question_form(question, text):
    choices = list(question.choices.all())
    data = {
        "course": question.course_id, "category": question.category, "type": question.type, "active": "on",
        "text": json.dumps({"blocks": [{"key": "a", "type": "unstyled", "text": text, "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "explanation": json.dumps({"blocks": [{"key": "b", "type": "unstyled", "text": "", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "choices-TOTAL_FORMS": str(len(choices)), "choices-INITIAL_FORMS": str(len(choices)), "choices-MIN_NUM_FORMS": "2", "choices-MAX_NUM_FORMS": "8",
    }
    for i, choice in enumerate(choices):
        data.update({f"choices-{i}-id": str(choice.pk), f"choices-{i}-text": choice.text, f"choices-{i}-feedback": choice.feedback, f"choices-{i}-DELETE": ""})
        if choice.is_correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


def test_question_edit_waits_for_review_and_past_attempts_keep_their_snapshot(client, editor, reviewer, course, make_quiz):
    quiz = make_quiz(course, questions=1)
    question = Question.objects.get()
    learner = EmployeeFactory()
    attempt = attempt_start(quiz=quiz, employee=learner)
    client.force_login(editor)

    response = client.post(f"/admin/bank-soal/edit/{question.pk}/", {**_question_form(question, "Pertanyaan yang diubah?"), "action-submit": "1"})

    assert response.status_code == 302, response.content.decode()[:2000]
    question.refresh_from_db()
    assert question.text == "<p>Soal uji 1?</p>"  # live unchanged while in review
    _approve(client, reviewer, question, "quizzes_question")
    question.refresh_from_db()
    assert "Pertanyaan yang diubah?" in question.text
    attempt.refresh_from_db()
    assert attempt.snapshot[0]["text"] == "<p>Soal uji 1?</p>"  # the attempt keeps what it showed


def test_a_question_not_yet_approved_is_never_drawn(client, editor, course, make_quiz):
    quiz = make_quiz(course, questions=2, question_count=3, max_attempts=None)
    client.force_login(editor)
    draft = _question_form(Question.objects.first(), "Soal baru yang belum ditinjau?")
    for i in range(2):
        draft.pop(f"choices-{i}-id")
    draft["choices-INITIAL_FORMS"] = "0"
    assert client.post("/admin/bank-soal/add/", {**draft, "action-submit": "1"}).status_code == 302
    new = Question.objects.get(text__contains="belum ditinjau")
    assert not new.live and new.active

    for _ in range(5):
        attempt = attempt_start(quiz=quiz, employee=EmployeeFactory())
        assert new.pk not in {q["id"] for q in attempt.snapshot}
        assert len(attempt.snapshot) == 2


# --- question import batches ------------------------------------------------------------------


CSV = (
    "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n"
    "{slug},dasar,tunggal,Apa itu gratifikasi?,Pemberian dalam arti luas,Hanya uang,A\r\n"
    "{slug},dasar,benar_salah,Ada nilai minimum?,Benar,Salah,B\r\n"
)


def _import(client, user, course):
    client.force_login(user)
    response = client.post("/admin/impor-soal/", {"file": SimpleUploadedFile("soal.csv", CSV.format(slug=course.slug).encode())})
    record = QuestionImport.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert client.post(f"/admin/impor-soal/{record.pk}/konfirmasi/").status_code == 302
    record.refresh_from_db()
    return record


def test_confirmed_import_waits_as_drafts_that_are_never_drawn(client, editor, course, make_quiz):
    quiz = make_quiz(course, questions=1, question_count=3)
    record = _import(client, editor, course)

    assert record.status == "pending" and record.created_count == 2
    assert set(record.questions.values_list("live", flat=True)) == {False}
    attempt = attempt_start(quiz=quiz, employee=EmployeeFactory())
    assert len(attempt.snapshot) == 1


def test_reviewer_approves_the_whole_batch_at_once(client, editor, reviewer, course):
    record = _import(client, editor, course)
    client.force_login(reviewer)
    page = client.get(f"/admin/impor-soal/{record.pk}/").content.decode()
    assert "Setujui semua" in page and "Tolak semua" in page and "Apa itu gratifikasi?" in page

    response = client.post(f"/admin/impor-soal/{record.pk}/setujui/", {"checked": "1"})

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == "approved" and record.reviewed_by == reviewer and record.reviewed_at
    assert set(record.questions.values_list("live", flat=True)) == {True}
    assert ModelLogEntry.objects.filter(action="integritas.question_import_approve", user=reviewer).count() == 1
    # each question's history shows its publication
    assert ModelLogEntry.objects.filter(action="wagtail.publish", content_type__model="question").count() == 2
    # approving twice changes nothing and says why
    response = client.post(f"/admin/impor-soal/{record.pk}/setujui/", {"checked": "1"}, follow=True)
    assert "sudah disetujui" in response.content.decode()
    assert ModelLogEntry.objects.filter(action="integritas.question_import_approve").count() == 1


def test_approval_needs_the_preview_checked(client, editor, reviewer, course):
    record = _import(client, editor, course)
    client.force_login(reviewer)
    response = client.post(f"/admin/impor-soal/{record.pk}/setujui/", {}, follow=True)
    assert "Centang bahwa Anda sudah memeriksa" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "pending" and not record.questions.filter(live=True).exists()


def test_the_uploader_cannot_approve_their_own_batch(client, reviewer, course):
    record = _import(client, reviewer, course)  # a reviewer who imports is the uploader here
    page = client.get(f"/admin/impor-soal/{record.pk}/").content.decode()
    assert "peninjau lain" in page and "Setujui semua" not in page

    response = client.post(f"/admin/impor-soal/{record.pk}/setujui/", {"checked": "1"}, follow=True)

    assert "peninjau lain" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "pending" and not record.questions.filter(live=True).exists()


def test_an_editor_who_is_not_a_reviewer_cannot_decide_on_a_batch(client, editor, make_staff, course):
    from organizations.models import Role

    record = _import(client, editor, course)
    other_editor = make_staff(Role.EDITOR)
    client.force_login(other_editor)
    for decision, data in (("setujui", {"checked": "1"}), ("tolak", {"reason": "x"})):
        response = client.post(f"/admin/impor-soal/{record.pk}/{decision}/", data)
        assert response.status_code == 302 and not response.url.startswith("/admin/impor-soal/")
    record.refresh_from_db()
    assert record.status == "pending" and record.questions.count() == 2


def test_reviewer_rejects_the_batch_with_a_reason(client, editor, reviewer, course):
    record = _import(client, editor, course)
    client.force_login(reviewer)
    response = client.post(f"/admin/impor-soal/{record.pk}/tolak/", {"reason": "  "}, follow=True)
    assert "alasan penolakan" in response.content.decode()
    assert Question.objects.count() == 2

    client.post(f"/admin/impor-soal/{record.pk}/tolak/", {"reason": "Kunci soal 2 keliru."})

    record.refresh_from_db()
    assert record.status == "rejected" and record.reviewed_by == reviewer and record.review_note == "Kunci soal 2 keliru."
    assert not Question.objects.exists()
    entry = ModelLogEntry.objects.get(action="integritas.question_import_reject")
    assert entry.user == reviewer and entry.data["reason"] == "Kunci soal 2 keliru." and entry.data["deleted"] == 2
    # a rejected batch cannot be approved afterwards
    response = client.post(f"/admin/impor-soal/{record.pk}/setujui/", {"checked": "1"}, follow=True)
    assert "sudah ditolak" in response.content.decode()
    record.refresh_from_db()
    assert record.status == "rejected"


def test_import_preview_reads_what_was_parsed_at_upload(client, editor, course):
    client.force_login(editor)
    response = client.post("/admin/impor-soal/", {"file": SimpleUploadedFile("soal.csv", CSV.format(slug=course.slug).encode())})
    record = QuestionImport.objects.get(pk=response.url.rstrip("/").split("/")[-1])
    assert record.parsed["rows"][0]["text"] == "<p>Apa itu gratifikasi?</p>"
    # the stored file is no longer read: a preview and a confirmation work from the stored rows
    QuestionImport.objects.filter(pk=record.pk).update(content=b"not a table any more")
    page = client.get(f"/admin/impor-soal/{record.pk}/").content.decode()
    assert "2 baru" in page and "Apa itu gratifikasi?" in page
    client.post(f"/admin/impor-soal/{record.pk}/konfirmasi/")
    assert Question.objects.filter(live=False).count() == 2


# --- course packages --------------------------------------------------------------------------


def test_a_package_load_that_does_not_publish_leaves_live_quiz_and_questions_unchanged(minutes_per_jp):  # noqa: F811
    """A later load by an editor (or without "publish now") sends quiz and question changes
    to review like the pages; publishing applies them."""
    from .test_curriculum import load, small_package


    load(small_package())
    quiz = Quiz.objects.get(course__slug="paket-uji")
    yaml = small_package()["course.yaml"].decode().replace("pass_mark: 70", "pass_mark: 10")
    csv = small_package()["questions.csv"].decode().replace("Soal nomor 5?,Satu,Dua,Tiga,,,B", "Soal nomor 5?,Satu,Dua,Tiga,,,C")
    csv += "paket-uji,pengertian,tunggal,Soal nomor 6?,Satu,Dua,Tiga,,,A,Pasal 6.\n"
    changed = small_package(**{"course.yaml": yaml, "questions.csv": csv})

    plan = load(changed, may_publish=False)

    assert plan.submitted and not plan.published
    quiz.refresh_from_db()
    assert quiz.pass_mark == 70 and quiz.get_latest_revision_as_object().pass_mark == 10 and quiz.workflow_in_progress
    fifth = Question.objects.get(text="<p>Soal nomor 5?</p>")
    assert [c.is_correct for c in fifth.choices.all()] == [False, True, False]  # the live key
    assert [c.is_correct for c in fifth.get_latest_revision_as_object().choices.all()] == [False, False, True]
    sixth = Question.objects.get(text="<p>Soal nomor 6?</p>")
    assert not sixth.live and sixth.workflow_in_progress
    assert sixth.pk not in Question.objects.in_use().values_list("pk", flat=True)

    load(changed, publish=True)

    quiz.refresh_from_db()
    assert quiz.pass_mark == 10
    assert Question.objects.in_use().filter(text="<p>Soal nomor 6?</p>").exists()
    assert [c.is_correct for c in Question.objects.get(pk=fifth.pk).choices.all()] == [False, False, True]
