"""Lesson page throughput and latency, served by gunicorn on PostgreSQL.

    .venv/bin/python bench/lesson_page.py [--requests 600] [--concurrency 4]

Creates (or reuses) the database `integritas_bench` on the PostgreSQL server of
$BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), migrates it,
loads the demo content, and measures with one logged-in learner's session:

- floor 1: a trivial Django view (/healthz: one `SELECT 1`);
- floor 2: a bare Wagtail page (a plain `Page` with Wagtail's default template);
- the lesson page (a real demo lesson with its blocks, outline and progress).

- the same lesson in a course of 5 and of 100 lessons.

The targets take turns (--rounds), and each target's latencies are pooled over its turns.

Goals (issue 17): lesson p50 ≤ 1.5 × the bare Wagtail page's p50; 5 and 100 lessons within 10%.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Gunicorn, bench_database, bench_env, load, load_interleaved, manage, report  # noqa: E402

SETUP = """
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import get_user_model, HASH_SESSION_KEY, SESSION_KEY, BACKEND_SESSION_KEY
from wagtail.models import Page
from courses.models import HomePage, LessonPage
home = HomePage.objects.first()
bare = Page.objects.filter(slug="bench-bare").first()
if bare is None:
    bare = home.add_child(instance=Page(title="Bench", slug="bench-bare"))
    bare.save_revision().publish()
user = get_user_model().objects.get(email="asn@demo.integritas.test")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
lesson = LessonPage.objects.live().get(slug="menolak-atau-melapor")
# two courses of the same lesson, with 5 and with 100 lessons: the lesson page must cost the same
from courses.models import CourseIndexPage, CoursePage
from courses.selectors import content_changed
sized = []
for size in (5, 100):
    course = CoursePage.objects.filter(slug=f"bench-pelajaran-{size}").first()
    if course is None:
        course = CourseIndexPage.objects.first().add_child(instance=CoursePage(
            title=f"Kursus {size} pelajaran", slug=f"bench-pelajaran-{size}", summary="Bench.", jp_hours=2, mandatory=True))
        for n in range(1, size + 1):
            course.add_child(instance=LessonPage(title=f"{lesson.title} ({n})", slug=f"pelajaran-{n}", body=lesson.body.raw_data,
                                                 estimated_minutes=10))
        content_changed()
    sized.append(LessonPage.objects.child_of(course).order_by("path")[2].url)
print(session.session_key, bare.url, lesson.url, *sized)
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=10, help="targets take turns, this many times (see load_interleaved)")
    args = parser.parse_args()


    env = bench_env(bench_database("lesson_page"), "lesson_page")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    # seeded as `make run` seeds it: production settings refuse the demo's DEMO signing key
    # (by design), and the demo signs the certificates it issues; the server runs production
    manage({**env, "DJANGO_SETTINGS_MODULE": "elearning.settings.dev"}, "seed_demo", "--force")
    session_key, bare_url, lesson_url, lesson5_url, lesson100_url = manage(env, "shell", "-c", SETUP, capture=True).split()[-5:]
    cookie = f"sessionid={session_key}"

    server = Gunicorn(env, workers=args.workers)
    try:
        for path in ("/healthz", bare_url, lesson_url, lesson5_url, lesson100_url):  # warm up every worker
            load(server.port, path, label="warmup", requests=40, concurrency=args.workers, cookie=cookie)
        results = load_interleaved(server.port, {
            "trivial Django view": "/healthz", "bare Wagtail page": bare_url, "lesson page": lesson_url,
            "lesson, 5-lesson course": lesson5_url, "lesson, 100-lesson course": lesson100_url,
        }, requests=args.requests, concurrency=args.concurrency, rounds=args.rounds, cookie=cookie)
        trivial, bare, lesson, lesson5, lesson100 = results.values()
    finally:
        server.stop()

    print(f"\nLesson page benchmark: gunicorn {args.workers} workers, {args.concurrency} connections, "
          f"{args.requests} requests per target in {args.rounds} interleaved rounds, PostgreSQL\n")
    print("ratios against the trivial Django view:")
    report([trivial, bare, lesson], trivial)
    print("\nratios against the bare Wagtail page:")
    report([bare, lesson, lesson5, lesson100], bare)
    ratio = lesson.p50 / bare.p50
    print(f"\nlesson p50 / bare Wagtail p50 = {ratio:.2f} (goal ≤ 1.5): {'met' if ratio <= 1.5 else 'NOT met'}")
    growth = lesson100.p50 / lesson5.p50
    print(f"lesson p50 at 100 lessons / at 5 lessons = {lesson100.p50 * 1000:.1f} / {lesson5.p50 * 1000:.1f} ms = {growth:.2f} "
          f"(goal within 10%): {'met' if abs(growth - 1) <= 0.10 else 'NOT met'}")
    errors = trivial.errors + bare.errors + lesson.errors + lesson5.errors + lesson100.errors
    if errors:
        print(f"{errors} requests failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
