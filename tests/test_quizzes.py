"""Quiz engine: question bank, attempt lifecycle, integrity of the key, results, admin tools."""

import datetime
import json
import random
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from courses.models import Enrollment, EnrollmentStatus
from courses.services import lesson_complete
from quizzes.models import Attempt, AttemptState, Choice, Question, QuizKind
from quizzes.scoring import answers_problem, choices_problem, grade, item_statistics
from quizzes.services import QuizRefused, attempt_save_answers, attempt_start, attempt_submit, attempts_close_expired

from .factories import EmployeeFactory, UserFactory


def _key(attempt, *, right=True):
    """Answers to every question: the right choice, or the wrong one."""
    return {str(q["id"]): [next(c["id"] for c in q["choices"] if c["correct"] == right)] for q in attempt.snapshot}


@pytest.fixture
def course(make_course):
    return make_course(lessons=2)


# --- scoring (pure) -------------------------------------------------------------------------------


def test_grading_is_exact_set_match():
    snapshot = [
        {"id": 1, "type": "single", "choices": [{"id": 10, "correct": True}, {"id": 11, "correct": False}]},
        {"id": 2, "type": "multiple", "choices": [{"id": 20, "correct": True}, {"id": 21, "correct": True}, {"id": 22, "correct": False}]},
    ]
    assert grade(snapshot, {"1": [10], "2": [20, 21]}) == ({"1": True, "2": True}, 2, Decimal("100.00"))
    assert grade(snapshot, {"1": [10], "2": [20]})[1] == 1  # partial multiple choice is wrong
    assert grade(snapshot, {"1": [10], "2": [20, 21, 22]})[1] == 1
    assert grade(snapshot, {})[2] == Decimal("0.00")
    assert grade(snapshot, {"1": [10]})[2] == Decimal("50.00")


def test_answers_problem_refuses_foreign_choices_and_shapes():
    snapshot = [{"id": 1, "type": "single", "choices": [{"id": 10}, {"id": 11}]}]
    assert answers_problem(snapshot, {"1": [10]}) is None
    assert "tidak termasuk soal ini" in answers_problem(snapshot, {"1": [99]})
    assert answers_problem(snapshot, {"2": [10]})
    assert answers_problem(snapshot, {"1": [10, 11]})  # single choice
    assert answers_problem(snapshot, {"1": "10"})
    assert answers_problem(snapshot, {"1": [True]})


def test_choices_problem():
    assert choices_problem(question_type="single", correct=1, total=4) is None
    assert choices_problem(question_type="single", correct=2, total=4)
    assert choices_problem(question_type="multiple", correct=0, total=4)
    assert choices_problem(question_type="true_false", correct=1, total=3)


def test_item_statistics_flags_dubious_questions():
    # q1: only strong learners get it right (good); q2: only weak ones (negative); q3: everyone (too easy)
    attempts = [(Decimal(s), {"1": s >= 50, "2": s < 50, "3": True}) for s in (10, 20, 30, 40, 60, 70, 80, 90)]
    stats = item_statistics(attempts)
    assert stats["1"]["discrimination"] == 1.0 and not stats["1"]["flags"]
    assert stats["2"]["discrimination"] == -1.0 and "daya beda negatif" in stats["2"]["flags"]
    assert stats["3"]["facility"] == 100.0 and any("terlalu mudah" in f for f in stats["3"]["flags"])


# --- start ---------------------------------------------------------------------------------------


def test_start_freezes_a_snapshot_and_sets_the_deadline(learner, course, make_quiz):
    quiz = make_quiz(course, questions=8, question_count=5, time_limit_minutes=15)
    now = timezone.now()
    attempt = attempt_start(quiz=quiz, employee=learner.employee, now=now, rng=random.Random(1))
    assert len(attempt.snapshot) == 5
    assert attempt.deadline == now + datetime.timedelta(minutes=15)
    assert attempt.number == 1
    # a second start returns the open attempt instead of making another
    assert attempt_start(quiz=quiz, employee=learner.employee).pk == attempt.pk
    assert Enrollment.objects.filter(employee=learner.employee, course=course).exists()


def test_deadline_is_capped_by_the_course_close_date(learner, make_course, make_quiz):
    today = timezone.localdate()
    course = make_course(lessons=1, closes_on=today)
    quiz = make_quiz(course, time_limit_minutes=600)
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(22, 0)))
    attempt = attempt_start(quiz=quiz, employee=learner.employee, now=now)
    assert timezone.localtime(attempt.deadline) == timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time.min))


def test_final_quiz_waits_for_the_lessons(learner, course, make_quiz):
    quiz = make_quiz(course, requires_lessons=True)
    with pytest.raises(QuizRefused) as refusal:
        attempt_start(quiz=quiz, employee=learner.employee)
    assert refusal.value.code == "lessons_first"
    for lesson in course.test_lessons:
        lesson_complete(employee=learner.employee, lesson=lesson)
    assert attempt_start(quiz=quiz, employee=learner.employee)


def test_start_refused_outside_the_audience(learner, make_course, make_quiz, opd_b):
    quiz = make_quiz(make_course(lessons=1, opds=[opd_b]))
    with pytest.raises(QuizRefused) as refusal:
        attempt_start(quiz=quiz, employee=learner.employee)
    assert refusal.value.code == "not_in_audience"
    assert not Attempt.objects.exists()


def test_max_attempts_and_cooldown(learner, course, make_quiz):
    quiz = make_quiz(course, max_attempts=2, cooldown_minutes=30)
    now = timezone.now()
    first = attempt_start(quiz=quiz, employee=learner.employee, now=now)
    attempt_submit(attempt=first, now=now)
    with pytest.raises(QuizRefused) as refusal:
        attempt_start(quiz=quiz, employee=learner.employee, now=now + datetime.timedelta(minutes=10))
    assert refusal.value.code == "cooldown" and "WITA" in refusal.value.message
    second = attempt_start(quiz=quiz, employee=learner.employee, now=now + datetime.timedelta(minutes=31))
    assert second.number == 2
    attempt_submit(attempt=second, now=now + datetime.timedelta(minutes=32))
    with pytest.raises(QuizRefused) as refusal:
        attempt_start(quiz=quiz, employee=learner.employee, now=now + datetime.timedelta(days=1))
    assert refusal.value.code == "attempts_used"


def test_empty_question_bank(learner, course, make_quiz):
    quiz = make_quiz(course, questions=0)
    with pytest.raises(QuizRefused) as refusal:
        attempt_start(quiz=quiz, employee=learner.employee)
    assert refusal.value.code == "no_questions"


# --- answers and submission ------------------------------------------------------------------------


def test_choice_from_another_question_is_refused_and_nothing_saved(learner, course, make_quiz):
    attempt = attempt_start(quiz=make_quiz(course, questions=3), employee=learner.employee)
    first, second = attempt.snapshot[0], attempt.snapshot[1]
    attempt_save_answers(attempt=attempt, answers={str(first["id"]): [first["choices"][0]["id"]]})
    with pytest.raises(QuizRefused):
        attempt_save_answers(
            attempt=attempt,
            answers={str(second["id"]): [second["choices"][0]["id"]], str(first["id"]): [second["choices"][1]["id"]]},
        )
    attempt.refresh_from_db()
    assert attempt.answers == {str(first["id"]): [first["choices"][0]["id"]]}


def test_saves_merge_in_the_database_replace_and_clear(learner, course, make_quiz):
    """The UPDATE merges in SQL (jsonb on PostgreSQL, json_patch on SQLite): a later answer
    replaces an earlier one, an empty list clears, other questions stay."""
    attempt = attempt_start(quiz=make_quiz(course, questions=3), employee=learner.employee)
    first, second, third = attempt.snapshot
    pick = lambda q, i: [q["choices"][i]["id"]]  # noqa: E731
    attempt_save_answers(attempt=attempt, answers={str(first["id"]): pick(first, 0), str(second["id"]): pick(second, 0)})
    attempt_save_answers(attempt=Attempt.objects.get(pk=attempt.pk), answers={str(first["id"]): pick(first, 1)})
    returned = attempt_save_answers(attempt=Attempt.objects.get(pk=attempt.pk), answers={str(second["id"]): [], str(third["id"]): pick(third, 1)})
    attempt.refresh_from_db()
    assert attempt.answers == {str(first["id"]): pick(first, 1), str(third["id"]): pick(third, 1)}
    assert returned.answers == attempt.answers and returned.saved_at == attempt.saved_at
    attempt_save_answers(attempt=attempt, answers={str(third["id"]): []})  # clearing the one left but one
    attempt.refresh_from_db()
    assert attempt.answers == {str(first["id"]): pick(first, 1)}


def test_a_save_after_the_submit_changes_nothing(learner, course, make_quiz):
    attempt = attempt_start(quiz=make_quiz(course, questions=3), employee=learner.employee)
    stale = Attempt.objects.get(pk=attempt.pk)  # the page still open in another tab
    attempt_submit(attempt=attempt, answers=_key(attempt))
    with pytest.raises(QuizRefused) as refusal:
        attempt_save_answers(attempt=stale, answers=_key(attempt, right=False))
    assert refusal.value.code == "not_open"
    attempt.refresh_from_db()
    assert attempt.answers == _key(attempt) and attempt.score == Decimal("100.00")


def test_answers_after_the_deadline_are_refused_and_saved_ones_are_graded(learner, course, make_quiz):
    now = timezone.now()
    quiz = make_quiz(course, questions=4, time_limit_minutes=10, pass_mark=50)
    attempt = attempt_start(quiz=quiz, employee=learner.employee, now=now)
    key = _key(attempt)
    early = dict(list(key.items())[:2])
    attempt_save_answers(attempt=attempt, answers=early, now=now + datetime.timedelta(minutes=9))
    with pytest.raises(QuizRefused) as refusal:
        attempt_save_answers(attempt=attempt, answers=key, now=now + datetime.timedelta(minutes=11))
    assert refusal.value.code == "deadline"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CLOSED
    assert attempt.correct_count == 2 and attempt.score == Decimal("50.00") and attempt.passed
    assert attempt.finished_at == attempt.deadline


def test_periodic_close_grades_abandoned_attempts(learner, course, make_quiz):
    now = timezone.now()
    attempt = attempt_start(quiz=make_quiz(course, time_limit_minutes=5), employee=learner.employee, now=now - datetime.timedelta(minutes=6))
    attempt_save_answers(attempt=attempt, answers=_key(attempt), now=now - datetime.timedelta(minutes=5, seconds=30))
    call_command("close_expired_attempts", verbosity=0)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CLOSED and attempt.score == Decimal("100.00")
    assert attempts_close_expired() == 0


def test_submit_twice_is_refused(learner, course, make_quiz):
    attempt = attempt_start(quiz=make_quiz(course), employee=learner.employee)
    attempt_submit(attempt=attempt, answers=_key(attempt))
    with pytest.raises(QuizRefused) as refusal:
        attempt_submit(attempt=attempt, answers=_key(attempt, right=False))
    assert refusal.value.code == "not_open"
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")


def test_passing_the_final_quiz_completes_the_course(learner, course, make_quiz, django_capture_on_commit_callbacks):
    quiz = make_quiz(course, kind=QuizKind.FINAL, requires_lessons=True)
    for lesson in course.test_lessons:
        lesson_complete(employee=learner.employee, lesson=lesson)
    enrollment = Enrollment.objects.get(employee=learner.employee, course=course)
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS  # lessons done, quiz pending
    failed = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=failed, answers=_key(failed, right=False))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    passed = attempt_start(quiz=quiz, employee=learner.employee)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt=passed, answers=_key(passed))
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.final_quiz_passed_at is not None


def test_pretest_does_not_count_for_completion(learner, course, make_quiz):
    make_quiz(course, kind=QuizKind.FINAL)
    pretest = make_quiz(course, kind=QuizKind.PRETEST, questions=2)
    attempt = attempt_start(quiz=pretest, employee=learner.employee)
    attempt_submit(attempt=attempt, answers=_key(attempt))
    for lesson in course.test_lessons:
        lesson_complete(employee=learner.employee, lesson=lesson)
    assert Enrollment.objects.get(course=course).status == EnrollmentStatus.IN_PROGRESS


def test_editing_a_question_later_never_changes_a_past_attempt(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="full")
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=attempt, answers=_key(attempt))
    Choice.objects.update(is_correct=False)
    Question.objects.update(text="<p>Diubah editor</p>", active=False)
    client.force_login(learner)
    body = client.get(f"/kuis/percobaan/{attempt.pk}/hasil/").content.decode()
    assert "Diubah editor" not in body and "Soal uji" in body
    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")


# --- the HTTP side: integrity and access -------------------------------------------------------------


SECRETS = re.compile(r"RAHASIA-(UMPAN|PEMBAHASAN)|\"correct\"|is_correct|\"feedback\"|\"explanation\"")


def test_the_key_never_reaches_the_browser_before_submission(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=3, time_limit_minutes=30)
    client.force_login(learner)
    pages = [client.get(course.url), client.get(f"/kuis/{quiz.pk}/")]
    response = client.post(f"/kuis/{quiz.pk}/mulai/")
    attempt = Attempt.objects.get()
    pages += [response, client.get(f"/kuis/percobaan/{attempt.pk}/")]
    question = attempt.snapshot[0]
    pages.append(
        client.post(f"/kuis/percobaan/{attempt.pk}/simpan/", json.dumps({"answers": {str(question["id"]): [question["choices"][1]["id"]]}}), content_type="application/json")
    )
    pages.append(client.post(f"/kuis/percobaan/{attempt.pk}/simpan/", {f"q{question['id']}": question["choices"][0]["id"]}))
    pages.append(client.post(f"/kuis/percobaan/{attempt.pk}/kirim/", {}))  # unanswered: confirmation page
    pages.append(client.get(f"/kuis/percobaan/{attempt.pk}/hasil/"))  # still open: redirect
    for response in pages:
        assert not SECRETS.search(response.content.decode()), response.content.decode()[:300]


def test_the_attempt_page_does_not_depend_on_the_key(client, learner, course, make_quiz):
    """Flip every key in the snapshot: the learner's page must come out byte-identical."""
    quiz = make_quiz(course, questions=3, shuffle_choices=False)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    client.force_login(learner)

    def page():
        html = client.get(f"/kuis/percobaan/{attempt.pk}/").content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
        return re.sub(r'nonce="[^"]+"', "", html)  # the CSP nonce is fresh on every response

    before = page()
    for question in attempt.snapshot:
        for choice in question["choices"]:
            choice["correct"] = not choice["correct"]
    Attempt.objects.filter(pk=attempt.pk).update(snapshot=attempt.snapshot)
    assert page() == before


def test_someone_elses_attempt_answers_404(client, learner, opd_a, course, make_quiz):
    attempt = attempt_start(quiz=make_quiz(course), employee=learner.employee)
    other = UserFactory()
    EmployeeFactory(user=other, opd=opd_a, email=other.email)
    client.force_login(other)
    question = attempt.snapshot[0]
    for method, url, data in [
        ("get", f"/kuis/percobaan/{attempt.pk}/", None),
        ("get", f"/kuis/percobaan/{attempt.pk}/hasil/", None),
        ("post", f"/kuis/percobaan/{attempt.pk}/simpan/", {f"q{question['id']}": question["choices"][0]["id"]}),
        ("post", f"/kuis/percobaan/{attempt.pk}/kirim/", {"confirm": "1"}),
        ("get", "/kuis/percobaan/999999/", None),
        ("post", "/kuis/percobaan/999999/simpan/", {}),
    ]:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
        assert response.status_code == 404, url
    attempt.refresh_from_db()
    assert attempt.answers == {} and attempt.is_open


def test_json_autosave_reports_errors_without_saving(client, learner, course, make_quiz):
    attempt = attempt_start(quiz=make_quiz(course, questions=2), employee=learner.employee)
    client.force_login(learner)
    url = f"/kuis/percobaan/{attempt.pk}/simpan/"
    other = attempt.snapshot[1]["choices"][0]["id"]
    response = client.post(url, json.dumps({"answers": {str(attempt.snapshot[0]["id"]): [other]}}), content_type="application/json")
    assert response.status_code == 400 and "tidak termasuk soal ini" in response.json()["error"]
    assert client.post(url, "{bukan json", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps([1, 2]), content_type="application/json").status_code == 400
    attempt.refresh_from_db()
    assert attempt.answers == {}
    attempt_submit(attempt=attempt)
    response = client.post(url, json.dumps({"answers": {}}), content_type="application/json")
    assert response.status_code == 409


def test_json_autosave_takes_the_long_way_for_what_one_update_cannot_save(client, learner, opd_a, course, make_quiz):
    """The one-statement autosave matches nothing for these; the long way answers as before."""
    from quizzes.models import Quiz

    attempt = attempt_start(quiz=make_quiz(course, questions=2), employee=learner.employee)
    url = f"/kuis/percobaan/{attempt.pk}/simpan/"
    first, second = attempt.snapshot
    answer = {str(first["id"]): [first["choices"][0]["id"]]}
    # someone else's attempt: 404, as for a missing one, and nothing saved
    other = UserFactory()
    EmployeeFactory(user=other, opd=opd_a, email=other.email)
    client.force_login(other)
    assert client.post(url, json.dumps({"answers": answer}), content_type="application/json").status_code == 404
    assert client.post("/kuis/percobaan/999999/simpan/", json.dumps({"answers": answer}), content_type="application/json").status_code == 404
    assert client.post(url, "{bukan json", content_type="application/json").status_code == 404  # 404 before the body
    attempt.refresh_from_db()
    assert attempt.answers == {}
    # an attempt started before the answer index existed is saved the long way
    client.force_login(learner)
    Attempt.objects.filter(pk=attempt.pk).update(answer_index={})
    response = client.post(url, json.dumps({"answers": answer}), content_type="application/json")
    assert response.status_code == 200 and response.json()["ok"]
    attempt.refresh_from_db()
    assert attempt.answers == answer
    # past the deadline: refused, and the attempt is graded with what was saved in time
    Quiz.objects.filter(pk=attempt.quiz_id).update(time_limit_minutes=5)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(seconds=1))
    late = {str(second["id"]): [second["choices"][0]["id"]]}
    response = client.post(url, json.dumps({"answers": late}), content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "deadline"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CLOSED and attempt.answers == answer


def test_answers_fit_in_sql_agrees_with_the_python_rule(learner, course, make_quiz):
    """The UPDATE's check (`AnswersFit`, jsonb containment or SQLite json_each) saves exactly
    what `answers_problem_indexed` accepts: random answers against single, multiple and
    true/false questions, on the engine the suite runs on."""
    from hypothesis import HealthCheck, example, given, settings
    from hypothesis import strategies as st

    from quizzes.scoring import answers_problem_indexed, choices_well_formed
    from quizzes.services import AnswersFit

    attempt = attempt_start(quiz=make_quiz(course, questions=1), employee=learner.employee)
    index = {"11": ["single", [1, 2, 3]], "12": ["multiple", [4, 5, 6]], "13": ["true_false", [7, 8]], "14": ["multiple", []]}
    Attempt.objects.filter(pk=attempt.pk).update(answer_index=index)
    questions = st.sampled_from(["11", "12", "13", "14"]) | st.sampled_from(["15", "1", "111"])
    strangers = st.sampled_from([0, 9, -1, 2**40, 2**70, 4, 7])  # no choice of question 11

    def answered(question):  # its own choices half the time, any other number otherwise
        own = st.sampled_from(index[question][1]) if index.get(question, [0, []])[1] else strangers
        return st.tuples(st.just(question), st.lists(own | strangers, max_size=4))

    payloads = st.lists(questions.flatmap(answered), max_size=4).map(dict)

    @settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(payloads)
    @example({})
    @example({"11": [1, 2]})  # two answers to a single-choice question
    @example({"13": [7, 8]})  # both answers to a true/false one
    @example({"11": [1, 1]})  # the same answer twice is one answer
    @example({"12": [4, 5, 6]})
    @example({"11": [4]})  # another question's choice
    @example({"14": [4]})
    @example({"11": [], "14": []})  # clearing
    @example({"15": []})  # not a question of the attempt
    @example({"11": [2], "12": [9]})  # all or nothing
    def check(answers):
        assert all(choices_well_formed(v) for v in answers.values())
        fits = Attempt.objects.filter(pk=attempt.pk).filter(AnswersFit(answers)).exists()
        assert fits == (answers_problem_indexed(index, answers) is None), answers

    check()


def test_form_fallback_save_submit_and_result(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="full")
    client.force_login(learner)
    client.post(f"/kuis/{quiz.pk}/mulai/")
    attempt = Attempt.objects.get()
    first, second = attempt.snapshot
    response = client.post(f"/kuis/percobaan/{attempt.pk}/kirim/", {f"q{first['id']}": _key(attempt)[str(first["id"])]})
    assert "1 soal belum dijawab" in response.content.decode()  # asks before sending
    attempt.refresh_from_db()
    assert attempt.is_open and str(first["id"]) in attempt.answers
    response = client.post(f"/kuis/percobaan/{attempt.pk}/kirim/", {"confirm": "1", f"q{first['id']}": _key(attempt)[str(first["id"])]})
    assert response.status_code == 302 and response.url.endswith("/hasil/")
    body = client.get(response.url).content.decode()
    assert "Nilai: 50" in body and "RAHASIA-PEMBAHASAN" in body  # full review after submission
    response = client.post(f"/kuis/percobaan/{attempt.pk}/kirim/", {"confirm": "1"}, follow=True)
    assert "sudah dikirim" in response.content.decode()


def test_review_policy_score_only_hides_the_questions(client, learner, course, make_quiz):
    quiz = make_quiz(course, questions=2, review_policy="score")
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=attempt, answers=_key(attempt))
    client.force_login(learner)
    body = client.get(f"/kuis/percobaan/{attempt.pk}/hasil/").content.decode()
    assert "Nilai: 100" in body and "Soal uji" not in body


def test_start_button_disappears_when_attempts_are_used_up(client, learner, course, make_quiz):
    quiz = make_quiz(course, max_attempts=1)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    attempt_submit(attempt=attempt)
    client.force_login(learner)
    body = client.get(f"/kuis/{quiz.pk}/").content.decode()
    assert "Mulai kuis" not in body and "sudah habis" in body
    response = client.post(f"/kuis/{quiz.pk}/mulai/", follow=True)
    assert "sudah habis" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_quiz_of_an_unpublished_course_is_not_found(client, learner, course, make_quiz):
    quiz = make_quiz(course)
    type(course).objects.filter(pk=course.pk).update(live=False)
    client.force_login(learner)
    assert client.get(f"/kuis/{quiz.pk}/").status_code == 404
    assert client.post(f"/kuis/{quiz.pk}/mulai/").status_code == 404


def test_autosave_and_submit_query_counts(client, learner, course, make_quiz, django_assert_max_num_queries):
    quiz = make_quiz(course, questions=50)
    attempt = attempt_start(quiz=quiz, employee=learner.employee)
    client.force_login(learner)
    question = attempt.snapshot[0]
    body = json.dumps({"answers": {str(question["id"]): [question["choices"][0]["id"]]}})
    client.post(f"/kuis/percobaan/{attempt.pk}/simpan/", body, content_type="application/json")  # warm the session
    with django_assert_max_num_queries(8):
        response = client.post(f"/kuis/percobaan/{attempt.pk}/simpan/", body, content_type="application/json")
    assert response.status_code == 200 and re.fullmatch(r"\d\d:\d\d:\d\d", response.json()["saved_at"])
    with django_assert_max_num_queries(14):
        client.post(f"/kuis/percobaan/{attempt.pk}/kirim/", {"confirm": "1"})
    attempt.refresh_from_db()
    assert not attempt.is_open


# --- admin: question bank, import, item analysis ---------------------------------------------------


def _question_form_data(course, *, type_="single", correct=(0,)):
    data = {
        "course": course.pk, "category": "umum", "type": type_, "active": "on",
        "text": json.dumps({"blocks": [{"key": "a", "type": "unstyled", "text": "Pertanyaan baru?", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "explanation": json.dumps({"blocks": [{"key": "b", "type": "unstyled", "text": "", "depth": 0, "inlineStyleRanges": [], "entityRanges": []}], "entityMap": {}}),
        "choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "0", "choices-MIN_NUM_FORMS": "2", "choices-MAX_NUM_FORMS": "8",
    }
    for i in range(3):
        data.update({f"choices-{i}-text": f"Pilihan {i}", f"choices-{i}-feedback": "", f"choices-{i}-ORDER": str(i + 1), f"choices-{i}-DELETE": "", f"choices-{i}-id": ""})
        if i in correct:
            data[f"choices-{i}-is_correct"] = "on"
    return data


def test_editor_adds_a_question_and_bad_keys_are_refused(client, editor, course):
    client.force_login(editor)
    response = client.post("/admin/bank-soal/add/", _question_form_data(course, correct=(0, 1)))
    assert response.status_code == 200 and "tepat satu pilihan benar" in response.content.decode()
    assert not Question.objects.exists()
    response = client.post("/admin/bank-soal/add/", _question_form_data(course, correct=(1,)))
    assert response.status_code == 302, response.content.decode()[:2000]
    question = Question.objects.get()
    assert [c.is_correct for c in question.choices.all()] == [False, True, False]
    assert not question.live  # a draft until a reviewer approves it


QUESTION_CSV = (
    "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,pilihan_c,kunci,pembahasan\r\n"
    "{slug},dasar,tunggal,Apa itu gratifikasi?,Pemberian dalam arti luas,Hanya uang,Hanya barang,A,Penjelasan Pasal 12B\r\n"
    "{slug},dasar,jamak,Saluran resmi?,GOL,Email KPK,Media sosial,\"A,B\",\r\n"
    "{slug},dasar,benar_salah,Ada nilai minimum?,Benar,Salah,,B,\r\n"
)


def test_question_import_previews_then_creates(client, editor, course):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    upload = SimpleUploadedFile("soal.csv", QUESTION_CSV.format(slug=course.slug).encode("utf-8-sig"))
    response = client.post("/admin/impor-soal/", {"file": upload})
    assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    assert "3 baru" in preview and not Question.objects.exists()
    record_id = response.url.rstrip("/").split("/")[-1]
    response = client.post(f"/admin/impor-soal/{record_id}/konfirmasi/")
    assert response.status_code == 302
    assert Question.objects.count() == 3
    assert Question.objects.get(type="multiple").choices.filter(is_correct=True).count() == 2
    # importing the same file again: nothing new, and the applied record cannot be applied twice
    assert client.post(f"/admin/impor-soal/{record_id}/konfirmasi/").status_code == 302
    assert Question.objects.count() == 3


@pytest.mark.parametrize(
    "content, message",
    [
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\nx,tunggal,Soal?,A,B,A\r\n", "tidak ada"),
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n{slug},ganda,Soal?,A,B,A\r\n", "Jenis harus"),
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n{slug},tunggal,Soal?,A,B,C\r\n", "menunjuk pilihan yang kosong"),
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n{slug},tunggal,Soal?,A,B,\"A,B\"\r\n", "tepat satu pilihan benar"),
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n{slug},tunggal,,A,B,A\r\n", "Pertanyaan kosong"),
        ("kursus,jenis,pertanyaan,pilihan_a,pilihan_b,kunci\r\n{slug},tunggal,<script>x</script>,A,B,A\r\n{slug},tunggal,<script>x</script>,A,B,A\r\n", "dua kali"),
    ],
)
def test_question_import_rejects_bad_rows(client, editor, course, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    response = client.post("/admin/impor-soal/", {"file": SimpleUploadedFile("soal.csv", content.format(slug=course.slug).encode())})
    preview = client.get(response.url).content.decode()
    assert message in preview and "Konfirmasi impor" not in preview
    record_id = response.url.rstrip("/").split("/")[-1]
    client.post(f"/admin/impor-soal/{record_id}/konfirmasi/")
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    "filename, content, message",
    [
        ("soal.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", ".xls"),
        ("soal.csv", b"nama,umur\r\nA,1\r\n", "kolom yang hilang"),
        ("soal.pdf", b"%PDF-1.4", "CSV atau XLSX"),
        ("soal.xlsx", b"PK\x03\x04rusak", "XLSX rusak"),
        ("soal.csv", b"", "kosong"),
    ],
)
def test_malformed_question_files_are_refused(client, editor, filename, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    response = client.post("/admin/impor-soal/", {"file": SimpleUploadedFile(filename, content)})
    assert response.status_code == 200 and message in response.content.decode()
    from quizzes.models import QuestionImport

    assert not QuestionImport.objects.exists()


def test_item_analysis_and_its_xlsx_export(client, editor, course, make_quiz, opd_a):
    from openpyxl import load_workbook

    quiz = make_quiz(course, questions=3, shuffle_questions=False)
    for i in range(6):
        employee = EmployeeFactory(opd=opd_a)
        attempt = attempt_start(quiz=quiz, employee=employee)
        answers = _key(attempt) if i % 2 else _key(attempt, right=False)
        attempt_submit(attempt=attempt, answers=answers)
    Question.objects.filter(pk=attempt.snapshot[0]["id"]).update(text="<p>=HYPERLINK(\"x\")</p>")
    client.force_login(editor)
    body = client.get(f"/admin/analisis-kuis/{quiz.pk}/").content.decode()
    assert "Soal uji 1" in body and "50,0" in body  # Indonesian decimal comma
    response = client.get(f"/admin/analisis-kuis/{quiz.pk}/", {"format": "xlsx"})
    sheet = load_workbook(__import__("io").BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[:4] == ("id_soal", "pertanyaan", "jumlah_jawaban", "indeks_kesukaran_persen"))
    data = rows[header + 1 :]
    assert len(data) == 3 and all(row[2] == 6 for row in data)


def test_learners_and_observers_cannot_reach_the_question_bank(client, learner, observer):
    for user in (learner, observer):
        client.force_login(user)
        for url in ("/admin/bank-soal/", "/admin/impor-soal/", "/admin/kuis/"):
            response = client.get(url)
            assert response.status_code == 302 and not response.url.startswith(url)


def test_staff_without_a_roster_row_cannot_start(client, observer, course, make_quiz):
    quiz = make_quiz(course)
    client.force_login(observer)
    response = client.post(f"/kuis/{quiz.pk}/mulai/", follow=True)
    assert "tidak terhubung dengan data pegawai" in response.content.decode()
    assert not Attempt.objects.exists()
