"""Pages cost the same number of queries and cache round trips whatever the size of the
course (2 or 100 lessons, several quizzes) or of the catalogue (1 or 20 courses)."""

import contextlib

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import lesson_complete

from .pinned import SESSION_CACHE, SESSION_QUERY

CACHE_METHODS = ("get", "set", "add", "delete", "get_many", "set_many", "delete_many", "has_key", "incr", "decr", "touch", "get_or_set")


@contextlib.contextmanager
def count_cache_calls():
    """Count calls on the default cache backend (outermost calls only: get_or_set calling
    get then add is one round trip of ours)."""
    backend = caches["default"]
    calls = []
    depth = [0]
    originals = {}
    for name in CACHE_METHODS:
        original = getattr(backend, name)
        originals[name] = original

        def wrapper(*args, _name=name, _original=original, **kwargs):
            if depth[0] == 0:
                calls.append((_name, args[0] if args else kwargs.get("key")))
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        setattr(backend, name, wrapper)
    try:
        yield calls
    finally:
        for name in originals:
            delattr(backend, name)


def measure(client, url):
    with CaptureQueriesContext(connection) as queries, count_cache_calls() as calls:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries.captured_queries), len(calls), queries, calls


def _warm(client, url):
    client.get(url)
    client.get(url)


@pytest.fixture
def two_courses(client, learner, make_course, make_quiz):
    small = make_course(lessons=2)
    large = make_course(lessons=100)
    make_quiz(small, questions=2)
    make_quiz(large, questions=2, kind="pretest", title="Tes awal")
    make_quiz(large, questions=20)
    client.force_login(learner)
    for course in (small, large):  # first visits enrol; measure the steady state
        client.get(course.url)
        lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    return small, large


@pytest.mark.parametrize("kind", ["course", "lesson"])
def test_course_and_lesson_pages_cost_the_same_at_2_and_100_lessons(client, two_courses, kind):
    url = (lambda c: c.url) if kind == "course" else (lambda c: c.test_lessons[1].url)
    results = []
    for course in two_courses:
        _warm(client, url(course))
        results.append(measure(client, url(course)))
    (q_small, c_small, *_), (q_large, c_large, queries, calls) = results
    assert (q_small, c_small) == (q_large, c_large), (results[0][:2], results[1][:2], calls)
    limits = {"course": (QUERIES_COURSE, CACHE_COURSE), "lesson": (QUERIES_LESSON, CACHE_LESSON)}[kind]
    assert q_large == limits[0], [q["sql"] for q in queries.captured_queries]
    assert c_large == limits[1], calls


def test_home_and_my_learning_cost_the_same_with_1_and_20_courses(client, learner, make_course):
    make_course(lessons=2)
    client.force_login(learner)
    counts = {}
    for n in (1, 20):
        while len(counts) and _course_count() < n:
            make_course(lessons=3, mandatory=_course_count() % 2 == 0)
        for url in ("/", "/belajar/"):
            _warm(client, url)
            counts[(url, n)] = measure(client, url)
    for url, (queries, cache_calls) in {"/": (QUERIES_HOME, CACHE_HOME), "/belajar/": (QUERIES_MINE, CACHE_MINE)}.items():
        one, twenty = counts[(url, 1)], counts[(url, 20)]
        assert one[:2] == twenty[:2], (url, one[:2], twenty[:2], twenty[3])
        assert twenty[0] == queries, (url, [q["sql"] for q in twenty[2].captured_queries])
        assert twenty[1] == cache_calls, (url, twenty[3])


def _course_count():
    from courses.models import CoursePage

    return CoursePage.objects.count()


# pinned counts (session and user included; the session is a query or a cache read depending
# on the engine, see tests/pinned.py). Wagtail's view restrictions are kept per content version
# for course and lesson pages (courses.selectors.view_restrictions_kept): no query.
# course: page, session, user, enrollment with its lessons done, quizzes, attempts; cache: the
# content version.
QUERIES_COURSE, CACHE_COURSE = 5 + SESSION_QUERY, 1 + SESSION_CACHE
# lesson: session, user, enrollment with its lessons done (the lesson itself comes from its
# course's structure, kept in the process); cache: the content version (the body is kept in
# the process).
QUERIES_LESSON, CACHE_LESSON = 2 + SESSION_QUERY, 1 + SESSION_CACHE
QUERIES_HOME, CACHE_HOME = 12 + SESSION_QUERY, 1 + SESSION_CACHE
QUERIES_MINE, CACHE_MINE = 9 + SESSION_QUERY, 1 + SESSION_CACHE


# --- quiz autosave and the attempt page: flat in the number of questions -------------------------


def _attempt(make_course, make_quiz, learner, questions):
    from quizzes.services import attempt_start

    course = make_course(lessons=1)
    quiz = make_quiz(course, questions=questions)
    return attempt_start(quiz=quiz, employee=learner.employee)


def _save(client, attempt):
    import json

    question = attempt.snapshot[-1]
    body = json.dumps({"answers": {str(question["id"]): [question["choices"][1]["id"]]}})
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"/kuis/percobaan/{attempt.pk}/simpan/", body, content_type="application/json")
    assert response.status_code == 200, response.content
    return queries.captured_queries


def test_autosave_never_loads_the_snapshot_and_costs_the_same_at_10_and_100_questions(client, learner, make_course, make_quiz):
    small = _attempt(make_course, make_quiz, learner, 10)
    large = _attempt(make_course, make_quiz, learner, 100)
    client.force_login(learner)
    _save(client, small)  # warm the session
    counts = []
    for attempt in (small, large):
        queries = _save(client, attempt)
        counts.append(len(queries))
        assert not any('"snapshot"' in q["sql"] for q in queries), queries
        attempt.refresh_from_db()
        question = attempt.snapshot[-1]
        assert attempt.answers[str(question["id"])] == [question["choices"][1]["id"]]
    # session, user, and one UPDATE that finds the learner's open attempt, checks the answers
    # against its answer index and merges them (nothing read first, no transaction)
    assert counts[0] == counts[1] == 2 + SESSION_QUERY, counts


def test_autosave_keeps_its_validations_without_the_snapshot(client, learner, make_course, make_quiz):
    import json

    attempt = _attempt(make_course, make_quiz, learner, 3)
    client.force_login(learner)
    other = _attempt(make_course, make_quiz, learner, 3)
    first, second = attempt.snapshot[0], attempt.snapshot[1]
    url = f"/kuis/percobaan/{attempt.pk}/simpan/"
    refused = [
        {str(first["id"]): [other.snapshot[0]["choices"][0]["id"]]},  # a choice of another attempt
        {"999999": [1]},  # a question not in the attempt
        {str(first["id"]): [c["id"] for c in first["choices"]]},  # two answers to a single-choice question
        {str(first["id"]): ["1"]},  # not a number
        {str(first["id"]): [first["choices"][0]["id"]], str(second["id"]): [0]},  # all or nothing
        {"abc": [first["choices"][0]["id"]]},  # a question id that is not a number
        {"٣": [first["choices"][0]["id"]]},  # digits, but not ASCII ones
        {f"0{first['id']}": [first["choices"][0]["id"]]},  # the right number written otherwise
        {str(first["id"]): [True]},  # true is not a choice id
        {str(first["id"]): first["choices"][0]["id"]},  # not a list
    ]
    for answers in refused:
        response = client.post(url, json.dumps({"answers": answers}), content_type="application/json")
        assert response.status_code == 400, answers
    attempt.refresh_from_db()
    assert attempt.answers == {}


def test_answer_index_holds_no_key(learner, make_course, make_quiz):
    attempt = _attempt(make_course, make_quiz, learner, 5)
    assert set(attempt.answer_index) == {str(q["id"]) for q in attempt.snapshot}
    text = str(attempt.answer_index)
    assert "correct" not in text and "RAHASIA" not in text and "Jawaban" not in text
    for q in attempt.snapshot:
        assert attempt.answer_index[str(q["id"])] == [q["type"], [c["id"] for c in q["choices"]]]


def test_attempt_page_costs_the_same_at_10_and_100_questions(client, learner, make_course, make_quiz):
    small = _attempt(make_course, make_quiz, learner, 10)
    large = _attempt(make_course, make_quiz, learner, 100)
    client.force_login(learner)
    counts = []
    for attempt in (small, large):
        url = f"/kuis/percobaan/{attempt.pk}/"
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
        body = response.content.decode()
        assert "RAHASIA" not in body and '"correct"' not in body
    assert counts[0] == counts[1] <= 5, counts


# --- chrome and outline fragments kept in the process -----------------------------------------


def test_kept_chrome_follows_the_language_and_the_page(client, learner, make_course):
    """The header, footer and outline items are rendered once per process and reused: each
    language and each page still gets its own (the active link, the "done" marks)."""
    from django.conf import settings

    course = make_course(lessons=3)
    client.force_login(learner)
    mine = client.get("/belajar/").content.decode()
    lesson = client.get(course.test_lessons[0].url).content.decode()
    assert 'href="/belajar/" aria-current="page"' in mine
    assert 'href="/belajar/" aria-current="page"' not in lesson
    assert "Pembelajaran Saya" in lesson and "Langsung ke konten" in lesson
    assert '<strong aria-current="page">' in lesson  # the outline marks the lesson being read
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    second = client.get(course.test_lessons[1].url).content.decode()
    assert second.count('class="done"') == 1 and second.count("done-mark") == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(course.test_lessons[1].url).content.decode()
    assert "My Learning" in english and "Pembelajaran Saya" not in english
    assert "Skip to content" in english or "Langsung ke konten" not in english
    client.logout()
    anonymous = client.get("/").content.decode()
    assert "Pembelajaran Saya" not in anonymous and "My Learning" not in anonymous
