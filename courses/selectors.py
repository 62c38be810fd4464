"""Reads for the learner's side: catalogue, outline and progress, "Pembelajaran Saya".

Every function here issues a fixed number of queries whatever the number of lessons or
courses (tests pin them); per-course figures are computed from one query each, in Python.
"""

import contextlib
import contextvars
import copy
import datetime
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db.models import Aggregate, CharField, OuterRef, Prefetch, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from organizations.models import Employee
from organizations.selectors import employee_for_user

from .models import CoursePage, Enrollment, EnrollmentStatus, LessonPage, LessonProgress

JP_YEARLY_TARGET = 20  # PP 11/2017 Pasal 203 ayat (4) jo. PP 17/2020: at least 20 JP a year
COVER_RENDITION = "fill-640x360"


@dataclass(frozen=True)
class LearningProblem:
    """Why an employee may not learn (or not record progress in) a course."""

    code: str
    message: str


def learning_problem(*, employee, course: CoursePage, for_write: bool = False, today=None) -> LearningProblem | None:
    """None when `employee` may read the course's lessons (and, with `for_write`, record
    progress now); otherwise the reason, in words for the learner."""
    today = today or timezone.localdate()
    if employee is None:
        return LearningProblem(
            "no_employee",
            _(
                "Akun Anda tidak terhubung dengan data pegawai, sehingga tidak dapat mengikuti kursus. "
                "Hubungi BKPSDM bila Anda pegawai Pemerintah Kota Banjarbaru."
            ),
        )
    if not employee.active:
        return LearningProblem(
            "inactive",
            _(
                "Data pegawai Anda berstatus tidak aktif. Bila ini keliru, minta BKPSDM atau "
                "koordinator OPD Anda memperbarui data kepegawaian."
            ),
        )
    if not course.audience_includes(employee):
        return LearningProblem(
            "not_in_audience",
            _(
                "Kursus ini ditujukan untuk pegawai lain (OPD atau jenis pegawai tertentu), sehingga "
                "pelajarannya tidak dapat Anda buka. Lihat kursus lain di katalog."
            ),
        )
    if not course.has_opened(today):
        return LearningProblem(
            "not_open",
            _("Kursus ini baru dibuka pada %(date)s.") % {"date": _date(course.opens_on)},
        )
    if for_write and course.has_closed(today):
        return LearningProblem(
            "closed",
            _("Kursus ini sudah ditutup pada %(date)s. Kemajuan tidak dapat dicatat lagi.")
            % {"date": _date(course.closes_on)},
        )
    return None


def _date(value: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT")


def with_audience(courses: list[CoursePage]) -> list[CoursePage]:
    """Load the audience OPDs of many courses in one query (instead of one per course)."""
    through = CoursePage.audience_opds.through
    by_course: dict[int, set[int]] = defaultdict(set)
    rows = through.objects.filter(coursepage_id__in=[c.pk for c in courses]).values_list("coursepage_id", "opd_id")
    for course_id, opd_id in rows:
        by_course[course_id].add(opd_id)
    for course in courses:
        course.__dict__["audience_opd_ids"] = frozenset(by_course.get(course.pk, ()))
    return courses


def live_courses():
    image_qs = get_image_model().objects.prefetch_renditions(COVER_RENDITION)
    return (
        CoursePage.objects.live()
        .prefetch_related(Prefetch("cover_image", queryset=image_qs))
        .order_by("-mandatory", "title")
    )


def lesson_ids_by_course(courses: list[CoursePage]) -> dict[int, list[int]]:
    """Live lesson ids of each course, in page order, from one query."""
    if not courses:
        return {}
    by_path = {course.path: course.pk for course in courses}
    depths = {course.depth + 1 for course in courses}
    result: dict[int, list[int]] = {course.pk: [] for course in courses}
    rows = (
        LessonPage.objects.live()
        .filter(depth__in=depths)
        .order_by("path")
        .values_list("pk", "path")
    )
    steplen = LessonPage.steplen
    for pk, path in rows:
        course_id = by_path.get(path[:-steplen])
        if course_id is not None:
            result[course_id].append(pk)
    return result


@dataclass
class CourseCard:
    course: CoursePage
    enrollment: Enrollment | None
    in_audience: bool
    lesson_count: int
    done_count: int

    @property
    def percent(self) -> int:
        if self.enrollment is not None and self.enrollment.is_completed:
            return 100
        return round(100 * self.done_count / self.lesson_count) if self.lesson_count else 0


_UNKNOWN = object()


def catalogue_for(user, employee=_UNKNOWN) -> list[CourseCard]:
    """Every published course, with the user's enrollment and progress where they have one
    (`employee`, when the caller has it, spares its query)."""
    courses = with_urls(with_audience(list(live_courses())))
    if employee is _UNKNOWN:
        employee = employee_for_user(user) if user.is_authenticated else None
    enrollments: dict[int, Enrollment] = {}
    done: dict[int, set[int]] = defaultdict(set)
    if employee is not None:
        enrollments = {e.course_id: e for e in Enrollment.objects.filter(employee=employee)}
        for enrollment_id, lesson_id in LessonProgress.objects.filter(enrollment__employee=employee).values_list(
            "enrollment_id", "lesson_id"
        ):
            done[enrollment_id].add(lesson_id)
    lessons = lesson_ids_by_course(courses)
    cards = []
    for course in courses:
        enrollment = enrollments.get(course.pk)
        lesson_ids = lessons.get(course.pk, [])
        done_ids = done.get(enrollment.pk, set()) if enrollment else set()
        cards.append(
            CourseCard(
                course=course,
                enrollment=enrollment,
                in_audience=course.audience_includes(employee),
                lesson_count=len(lesson_ids),
                done_count=len(done_ids.intersection(lesson_ids)),
            )
        )
    return cards


@dataclass
class Outline:
    """A course's published lessons and what the learner has done of them. Every question
    (count done, neighbours, position) is a lookup in ids computed once per outline."""

    lessons: list[LessonPage]
    done_ids: set[int] = field(default_factory=set)
    completed: bool = False

    @cached_property
    def ids(self) -> list[int]:
        return [lesson.pk for lesson in self.lessons]

    @cached_property
    def _index(self) -> dict[int, int]:
        return {pk: index for index, pk in enumerate(self.ids)}

    @property
    def total(self) -> int:
        return len(self.lessons)

    @cached_property
    def done_count(self) -> int:
        return len(self.done_ids.intersection(self.ids))

    @property
    def percent(self) -> int:
        if self.completed:
            return 100
        return round(100 * self.done_count / self.total) if self.total else 0

    @property
    def first_unfinished(self) -> LessonPage | None:
        return next((lesson for lesson, pk in zip(self.lessons, self.ids, strict=True) if pk not in self.done_ids), None)

    def next_unfinished(self, lesson: LessonPage) -> LessonPage | None:
        """The first lesson not yet done after `lesson`, else the first not done before it."""
        index = self._index.get(lesson.pk)
        start = index + 1 if index is not None else 0
        ordered = self.lessons[start:] + self.lessons[:start]
        return next((item for item in ordered if item.pk not in self.done_ids), None)

    def neighbours(self, lesson: LessonPage) -> tuple[LessonPage | None, LessonPage | None]:
        index = self._index.get(lesson.pk)
        if index is None:
            return None, None
        previous = self.lessons[index - 1] if index > 0 else None
        following = self.lessons[index + 1] if index + 1 < len(self.lessons) else None
        return previous, following

    def position(self, lesson: LessonPage) -> int:
        index = self._index.get(lesson.pk)
        return index + 1 if index is not None else 0


# --- course structure cache ---------------------------------------------------------------------
# A course and its published lessons change only when an editor publishes, unpublishes, moves
# or deletes a page; every lesson view needs them. They are cached under a content version
# that those events bump (see apps.py), so no view ever sees a stale outline.

CONTENT_VERSION_KEY = "courses:content-version"
STRUCTURE_TIMEOUT = 60 * 60


_REQUEST_VERSION: contextvars.ContextVar[int | None] = contextvars.ContextVar("content_version", default=None)


def content_version() -> int:
    """The current content version; read once per page request (see `pinned_content_version`)."""
    pinned = _REQUEST_VERSION.get()
    if pinned is not None:
        return pinned
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = time.time_ns()
        cache.add(CONTENT_VERSION_KEY, version, None)
        version = cache.get(CONTENT_VERSION_KEY, version)
    return version


@contextlib.contextmanager
def pinned_content_version():
    """Within the block, `content_version()` answers from one cache read: a page request
    reads the version once, however many cached structures it looks up."""
    token = _REQUEST_VERSION.set(content_version())
    try:
        yield
    finally:
        _REQUEST_VERSION.reset(token)


def courses_with_audience() -> list[CoursePage]:
    """Every live course, mandatory first then by title, audiences loaded; cached until the
    next publish, unpublish, move or delete (the audience is saved with a publish)."""
    version = content_version()
    local = _COURSES_LOCAL.get(version)
    if local is not None:  # this process already has it: no unpickling per request
        return list(local)
    key = f"courses:with-audience:{version}"
    courses = cache.get(key)
    if courses is None:
        courses = with_audience(list(CoursePage.objects.live().order_by("-mandatory", "title")))
        cache.set(key, courses, 3600)
    _COURSES_LOCAL.clear()
    _COURSES_LOCAL[version] = tuple(courses)
    return list(courses)


_COURSES_LOCAL: dict[int, tuple] = {}


def content_changed(**kwargs) -> None:
    """Signal receiver: a page was published, unpublished, moved or deleted."""
    cache.set(CONTENT_VERSION_KEY, time.time_ns(), None)


def view_restrictions_changed(**kwargs) -> None:
    """Signal receiver: a page's privacy setting changed. Moves the content version once the
    change is committed, so no process can keep the old rules under the new version."""
    from django.db import transaction

    transaction.on_commit(content_changed)


_VIEW_RESTRICTIONS: dict[int, dict[str, tuple[list, list]]] = {}


def view_restrictions_kept(page):
    """`Page.get_view_restrictions()` of a course or lesson page: the same queryset of the
    restrictions on the page and its ancestors (aliases resolved), with its rows kept in the
    process per content version. Wagtail checks them before serving every page, at two
    queries each time (the ancestors' alias ids, then the restrictions); a course or lesson
    page served from its course structure needs neither. Saving or deleting a restriction or
    its groups moves the content version (courses.apps). Anything built from the queryset
    (`order_by`, `filter`, as the admin's privacy dialog does) reads the database again."""
    from wagtail.models import PageViewRestriction

    version = content_version()
    kept = _VIEW_RESTRICTIONS.get(version)
    if kept is None:
        _VIEW_RESTRICTIONS.clear()
        kept = _VIEW_RESTRICTIONS[version] = {}
    entry = kept.get(page.path)
    if entry is None:
        ids = {page.alias_of_id or page.pk}
        for ancestor in page.get_ancestors().only("alias_of"):
            ids.add(ancestor.alias_of_id or ancestor.pk)
        ids = sorted(ids)
        entry = kept[page.path] = (ids, list(PageViewRestriction.objects.filter(page_id__in=ids).prefetch_related("groups")))
    ids, rows = entry
    queryset = PageViewRestriction.objects.filter(page_id__in=ids)
    queryset._result_cache = list(rows)  # evaluated already: iterating it reads no rows again
    queryset._prefetch_done = True
    return queryset


@dataclass
class CourseStructure:
    course: CoursePage
    lessons: list[LessonPage]

    def lesson(self, pk: int) -> LessonPage | None:
        """A copy of the published lesson `pk` of this course, or None: what the lesson page
        serves, without a query (the structure holds every field the page reads)."""
        by_pk = self.__dict__.get("_by_pk")
        if by_pk is None:
            by_pk = self.__dict__["_by_pk"] = {lesson.pk: lesson for lesson in self.lessons}
        lesson = by_pk.get(pk)
        return copy.copy(lesson) if lesson is not None else None


_STRUCTURES_LOCAL: OrderedDict = OrderedDict()
_STRUCTURES_LOCAL_MAX = 256


def course_structure(course_path: str) -> CourseStructure | None:
    """The published course at `course_path` (audience loaded) and its published lessons,
    in order; None when the course is not published.

    Kept in the process as well as in the cache, so a request unpickles nothing once the
    process has seen the course; the pages carry Wagtail's site root paths, so their `.url`
    costs no cache read per lesson link. Treat the objects as read-only: they are shared."""
    key = f"courses:structure:{content_version()}:{course_path}"
    structure = _STRUCTURES_LOCAL.get(key)
    if structure is not None:
        _STRUCTURES_LOCAL.move_to_end(key)
        return structure
    structure = cache.get(key)
    if structure is None:
        course = CoursePage.objects.live().filter(path=course_path).first()
        if course is None:
            return None
        with_audience([course])
        lessons = list(
            LessonPage.objects.live()
            .child_of(course)
            # every field but the body: the lesson page is served from here without a query
            # (its body is rendered once per revision and process, views.lesson_body)
            .defer("body")
        )
        with_urls([course, *lessons])
        for page in (course, *lessons):  # every outline link, computed once per content version
            page.outline_url = page.url
        structure = CourseStructure(course=course, lessons=lessons)
        cache.set(key, structure, STRUCTURE_TIMEOUT)
    _STRUCTURES_LOCAL[key] = structure
    while len(_STRUCTURES_LOCAL) > _STRUCTURES_LOCAL_MAX:
        _STRUCTURES_LOCAL.popitem(last=False)
    return structure


_ROUTES_LOCAL: dict[int, dict[str, tuple[int, int, str]]] = {}


def live_page_routes() -> dict[str, tuple[int, int, str]]:
    """url_path → (content type id, pk, tree path) of every live page, per content version,
    kept in the process: routing a request then costs at most one query (the page itself)."""
    version = content_version()
    routes = _ROUTES_LOCAL.get(version)
    if routes is None:
        routes = {
            url_path: (content_type_id, pk, path)
            for url_path, content_type_id, pk, path in Page.objects.live().values_list("url_path", "content_type_id", "pk", "path")
        }
        _ROUTES_LOCAL.clear()
        _ROUTES_LOCAL[version] = routes
    return routes


_SITES_LOCAL: dict[tuple, object] = {}
_ROOT_PATHS_LOCAL: dict[int, list] = {}


def site_root_paths() -> list:
    """Wagtail's `Site.get_site_root_paths()`, kept in the process per content version (a
    site's change bumps it). Pages given it as `_wagtail_cached_site_root_paths` answer
    `.url` without a cache read each."""
    version = content_version()
    paths = _ROOT_PATHS_LOCAL.get(version)
    if paths is None:
        paths = Site.get_site_root_paths()
        _ROOT_PATHS_LOCAL.clear()
        _ROOT_PATHS_LOCAL[version] = paths
    return paths


def with_urls(pages):
    """Let `pages` answer `.url` from the process's site root paths; returns them."""
    paths = site_root_paths()
    for page in pages:
        page._wagtail_cached_site_root_paths = paths
    return pages


def site_for_request(request):
    """Wagtail's `Site.find_for_request`, kept in the process per content version (a site's
    change bumps it) with its root page already specific: no query per request."""
    from django.http.request import split_domain_port
    from wagtail.models.sites import get_site_for_hostname

    hostname = split_domain_port(request._get_raw_host())[0]
    port = request.get_port()
    key = (content_version(), hostname, port)
    site = _SITES_LOCAL.get(key, False)
    if site is False:
        try:
            site = get_site_for_hostname(hostname, port)
            site.root_page = site.root_page.specific
        except Site.DoesNotExist:
            site = None
        if len(_SITES_LOCAL) > 64 or any(k[0] != key[0] for k in _SITES_LOCAL):
            _SITES_LOCAL.clear()
        _SITES_LOCAL[key] = site
    return site


def course_outline(*, course: CoursePage, enrollment: Enrollment | None, lessons: list[LessonPage] | None = None) -> Outline:
    if lessons is None:
        structure = course_structure(course.path)
        lessons = structure.lessons if structure is not None else []
    outline = Outline(lessons=lessons, completed=bool(enrollment and enrollment.is_completed))
    if enrollment is not None:
        done = getattr(enrollment, "done_lesson_ids", None)  # read with the enrollment (learner_state)
        if done is None:
            done = set(LessonProgress.objects.filter(enrollment=enrollment).values_list("lesson_id", flat=True))
        outline.done_ids = done
    return outline


def enrollment_for(*, employee, course: CoursePage) -> Enrollment | None:
    if employee is None:
        return None
    return Enrollment.objects.filter(employee=employee, course=course).first()


class _JoinedIds(Aggregate):
    """Integer ids as one comma-separated string: STRING_AGG on PostgreSQL, GROUP_CONCAT on
    SQLite (Django 5.2 has no portable string aggregate)."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')", **extra_context)


class _LearnerStateQuery:
    """The learner's enrollment in a course with its employee and the lessons done, in one
    statement. The lesson and course pages run it on every request, where building and
    compiling the same ORM query each time cost a quarter of the lesson page: the ORM compiles
    it once per process and database (with placeholder values), and each request runs that
    SQL with its own values and builds the rows as the ORM would."""

    USER, COURSE = -7_000_001, -7_000_002  # placeholders, never real keys

    def __init__(self):
        self._compiled = {}

    def queryset(self, user_id, course_id):
        done = (
            LessonProgress.objects.filter(enrollment=OuterRef("pk")).order_by().values("enrollment")
            .annotate(ids=_JoinedIds("lesson_id")).values("ids")
        )
        return (
            Enrollment.objects.select_related("employee").filter(employee__user_id=user_id, course_id=course_id)
            .annotate(done_lessons=Subquery(done)).order_by()[:1]
        )

    def _compile(self, alias):
        compiled = self._compiled.get(alias)
        if compiled is None:
            compiler = self.queryset(self.USER, self.COURSE).query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            slots = [{self.USER: 0, self.COURSE: 1}.get(value) for value in params]
            if slots.count(0) != 1 or slots.count(1) != 1 or None in slots:
                raise RuntimeError(f"unexpected parameters in the learner state query: {params!r}")
            # where the ORM put each column, as its own ModelIterable reads them
            info = compiler.klass_info
            related = info["related_klass_infos"][0]

            def columns(select_fields):
                return [compiler.select[i][0].target.attname for i in select_fields], select_fields

            converters = compiler.get_converters([expression for expression, _sql, _alias in compiler.select])
            compiled = self._compiled[alias] = (
                sql, slots, compiler, converters, columns(info["select_fields"]), columns(related["select_fields"]),
                compiler.annotation_col_map["done_lessons"],
            )
        return compiled

    def __call__(self, user_id, course_id, using="default"):
        from django.db import connections

        sql, slots, compiler, converters, (enrollment_fields, enrollment_at), (employee_fields, employee_at), done_at = (
            self._compile(using)
        )
        values = (user_id, course_id)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [values[slot] for slot in slots])
            row = cursor.fetchone()
        if row is None:
            return None
        if converters:  # the field converters the ORM applies (datetimes on SQLite, JSON, ...)
            row = next(iter(compiler.apply_converters([row], converters)))
        enrollment = Enrollment.from_db(using, enrollment_fields, [row[i] for i in enrollment_at])
        employee = Employee.from_db(using, employee_fields, [row[i] for i in employee_at])
        enrollment._state.fields_cache["employee"] = employee
        enrollment.done_lessons = row[done_at]
        return enrollment


_learner_state_query = _LearnerStateQuery()


def learner_state(*, user, course: CoursePage):
    """(employee, enrollment) of `user` for `course`: one query once enrolled, which also
    reads the lessons done (`enrollment.done_lesson_ids`, for `course_outline`): the lesson
    and course pages pay one round trip for the learner's whole state, whatever its size."""
    if not user.is_authenticated:
        return None, None
    enrollment = _learner_state_query(user.pk, course.pk)
    if enrollment is not None:
        enrollment.done_lesson_ids = {int(pk) for pk in enrollment.done_lessons.split(",")} if enrollment.done_lessons else set()
        return enrollment.employee, enrollment
    return employee_for_user(user), None


@dataclass
class LearningOverview:
    employee: object
    cards: list[CourseCard]
    available: list[CourseCard]
    jp_this_year: int
    jp_target: int
    year: int

    @property
    def jp_percent(self) -> int:
        return min(100, round(100 * self.jp_this_year / self.jp_target)) if self.jp_target else 100

    @property
    def counts(self) -> dict[str, int]:
        result = {status: 0 for status in EnrollmentStatus.values}
        for card in self.cards:
            result[card.enrollment.status] += 1
        return result


def learning_overview(*, user, employee=_UNKNOWN) -> LearningOverview | None:
    """What "Pembelajaran Saya" shows: the learner's courses, the optional courses they may
    still join, and JP earned this calendar year (WITA)."""
    if employee is _UNKNOWN:
        employee = employee_for_user(user)
    if employee is None:
        return None
    cards = catalogue_for(user, employee)
    mine = [card for card in cards if card.enrollment is not None]
    status_order = {EnrollmentStatus.IN_PROGRESS: 0, EnrollmentStatus.NOT_STARTED: 1, EnrollmentStatus.COMPLETED: 2}
    mine.sort(key=lambda card: (status_order[card.enrollment.status], card.course.closes_on or datetime.date.max))
    available = [
        card for card in cards if card.enrollment is None and card.in_audience and not card.course.has_closed()
    ]
    year = timezone.localdate().year
    jp = sum(
        card.course.jp_hours
        for card in mine
        if card.enrollment.is_completed and timezone.localtime(card.enrollment.completed_at).year == year
    )
    return LearningOverview(
        employee=employee, cards=mine, available=available, jp_this_year=jp, jp_target=JP_YEARLY_TARGET, year=year
    )


def access_live_lesson(pk) -> LessonPage:
    """A published lesson whose course is published, or 404."""
    try:
        lesson = LessonPage.objects.live().get(pk=pk)
    except (LessonPage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return lesson


def access_live_course(pk) -> CoursePage:
    try:
        return CoursePage.objects.live().get(pk=pk)
    except (CoursePage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def course_of_lesson(lesson: LessonPage) -> CoursePage:
    """The lesson's course (audience loaded); 404 when the course itself is not published."""
    structure = course_structure(lesson.path[: -lesson.steplen])
    if structure is None:
        raise Http404
    return structure.course
