"""Demo courses: the curriculum packages in curriculum/, loaded as `load_curriculum` does
(quizzes and question banks included), then learners part-way through them.

Idempotent: loading an unchanged package changes nothing.
"""

import random

from courses.demo import seed_progress_report
from courses.models import Enrollment, EnrollmentStatus, LessonPage

from .management.commands.load_curriculum import curriculum_paths
from .packages.errors import PackageError
from .packages.loader import course_package_load
from .packages.reader import package_files_from_dir, package_read


def seed(*, stdout, style):
    courses = []
    for path in curriculum_paths():
        try:
            package = package_read(package_files_from_dir(path), root=str(path))
            plan = course_package_load(package=package, publish=True, source="seed_demo")
        except PackageError as error:
            stdout.write(style.ERROR(f"  {path}: ditolak\n" + "\n".join(f"    {p}" for p in error.problems)))
            continue
        courses.append(plan.course)
    seed_progress_report(courses, stdout=stdout, style=style, finish=_demo_final_quizzes)


def _demo_final_quizzes(courses) -> None:
    """Demo learners who have done every lesson sit the final quiz as a learner would: four in
    five pass, which completes the course and issues its certificate; the others wait for
    their next attempt."""
    from .models import Quiz, QuizKind
    from .services import QuizRefused, attempt_start, attempt_submit

    rng = random.Random(7)
    quizzes = {q.course_id: q for q in Quiz.objects.in_use().filter(course__in=courses, kind=QuizKind.FINAL)}
    lesson_counts = {course.pk: LessonPage.objects.live().child_of(course).count() for course in courses}
    waiting = (
        Enrollment.objects.filter(course_id__in=quizzes, status=EnrollmentStatus.IN_PROGRESS)
        .select_related("employee")
        .order_by("pk")
    )
    for enrollment in waiting:
        if enrollment.lesson_progress.count() < lesson_counts[enrollment.course_id]:
            continue
        demo_learner = enrollment.employee.email.startswith("asn@")  # has one course done, with its certificate
        quiz = quizzes[enrollment.course_id]
        try:
            attempt = attempt_start(quiz=quiz, employee=enrollment.employee, rng=rng)
        except QuizRefused:
            continue
        passes = demo_learner or rng.random() < 0.8  # a fifth fail once and wait for their next attempt
        right = len(attempt.snapshot) if passes else len(attempt.snapshot) // 2
        attempt_submit(attempt=attempt, answers={str(q["id"]): _answer(q, n < right) for n, q in enumerate(attempt.snapshot)})


def _answer(question: dict, right: bool) -> list[int]:
    correct = [c["id"] for c in question["choices"] if c["correct"]]
    wrong = [c["id"] for c in question["choices"] if not c["correct"]]
    return correct if right or not wrong else wrong[:1]
