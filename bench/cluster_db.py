"""The database side of the cluster check (bench/cluster_check.py), run inside
`manage.py shell` against the check's own database:

    seed(...)      a course with lessons and a timed final quiz, learner accounts with one known
                   password, and a backlog of enrollments one step from completion;
    backlog()      completes the backlog at once, so that certificates are being issued when
                   the chaos thread kills a worker;
    progress()     what the post-check waits for (queue, open attempts, missing certificates);
    verify(...)    the checks, from the database: accepted answers, submits and lessons are
                   there, one certificate per completed enrollment with its file and hash, no
                   attempt open past its deadline; plus the database's size.

Each function prints one line `CLUSTER-JSON {...}` for the orchestrator.
"""

import hashlib
import json

COURSE_SLUG = "cluster-kursus"
LESSONS = 2
QUESTIONS = 12
QUESTION_COUNT = 6
BACKLOG_OPD = "CLUSTER-BACKLOG"


def _out(value) -> None:
    print("CLUSTER-JSON " + json.dumps(value, default=str), flush=True)


def db_bytes() -> int:
    """Every table with its indexes and TOAST (pg_total_relation_size) in the public schema."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')"
        )
        return int(cursor.fetchone()[0])


def seed(*, learners: int, backlog: int, walkaways: int, password: str, time_limit_minutes: int) -> None:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from courses.models import (
        CourseIndexPage,
        CoursePage,
        Enrollment,
        EnrollmentSource,
        EnrollmentStatus,
        LessonPage,
        LessonProgress,
    )
    from courses.selectors import content_changed
    from organizations.models import Employee, Opd
    from quizzes.models import Choice, Question, Quiz, QuizKind

    User = get_user_model()
    with transaction.atomic():
        opd = Opd.objects.create(code="CLUSTER", name="OPD Uji Klaster", kind="dinas")
        backlog_opd = Opd.objects.create(code=BACKLOG_OPD, name="OPD Uji Klaster (antrean)", kind="dinas")
        course = CourseIndexPage.objects.first().add_child(instance=CoursePage(
            title="Kursus Uji Klaster", slug=COURSE_SLUG, summary="Uji klaster.", jp_hours=2, mandatory=False,
            audience_pns=True, audience_pppk=True, audience_non_asn=True,
        ))
        for m in range(1, LESSONS + 1):  # live as added (no publish signal: content_changed below)
            course.add_child(instance=LessonPage(title=f"Pelajaran {m}", slug=f"pelajaran-{m}", estimated_minutes=10))
        course = CoursePage.objects.get(pk=course.pk)
        for i in range(QUESTIONS):
            question = Question.objects.create(course=course, text=f"<p>Soal uji klaster {i + 1}</p>", explanation="<p>-</p>")
            Choice.objects.bulk_create([Choice(question=question, text=f"Pilihan {j + 1}", is_correct=j == 0, sort_order=j) for j in range(4)])
        # pass mark 0: every graded attempt passes, so every learner who submits (or whose attempt
        # the scheduler closes) completes the course and must get exactly one certificate
        quiz = Quiz.objects.create(
            course=course, kind=QuizKind.FINAL, title="Kuis akhir uji klaster", question_count=QUESTION_COUNT, pass_mark=0,
            max_attempts=3, time_limit_minutes=time_limit_minutes, requires_lessons=True,
        )
        hashed = make_password(password)  # one hash for every account: seeding stays fast
        rows = []
        for i in range(learners):
            email = f"klaster{i:05d}@klaster.test"
            user = User.objects.create(username=f"klaster{i:05d}", email=email, password=hashed)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            Employee.objects.create(full_name=f"Peserta Klaster {i + 1}", email=email, opd=opd, employment_type="NON_ASN", user=user)
            rows.append(email)
        lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
        employees = Employee.objects.bulk_create([
            Employee(full_name=f"Peserta Antrean {i + 1}", email=f"antrean{i:05d}@klaster.test", opd=backlog_opd, employment_type="NON_ASN")
            for i in range(backlog)
        ])
        enrollments = Enrollment.objects.bulk_create([
            Enrollment(employee=e, course=course, source=EnrollmentSource.SELF, status=EnrollmentStatus.IN_PROGRESS) for e in employees
        ])
        LessonProgress.objects.bulk_create([LessonProgress(enrollment=en, lesson=le) for en in enrollments for le in lessons])
    content_changed()  # course lists, outlines and routes are cached per content version
    walked_away = _walkaways(course=course, quiz=quiz, lessons=lessons, count=walkaways)
    _out({
        "course": course.pk, "course_url": course.url, "quiz": quiz.pk, "learners": rows,
        "lessons": [{"id": le.pk, "url": le.url} for le in lessons], "walkaways": walked_away, "db_bytes": db_bytes(),
    })


def _walkaways(*, course, quiz, lessons, count: int) -> list[int]:
    """Learners who started the quiz 20 s ago, saved one answer and left: their attempts
    expire during the load, and only the scheduler can close them (nobody comes back)."""
    import datetime

    from django.utils import timezone

    from courses.models import Enrollment, EnrollmentSource, EnrollmentStatus, LessonProgress
    from organizations.models import Employee, Opd
    from quizzes.services import attempt_save_answers, attempt_start

    opd = Opd.objects.create(code="CLUSTER-PERGI", name="OPD Uji Klaster (meninggalkan kuis)", kind="dinas")
    started = timezone.now() - datetime.timedelta(seconds=20)
    ids = []
    for i in range(count):
        employee = Employee.objects.create(full_name=f"Peserta Pergi {i + 1}", email=f"pergi{i:03d}@klaster.test", opd=opd, employment_type="NON_ASN")
        enrollment = Enrollment.objects.create(employee=employee, course=course, source=EnrollmentSource.SELF, status=EnrollmentStatus.IN_PROGRESS)
        LessonProgress.objects.bulk_create([LessonProgress(enrollment=enrollment, lesson=lesson) for lesson in lessons])
        attempt = attempt_start(quiz=quiz, employee=employee, now=started)
        first = attempt.snapshot[0]
        attempt_save_answers(attempt=attempt, answers={str(first["id"]): [first["choices"][0]["id"]]}, now=started)
        ids.append(attempt.pk)
    return ids


def backlog() -> None:
    """Every backlog learner passes the final quiz now: one certificate task each, queued on commit."""
    from courses.models import Enrollment, EnrollmentStatus
    from courses.services import enrollment_record_final_quiz_passed

    done = 0
    for enrollment in Enrollment.objects.filter(employee__opd__code=BACKLOG_OPD, status=EnrollmentStatus.IN_PROGRESS):
        enrollment_record_final_quiz_passed(enrollment=enrollment)
        done += 1
    _out({"completed": done})


def progress() -> None:
    import datetime

    from django.db.models import Max
    from django.utils import timezone

    from operations.models import ScheduledRun
    from operations.services import enrollments_without_certificate, queue_state
    from quizzes.models import Attempt, AttemptState

    now = timezone.now()
    state = queue_state()
    runs = ScheduledRun.objects.filter(finished_at__isnull=False).values("job").annotate(last=Max("finished_at"))
    _out({
        "now": now.isoformat(), "waiting": state.waiting, "running": state.running, "failed": state.failed,
        "open_past_deadline": Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=now).count(),
        "without_certificate": enrollments_without_certificate(now, grace=datetime.timedelta(0)).count(),
        "last_runs": {row["job"]: row["last"].isoformat() for row in runs},
    })


def _accepted(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def verify(*, accepted_path: str, scheduler_period: int, seed_db_bytes: int, walkaways=()) -> None:
    """Everything the load generator saw accepted is in the database; nothing is duplicated."""
    import datetime

    from django.db.models import Count, F
    from django.utils import timezone

    from certificates.models import Certificate
    from courses.models import Enrollment, EnrollmentStatus, LessonProgress
    from quizzes.models import Attempt, AttemptState

    events = _accepted(accepted_path)
    checks = []

    def check(name, problems, detail=""):
        checks.append({"name": name, "ok": not problems, "problems": problems[:10], "count": len(problems), "detail": detail})

    # 0. the load reached every step: a run where nobody got to the quiz would pass the rest
    kinds = {e["kind"] for e in events}
    check("the load reached lessons, autosave and submit", [f"no accepted {k}" for k in ("lesson", "autosave", "submit") if k not in kinds],
          f"{len(events)} accepted actions")

    # 1. every autosave the load generator saw accepted is in its attempt (the last accepted value
    # of each question; a learner sends one question's answer at a time and never changes it)
    expected: dict[tuple[int, str], list[int]] = {}
    for event in events:
        if event["kind"] == "autosave":
            for question, choices in event["answers"].items():
                expected[(event["attempt"], question)] = sorted(choices)
    attempts = {a.pk: a for a in Attempt.objects.filter(pk__in={a for a, _q in expected}).only("pk", "answers", "state", "saved_at", "deadline")}
    lost = [
        f"attempt {a} question {q}: accepted {v}, stored {attempts[a].answers.get(q) if a in attempts else 'no attempt'}"
        for (a, q), v in expected.items()
        if a not in attempts or sorted(attempts[a].answers.get(q) or []) != v
    ]
    check("accepted autosaves are in their attempt", lost, f"{len(expected)} answers in {len(attempts)} attempts")

    # 2. every submit the load generator saw accepted left the attempt graded
    submitted = {e["attempt"] for e in events if e["kind"] == "submit"}
    graded = set(Attempt.objects.filter(pk__in=submitted).exclude(state=AttemptState.IN_PROGRESS).values_list("pk", flat=True))
    check("accepted submits are graded", [f"attempt {a} still open" for a in sorted(submitted - graded)], f"{len(submitted)} submits")

    # 3. every lesson the load generator saw marked done is recorded
    marked = {(e["email"], e["lesson"]) for e in events if e["kind"] == "lesson"}
    recorded = set(
        LessonProgress.objects.filter(enrollment__employee__email__in={m for m, _l in marked})
        .values_list("enrollment__employee__email", "lesson_id")
    )
    check("accepted lesson completions are recorded", [f"{m} lesson {le}" for m, le in sorted(marked - recorded)], f"{len(marked)} lessons")

    # 4. one certificate per completed enrollment, with its file and hash; none for the others
    completed = list(Enrollment.objects.filter(status=EnrollmentStatus.COMPLETED).values_list("pk", flat=True))
    per_enrollment = dict(Certificate.objects.values("enrollment").annotate(n=Count("pk")).values_list("enrollment", "n"))
    missing = [f"enrollment {pk}: no certificate" for pk in completed if pk not in per_enrollment]
    duplicated = [f"enrollment {pk}: {n} certificates" for pk, n in per_enrollment.items() if n != 1]
    stray = [f"enrollment {pk}: certificate but not completed" for pk in set(per_enrollment) - set(completed)]
    bad_files, pdf_bytes = [], 0
    for certificate in Certificate.objects.only("pk", "number", "pdf", "sha256").iterator():
        try:
            with certificate.pdf.open("rb") as handle:  # through the storage: MEDIA_ROOT or the private root
                content = handle.read()
        except (OSError, ValueError) as exc:
            bad_files.append(f"{certificate.number}: {exc}")
            continue
        pdf_bytes += len(content)
        if not content.startswith(b"%PDF") or hashlib.sha256(content).hexdigest() != certificate.sha256:
            bad_files.append(f"{certificate.number}: file does not match its SHA-256")
    check("every completed enrollment has a certificate", missing, f"{len(completed)} completed")
    check("no enrollment has two certificates", duplicated + stray, f"{sum(per_enrollment.values())} certificates")
    check("every certificate file opens and matches its hash", bad_files, f"{pdf_bytes / 1024:.0f} KiB of PDF")
    numbers = list(Certificate.objects.values("year", "sequence").annotate(n=Count("pk")).filter(n__gt=1))
    check("certificate numbers are unique", [str(n) for n in numbers])

    # 5. no attempt stayed open past its deadline: the scheduler closes them within a period;
    # no answer was taken after the deadline; no submit was counted after it
    now = timezone.now()
    slack = datetime.timedelta(seconds=scheduler_period + 15)
    stale = list(Attempt.objects.filter(state=AttemptState.IN_PROGRESS, deadline__lte=now - slack).values_list("pk", "deadline"))
    late_saves = list(Attempt.objects.filter(saved_at__gt=F("deadline")).values_list("pk", flat=True))
    late_submits = list(
        Attempt.objects.filter(state=AttemptState.SUBMITTED, finished_at__gt=F("deadline")).values_list("pk", flat=True)
    )
    closed = Attempt.objects.filter(state=AttemptState.CLOSED).count()
    left = list(Attempt.objects.filter(pk__in=walkaways).only("pk", "state", "answers", "finished_at", "deadline"))
    for attempt in left:  # seeded to expire during the load: the scheduler's to close, with the saved answer graded
        if attempt.state != AttemptState.CLOSED or len(attempt.answers) != 1 or attempt.finished_at != attempt.deadline:
            stale.append((attempt.pk, attempt.deadline))
    check(
        "no attempt open past its deadline",
        [f"attempt {pk} not closed at its deadline {d:%H:%M:%S}" for pk, d in stale] + [f"attempt {pk} saved after deadline" for pk in late_saves]
        + [f"attempt {pk} submitted after deadline" for pk in late_submits],
        f"{closed} closed at the deadline by the scheduler, {len(left)} of them left open on purpose before the load",
    )
    counts = {
        "attempts": Attempt.objects.count(), "submitted": Attempt.objects.filter(state=AttemptState.SUBMITTED).count(),
        "closed": closed, "open": Attempt.objects.filter(state=AttemptState.IN_PROGRESS).count(),
        "completed": len(completed), "certificates": sum(per_enrollment.values()), "lessons_done": LessonProgress.objects.count(),
        "db_bytes": db_bytes(), "seed_db_bytes": seed_db_bytes, "pdf_bytes": pdf_bytes,
    }
    # every autosave rewrites its attempt row: the dead versions are autovacuum's to reuse, not
    # growth; the sizing takes the live size (the check's database is thrown away anyway)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL")
    counts["live_db_bytes"] = db_bytes()
    # what one login costs the app server: the password hash (Django's PBKDF2 iterations)
    import time

    from django.contrib.auth.hashers import make_password

    begun = time.process_time()
    for _ in range(3):
        make_password("klaster")
    counts["login_cpu_s"] = (time.process_time() - begun) / 3
    _out({"checks": checks, "counts": counts})
