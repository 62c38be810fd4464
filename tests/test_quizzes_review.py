"""Review policies: what the result page shows after submission, for each policy, and the
default `correctness_until_done` that holds the keys back until the learner is done."""

import pytest

from quizzes.models import Quiz, ReviewPolicy
from quizzes.selectors import attempt_review, quiz_done_for
from quizzes.services import attempt_start, attempt_submit

KEY_MARKS = ("RAHASIA-PEMBAHASAN", "RAHASIA-UMPAN", "badge-completed\">kunci")


@pytest.fixture
def course(make_course):
    return make_course(lessons=1)


def _answers(attempt, *, right: bool) -> dict:
    return {str(q["id"]): [next(c["id"] for c in q["choices"] if c["correct"] == right)] for q in attempt.snapshot}


def _take(quiz, employee, *, right: bool):
    attempt = attempt_start(quiz=quiz, employee=employee)
    return attempt_submit(attempt=attempt, answers=_answers(attempt, right=right))


def _result(client, attempt) -> str:
    response = client.get(f"/kuis/percobaan/{attempt.pk}/hasil/")
    assert response.status_code == 200
    return response.content.decode()


def _shows_keys(body: str) -> bool:
    return any(mark in body for mark in KEY_MARKS)


def test_the_default_review_policy_is_correctness_until_done(course):
    quiz = Quiz.objects.create(course=course, title="Baru")
    assert quiz.review_policy == ReviewPolicy.CORRECTNESS_UNTIL_DONE == "correctness_until_done"


def test_score_policy_shows_the_score_only(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="score", max_attempts=1)
    attempt = _take(quiz, learner.employee, right=False)
    client.force_login(learner)
    body = _result(client, attempt)
    assert "Nilai: 0" in body and "Soal uji" not in body and "Tinjauan jawaban" not in body
    assert not _shows_keys(body)  # even with every attempt used


def test_correctness_policy_shows_right_and_wrong_but_never_the_key(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="correctness", max_attempts=1)
    attempt = _take(quiz, learner.employee, right=False)
    client.force_login(learner)
    body = _result(client, attempt)
    assert "Tinjauan jawaban" in body and "✗ Salah" in body and "Soal uji" in body
    assert "Jawaban Anda" in body and "Jawaban keliru" in body  # the learner's own choice
    assert "Jawaban benar" not in body and not _shows_keys(body)  # attempts used up, still no key


def test_full_policy_shows_keys_and_explanations_at_once(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="full", max_attempts=3)
    attempt = _take(quiz, learner.employee, right=False)
    client.force_login(learner)
    body = _result(client, attempt)
    assert "RAHASIA-PEMBAHASAN-1" in body and "Jawaban benar" in body and _shows_keys(body)


def test_until_done_hides_keys_while_attempts_are_left_then_shows_them_when_used_up(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="correctness_until_done", max_attempts=2)
    client.force_login(learner)
    first = _take(quiz, learner.employee, right=False)
    body = _result(client, first)
    assert "✗ Salah" in body and "Jawaban keliru" in body
    assert not _shows_keys(body) and "Jawaban benar" not in body
    assert "setelah Anda lulus atau semua kesempatan terpakai" in body
    assert attempt_review(first).level == "correctness" and not quiz_done_for(quiz=quiz, employee=learner.employee)

    second = _take(quiz, learner.employee, right=False)  # the last attempt, failed
    assert quiz_done_for(quiz=quiz, employee=learner.employee)
    for attempt in (first, second):  # both reviews now open up
        body = _result(client, attempt)
        assert _shows_keys(body) and "RAHASIA-PEMBAHASAN-1" in body and "Jawaban benar" in body
        assert "setelah Anda lulus" not in body


def test_until_done_shows_keys_once_passed(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="correctness_until_done", max_attempts=3)
    client.force_login(learner)
    failed = _take(quiz, learner.employee, right=False)
    assert not _shows_keys(_result(client, failed))
    passed = _take(quiz, learner.employee, right=True)
    assert passed.passed
    assert _shows_keys(_result(client, passed)) and _shows_keys(_result(client, failed))


def test_until_done_without_an_attempt_limit_waits_for_a_pass(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="correctness_until_done", max_attempts=None)
    client.force_login(learner)
    for _ in range(3):
        attempt = _take(quiz, learner.employee, right=False)
    body = _result(client, attempt)
    assert not _shows_keys(body) and "setelah Anda lulus kuis ini" in body


def test_until_done_hides_keys_from_an_old_result_while_a_new_attempt_is_open(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="correctness_until_done", max_attempts=2)
    client.force_login(learner)
    first = _take(quiz, learner.employee, right=False)
    attempt_start(quiz=quiz, employee=learner.employee)  # the last attempt, in progress
    assert not _shows_keys(_result(client, first))


def test_another_learner_being_done_does_not_open_my_keys(client, learner, course, make_quiz):
    from .factories import EmployeeFactory

    quiz = make_quiz(course, questions=2, review_policy="correctness_until_done", max_attempts=1)
    _take(quiz, EmployeeFactory(opd=learner.employee.opd), right=True)
    quiz.max_attempts = 2
    quiz.save()
    mine = _take(quiz, learner.employee, right=False)
    client.force_login(learner)
    assert not _shows_keys(_result(client, mine))


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("score", "Anda melihat nilai saja"),
        ("correctness", "soal mana yang benar atau salah."),
        ("correctness_until_done", "ditampilkan setelah Anda lulus atau semua kesempatan terpakai"),
        ("full", "kunci jawaban, dan pembahasan"),
    ],
)
def test_the_quiz_page_tells_the_learner_what_the_review_will_show(client, learner, course, make_quiz, policy, expected):
    quiz = make_quiz(course, questions=2, review_policy=policy, max_attempts=2)
    client.force_login(learner)
    assert expected in client.get(f"/kuis/{quiz.pk}/").content.decode()


def test_the_pretest_is_called_tes_awal(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, kind="pretest")
    assert quiz.get_kind_display() == "Tes awal (tidak dihitung untuk kelulusan)"
    client.force_login(learner)
    body = client.get(f"/kuis/{quiz.pk}/").content.decode()
    assert "Tes awal tidak dihitung untuk kelulusan kursus." in body and "Pre-test" not in body
