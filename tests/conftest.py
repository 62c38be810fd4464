import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from organizations.models import Role
from organizations.services import role_assign

from .api_support import make_api_client  # noqa: F401 - fixture for the API tests
from .factories import EmployeeFactory, OpdFactory, UserFactory

PASSWORD = "Rahasia-Uji-2026"


@pytest.fixture(autouse=True)
def _clear_cache():
    # allauth's rate limits live in the cache: tests must not share counts
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def opd_a(db):
    return OpdFactory(code="OPD-A", name="Dinas A")


@pytest.fixture
def opd_b(db):
    return OpdFactory(code="OPD-B", name="Dinas B")


@pytest.fixture
def make_staff(db):
    """Factory: a user holding `role` (with TOTP set up unless mfa=False)."""

    def make(role: str, *, opds=(), mfa=True, valid_until=None, **user_kwargs):
        user = UserFactory(**user_kwargs)
        if role == Role.OBSERVER and valid_until is None:
            valid_until = timezone.now() + datetime.timedelta(days=30)
        role_assign(user=user, role=role, acting_user=None, opds=list(opds), valid_until=valid_until)
        if mfa:
            TOTP.activate(user, generate_totp_secret())
        return user

    return make


@pytest.fixture
def learner(db, opd_a):
    user = UserFactory()
    EmployeeFactory(user=user, opd=opd_a, email=user.email)
    return user


@pytest.fixture
def hr(make_staff):
    return make_staff(Role.HR)


@pytest.fixture
def auditor(make_staff):
    return make_staff(Role.AUDITOR)


@pytest.fixture
def observer(make_staff):
    return make_staff(Role.OBSERVER)


@pytest.fixture
def editor(make_staff):
    return make_staff(Role.EDITOR)


@pytest.fixture
def reviewer(make_staff):
    """An editor who also sits in the reviewer group: publishes pages, quizzes and questions."""
    from django.contrib.auth.models import Group

    from courses.setup import REVIEWER_GROUP_NAME

    user = make_staff(Role.EDITOR)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    return user


@pytest.fixture
def coordinator_a(make_staff, opd_a):
    return make_staff(Role.COORDINATOR, opds=[opd_a])


@pytest.fixture
def make_course(db):
    """Factory: a published course with `lessons` published lessons under the catalogue page.

    Returns the CoursePage; its lessons are `course.test_lessons` in order.
    """
    from courses.models import CourseIndexPage, CoursePage, LessonPage

    counter = iter(range(1, 10_000))

    def make(*, lessons=3, mandatory=True, opds=(), title=None, **fields):
        index = CourseIndexPage.objects.first()
        number = next(counter)
        course = index.add_child(
            instance=CoursePage(
                title=title or f"Kursus Uji {number}",
                slug=f"kursus-uji-{number}-{CoursePage.objects.count()}",
                summary="Ringkasan kursus uji.",
                jp_hours=fields.pop("jp_hours", 2),
                mandatory=mandatory,
                **fields,
            )
        )
        if opds:
            course.audience_opds.set(opds)
            course.save()
        course.test_lessons = [
            course.add_child(
                instance=LessonPage(
                    title=f"Pelajaran {i}",
                    slug=f"pelajaran-{i}",
                    estimated_minutes=5,
                    body=[("paragraph", f"<p>Isi pelajaran {i} tentang parsel lebaran.</p>")],
                )
            )
            for i in range(1, lessons + 1)
        ]
        return course

    return make


def pytest_collection_modifyitems(config, items):
    """Concurrency tests only mean something with real row locks: run them on PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL); .ci/run does")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_quiz(db):
    """Factory: a quiz on `course` with `questions` single-choice questions (A is right)."""
    from quizzes.models import Choice, Question, Quiz

    def make(course, *, questions=5, **fields):
        for i in range(1, questions + 1):
            question = Question.objects.create(
                course=course, category="umum", text=f"<p>Soal uji {i}?</p>", explanation=f"<p>RAHASIA-PEMBAHASAN-{i}</p>"
            )
            Choice.objects.bulk_create(
                [
                    Choice(question=question, text=f"Jawaban benar {i}", is_correct=True, feedback=f"RAHASIA-UMPAN-{i}", sort_order=0),
                    Choice(question=question, text=f"Jawaban keliru {i}", is_correct=False, feedback=f"RAHASIA-UMPAN-SALAH-{i}", sort_order=1),
                ]
            )
        defaults = {"title": "Kuis uji", "question_count": questions, "pass_mark": 60, "requires_lessons": False}
        defaults.update(fields)
        return Quiz.objects.create(course=course, **defaults)

    return make
