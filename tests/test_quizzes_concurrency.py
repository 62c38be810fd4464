"""Races on attempts, on PostgreSQL where row locks and partial unique indexes are real."""

import pytest
from django.utils import timezone

from quizzes.models import Attempt, AttemptState
from quizzes.services import QuizRefused, attempt_save_answers, attempt_start, attempt_submit

from .test_courses_concurrency import _race

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_concurrent_submits_grade_once(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1), questions=5)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    outcomes = []

    def submit():
        try:
            attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
            outcomes.append("graded")
        except QuizRefused as refusal:
            outcomes.append(refusal.code)

    assert _race(submit, count=4) == []
    assert sorted(outcomes) == ["graded", "not_open", "not_open", "not_open"]
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SUBMITTED and attempt.finished_at is not None


def test_concurrent_starts_make_one_attempt(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1))
    started = []
    errors = _race(lambda: started.append(attempt_start(quiz=quiz, employee=learner.employee).pk), count=4)
    assert errors == []
    assert len(set(started)) == 1
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_maximum_attempts_hold_under_a_race(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1), max_attempts=2)
    first = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=first)
    outcomes = []

    def start_and_submit():
        try:
            attempt = attempt_start(quiz=quiz, employee=learner.employee, now=timezone.now())
            attempt_submit(attempt=attempt)
            outcomes.append("ok")
        except QuizRefused as refusal:
            outcomes.append(refusal.code)

    assert _race(start_and_submit, count=4) == []
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_concurrent_autosaves_from_two_tabs_lose_no_answer(learner, make_course, make_quiz):
    """Each save merges into the row as it is when the UPDATE runs, not as it was read."""
    quiz = make_quiz(make_course(lessons=1), questions=8)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    questions = iter(attempt.snapshot)

    def save():
        question = next(questions)
        attempt_save_answers(attempt=Attempt.objects.get(pk=attempt.pk), answers={str(question["id"]): [question["choices"][0]["id"]]})

    assert _race(save, count=8) == []
    attempt.refresh_from_db()
    assert attempt.answers == {str(q["id"]): [q["choices"][0]["id"]] for q in attempt.snapshot}


def test_an_autosave_racing_the_submit_is_graded_or_refused_never_lost(learner, make_course, make_quiz):
    quiz = make_quiz(make_course(lessons=1), questions=4)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    last = attempt.snapshot[-1]
    outcomes = {}

    def submit():
        attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
        outcomes["submit"] = "graded"

    def save():
        try:
            attempt_save_answers(attempt=Attempt.objects.get(pk=attempt.pk), answers={str(last["id"]): [last["choices"][0]["id"]]})
            outcomes["save"] = "saved"
        except QuizRefused as refusal:
            outcomes["save"] = refusal.code

    targets = iter([submit, save])
    assert _race(lambda: next(targets)(), count=2) == []
    attempt.refresh_from_db()
    assert outcomes["submit"] == "graded" and attempt.state == AttemptState.SUBMITTED
    if outcomes["save"] == "saved":  # saved before the submit took the row: graded with it
        assert attempt.answers[str(last["id"])] == [last["choices"][0]["id"]]
    else:
        assert outcomes["save"] == "not_open" and str(last["id"]) not in attempt.answers
