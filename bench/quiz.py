"""Quiz engine under load, served by gunicorn on PostgreSQL.

    .venv/bin/python bench/quiz.py [--learners 120] [--requests 800] [--concurrency 4] [--ramp-learners 1000 --ramp-seconds 60]

Sets up (in the `integritas_bench` database) a course with a 60-question bank, a quiz that
draws 50, and `--learners` roster employees with sessions, then measures:

- floor: a trivial Django view (/healthz);
- autosave: JSON saves of one answer, each learner in their own attempt (goal p50 ≤ 10× floor);
- submit and grade of a 50-question attempt, every answer filled (goal p99 ≤ 100 ms);
- a synchronised start: every learner presses "Mulai kuis" at the same moment (goal: 0 errors);
- a ramp: `--ramp-learners` (1,000) press "Mulai kuis" spread over `--ramp-seconds` (60 s)
  (goal: 0 errors, p99 ≤ 500 ms).
"""

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import Gunicorn, Result, bench_database, bench_env, load, manage, report  # noqa: E402

CSRF = "benchbenchbenchbenchbenchbench32"  # a fixed token: cookie and header must match

SETUP = """
import json
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from courses.models import CourseIndexPage, CoursePage
from organizations.models import Employee, Opd
from quizzes.models import Attempt, Choice, Question, Quiz
from quizzes.services import attempt_save_answers, attempt_start

LEARNERS = {learners}
opd, _ = Opd.objects.get_or_create(code="BENCH", defaults={{"name": "OPD Bench", "kind": "dinas"}})
course = CoursePage.objects.filter(slug="bench-kuis").first()
if course is None:
    course = CourseIndexPage.objects.first().add_child(instance=CoursePage(title="Bench kuis", slug="bench-kuis", summary="bench", jp_hours=1, mandatory=False))
    # live as created; a publish would be refused by the JP check (a bench course has no lessons to justify its JP)
    course.save_revision()
    course = CoursePage.objects.get(pk=course.pk)
if not Question.objects.filter(course=course).exists():
    for i in range(60):
        q = Question.objects.create(course=course, text=f"<p>Soal bench {{i}}</p>", explanation="<p>x</p>")
        Choice.objects.bulk_create([Choice(question=q, text=f"Pilihan {{j}}", is_correct=(j == 0), sort_order=j) for j in range(4)])
quiz, _ = Quiz.objects.get_or_create(course=course, kind="final", active=True, defaults=dict(title="Bench", question_count=50, pass_mark=70, requires_lessons=False))
Attempt.objects.filter(quiz=quiz).delete()
User = get_user_model()
rows = []
for i in range(LEARNERS):
    email = f"bench{{i:04d}}@bench.test"
    user = User.objects.filter(email=email).first() or User.objects.create_user(username=f"bench{{i:04d}}", email=email)  # no password: no hashing
    employee = Employee.objects.filter(email=email).first() or Employee.objects.create(full_name=f"Bench {{i}}", email=email, opd=opd, employment_type="NON_ASN", user=user)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    rows.append({{"session": session.session_key, "employee": employee.pk}})
print("BENCH-JSON " + json.dumps({{"quiz": quiz.pk, "learners": rows}}))
"""

PREPARE = """
import json
from organizations.models import Employee
from quizzes.models import Attempt, Quiz
from quizzes.services import attempt_save_answers, attempt_start
quiz = Quiz.objects.get(pk={quiz})
Attempt.objects.filter(quiz=quiz).delete()
out = []
for pk in {employees}:
    attempt = attempt_start(quiz=quiz, employee=Employee.objects.get(pk=pk))
    answers = {{str(q["id"]): [q["choices"][{answer_index}]["id"]] for q in attempt.snapshot}} if {fill} else {{}}
    if answers:
        attempt_save_answers(attempt=attempt, answers=answers)
    first = attempt.snapshot[0]
    out.append({{"attempt": attempt.pk, "question": first["id"], "choices": [c["id"] for c in first["choices"]]}})
print("BENCH-JSON " + json.dumps(out))
"""


def _json_from(output: str):
    line = next(line for line in output.splitlines() if line.startswith("BENCH-JSON "))
    return json.loads(line[len("BENCH-JSON "):])


def _headers(session: str, content_type: str) -> dict:
    # requests arrive as HTTPS (X-Forwarded-Proto from the proxy), where CSRF checks the Origin too
    return {"Cookie": f"sessionid={session}; csrftoken={CSRF}", "X-CSRFToken": CSRF, "Content-Type": content_type,
            "X-Forwarded-Proto": "https", "Origin": "https://127.0.0.1"}


def synchronised_start(port: int, quiz: int, learners: list[dict]) -> Result:
    barrier = threading.Barrier(len(learners))
    latencies, errors, lock = [], [0], threading.Lock()

    def press(learner):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        started = time.perf_counter()
        try:
            conn.request("POST", f"/kuis/{quiz}/mulai/", body=b"", headers={"Host": "127.0.0.1", **_headers(learner["session"], "application/x-www-form-urlencoded")})
            response = conn.getresponse()
            response.read()
            ok = response.status == 302 and "/kuis/percobaan/" in (response.getheader("Location") or "")
        except OSError:
            ok = False
        with lock:
            if ok:
                latencies.append(time.perf_counter() - started)
            else:
                errors[0] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=press, args=(learner,)) for learner in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result("synchronised start", len(learners), errors[0], time.perf_counter() - started, latencies)


def _press_start(port: int, quiz: int, learner: dict) -> tuple[bool, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    try:
        conn.request("POST", f"/kuis/{quiz}/mulai/", body=b"", headers={"Host": "127.0.0.1", **_headers(learner["session"], "application/x-www-form-urlencoded")})
        response = conn.getresponse()
        response.read()
        ok = response.status == 302 and "/kuis/percobaan/" in (response.getheader("Location") or "")
    except OSError:
        ok = False
    finally:
        conn.close()
    return ok, time.perf_counter() - started


def ramp_start(port: int, quiz: int, learners: list[dict], seconds: float) -> Result:
    """Every learner presses "Mulai kuis" once, the presses spread evenly over `seconds`
    (as a class told "start now" does over a minute), each on its own connection."""
    latencies, errors, lock = [], [0], threading.Lock()
    gap = seconds / max(1, len(learners))
    origin = time.perf_counter()

    def press(index, learner):
        delay = origin + index * gap - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        ok, elapsed = _press_start(port, quiz, learner)
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                errors[0] += 1

    threads = [threading.Thread(target=press, args=(i, learner)) for i, learner in enumerate(learners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Result("ramp start", len(learners), errors[0], time.perf_counter() - origin, latencies)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=120)
    parser.add_argument("--requests", type=int, default=800)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--ramp-learners", type=int, default=1000)
    parser.add_argument("--ramp-seconds", type=float, default=60)
    args = parser.parse_args()

    env = bench_env(bench_database("quiz"), "quiz")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    setup = _json_from(manage(env, "shell", "-c", SETUP.format(learners=max(args.learners, args.ramp_learners)), capture=True))
    quiz, everyone = setup["quiz"], setup["learners"]
    learners = everyone[: args.learners]
    employees = [learner["employee"] for learner in learners]

    server = Gunicorn(env, workers=args.workers)
    try:
        load(server.port, "/healthz", label="warmup", requests=100, concurrency=args.workers)
        trivial = load(server.port, "/healthz", label="trivial Django view", requests=args.requests, concurrency=args.concurrency)

        # autosave: one open attempt per connection, answers flipping between two choices
        attempts = _json_from(manage(env, "shell", "-c", PREPARE.format(quiz=quiz, employees=employees[: args.concurrency], fill=False, answer_index=0), capture=True))

        def autosave(worker, n):
            a = attempts[worker]
            body = json.dumps({"answers": {str(a["question"]): [a["choices"][n % 2]]}}).encode()
            return "POST", f"/kuis/percobaan/{a['attempt']}/simpan/", body, _headers(learners[worker]["session"], "application/json"), 200

        autosaves = load(server.port, label="autosave (JSON)", requests=args.requests, concurrency=args.concurrency, make_request=autosave)

        # submit: every learner has a full 50-answer attempt waiting
        ready = _json_from(manage(env, "shell", "-c", PREPARE.format(quiz=quiz, employees=employees, fill=True, answer_index=0), capture=True))

        queue = list(zip(ready, learners, strict=True))
        queue_lock = threading.Lock()

        def submit(worker, n):
            with queue_lock:
                a, learner = queue.pop()
            return "POST", f"/kuis/percobaan/{a['attempt']}/kirim/", b"confirm=1", _headers(learner["session"], "application/x-www-form-urlencoded"), 302

        warm = 2 * args.workers * args.concurrency  # the first submits of each worker load code paths
        load(server.port, label="warmup", requests=warm, concurrency=args.concurrency, make_request=submit)
        submits = load(server.port, label="submit + grade 50 questions", requests=len(queue), concurrency=args.concurrency, make_request=submit)

        manage(env, "shell", "-c", f"from quizzes.models import Attempt; Attempt.objects.filter(quiz_id={quiz}).delete()")
        start = synchronised_start(server.port, quiz, learners)
        manage(env, "shell", "-c", f"from quizzes.models import Attempt; Attempt.objects.filter(quiz_id={quiz}).delete()")
        ramp = ramp_start(server.port, quiz, everyone[: args.ramp_learners], args.ramp_seconds)
    finally:
        server.stop()

    print(f"\nQuiz benchmark: gunicorn {args.workers} workers, {args.concurrency} connections, PostgreSQL, {args.learners} learners\n")
    report([trivial, autosaves, submits], trivial)
    print(f"\nautosave p50 = {autosaves.p50 / trivial.p50:.2f}× the trivial view (goal ≤ 10×): {'met' if autosaves.p50 / trivial.p50 <= 10 else 'NOT met'}")
    print(f"submit + grade p99 = {submits.p99 * 1000:.1f} ms (goal ≤ 100 ms): {'met' if submits.p99 <= 0.1 else 'NOT met'}")
    print(f"synchronised start of {start.requests} learners: {start.errors} errors, all done in {start.seconds:.2f} s, "
          f"p50 {start.p50 * 1000:.0f} ms, p99 {start.p99 * 1000:.0f} ms")
    print(f"ramp start of {ramp.requests} learners over {args.ramp_seconds:.0f} s: {ramp.errors} errors, p50 {ramp.p50 * 1000:.0f} ms, "
          f"p99 {ramp.p99 * 1000:.0f} ms (goal: 0 errors, p99 ≤ 500 ms): {'met' if not ramp.errors and ramp.p99 <= 0.5 else 'NOT met'}")
    if trivial.errors or autosaves.errors or submits.errors or start.errors or ramp.errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
