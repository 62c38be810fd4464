"""Completion per OPD, counted from the raw tables in a fixed number of queries.

Every figure is defensible line by line: the denominator is the active roster (people who
never logged in included), each employee is counted once (in their current OPD, or with
`attribution="completion"` the completions move to the OPD they belonged to when they
completed), and dates are cut at the end of the as-of day in WITA.

The roster keeps no history: the denominator is today's active roster, whatever the as-of
date. Enrolments, starts and completions are dated, so those honour the as-of date.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.db.models import Count, FilteredRelation, Max, OuterRef, Q, Subquery
from django.utils import timezone

from certificates.models import Certificate
from courses.models import CoursePage, Enrollment, EnrollmentStatus, LessonProgress
from courses.selectors import courses_with_audience, with_audience
from organizations.models import Employee
from organizations.selectors import opds_visible_to


@dataclass
class ReportFilters:
    course: CoursePage | None  # None: "all mandatory courses" (an employee counts once all are done)
    as_of: datetime.date
    opd_kind: str = ""
    employment_type: str = ""
    attribution: str = "current"  # or "completion"

    @property
    def cutoff(self) -> datetime.datetime:
        """The end of the as-of day, WITA."""
        return timezone.make_aware(datetime.datetime.combine(self.as_of + datetime.timedelta(days=1), datetime.time.min))

    def describe(self) -> list[tuple[str, str]]:
        return [
            ("Kursus", self.course.title if self.course else "Semua kursus wajib (selesai semuanya)"),
            ("Per tanggal", self.as_of.isoformat()),
            ("Jenis OPD", self.opd_kind or "semua"),
            ("Jenis pegawai", self.employment_type or "semua"),
            ("Atribusi", "OPD saat selesai" if self.attribution == "completion" else "OPD saat ini"),
        ]


@dataclass
class OpdRow:
    opd_id: int
    code: str
    name: str
    kind: str
    employees: int = 0
    enrolled: int = 0
    in_progress: int = 0
    completed: int = 0
    head: dict | None = None  # filled by `heads_attach`

    @property
    def not_enrolled(self) -> int:
        return max(0, self.employees - self.enrolled)

    @property
    def percent(self) -> float:
        return round(100 * self.completed / self.employees, 1) if self.employees else 0.0


@dataclass
class CompletionReport:
    filters: ReportFilters
    rows: list[OpdRow]
    opds: dict = field(default_factory=dict)  # id -> Opd, with head and last review loaded
    totals: OpdRow = field(init=False)

    def __post_init__(self):
        self.totals = OpdRow(opd_id=0, code="", name="Total", kind="")
        for row in self.rows:
            self.totals.employees += row.employees
            self.totals.enrolled += row.enrolled
            self.totals.in_progress += row.in_progress
            self.totals.completed += row.completed


def _in_scope(employees, user, scope=None):
    """Employees of the OPDs in `scope`, or in the user's scope; no filter at all for those
    who see every OPD (a subquery over every OPD only slows the planner down)."""
    from organizations.permissions import sees_all_opds

    if scope is None and sees_all_opds(user):
        return employees
    scope = scope if scope is not None else opds_visible_to(user)
    return employees.filter(opd__in=scope.values("pk"))


def _roster(user, filters: ReportFilters, scope=None):
    if "audience_opd_ids" not in filters.course.__dict__:
        with_audience([filters.course])
    employees = _in_scope(Employee.objects.filter(filters.course.audience_q()), user, scope)
    if filters.opd_kind:
        employees = employees.filter(opd__kind=filters.opd_kind)
    if filters.employment_type:
        employees = employees.filter(employment_type=filters.employment_type)
    return employees


@dataclass
class OpdFacts:
    """What a report row needs of its OPD and the OPD's head (plain values: at 500 OPDs,
    model instances cost more than the query)."""

    pk: int
    code: str
    name: str
    kind: str
    head_id: int | None
    head: SimpleNamespace | None  # full_name, active, employment_type, opd_id: enough for audience_includes
    last_review: datetime.datetime | None


def _opds_by_id(ids, cutoff) -> dict[int, OpdFacts]:
    """The report's OPDs by id, each with its head and the head's last review before
    `cutoff`: one query."""
    from django.db.models import Max

    from organizations.models import Opd

    values = (
        Opd.objects.filter(pk__in=ids)
        .annotate(last_review=Max("reviews__reviewed_at", filter=Q(reviews__reviewed_at__lt=cutoff)))
        .values_list("pk", "code", "name", "kind", "head_id", "head__full_name", "head__active", "head__employment_type", "head__opd_id", "last_review")
    )
    return {
        pk: OpdFacts(
            pk=pk, code=code, name=name, kind=kind, head_id=head_id, last_review=last_review,
            head=SimpleNamespace(pk=head_id, full_name=head_name, active=active, employment_type=kind_of_head, opd_id=head_opd) if head_id else None,
        )
        for pk, code, name, kind, head_id, head_name, active, kind_of_head, head_opd, last_review in values
    }


def completion_report(*, user, filters: ReportFilters, scope=None) -> CompletionReport:
    """One row per OPD in the user's scope (or in `scope`, a queryset of OPDs) that has
    employees in the course audience."""
    if filters.course is None:
        return mandatory_report(user=user, filters=filters, scope=scope)
    cutoff = filters.cutoff
    employees = _roster(user, filters, scope).annotate(
        this_course=FilteredRelation("enrollments", condition=Q(enrollments__course=filters.course))
    )
    aggregates = (
        employees.values("opd_id")
        .annotate(
            n_employees=Count("pk"),
            n_enrolled=Count("this_course", filter=Q(this_course__enrolled_at__lt=cutoff)),
            n_started=Count(
                "this_course",
                filter=Q(this_course__started_at__lt=cutoff)
                & (Q(this_course__completed_at__isnull=True) | Q(this_course__completed_at__gte=cutoff)),
            ),
            n_completed=Count("this_course", filter=Q(this_course__completed_at__lt=cutoff)),
        )
        .order_by()
    )
    aggregates = list(aggregates)
    # Grouping by the OPD id alone, then naming the OPDs, is cheaper than grouping by names.
    opds = _opds_by_id([a["opd_id"] for a in aggregates], cutoff)
    rows = {
        a["opd_id"]: OpdRow(
            opd_id=a["opd_id"], code=opds[a["opd_id"]].code, name=opds[a["opd_id"]].name, kind=opds[a["opd_id"]].kind, employees=a["n_employees"],
            enrolled=a["n_enrolled"], in_progress=a["n_started"], completed=a["n_completed"],
        )
        for a in sorted(aggregates, key=lambda a: opds[a["opd_id"]].name)
    }
    if filters.attribution == "completion":
        # Completions counted where they happened: someone who moved keeps their credit in
        # the OPD they completed in (and is not counted again in their new OPD).
        for row in rows.values():
            row.completed = 0
        moved = (
            Enrollment.objects.filter(
                course=filters.course, completed_at__lt=cutoff, employee__in=_roster(user, filters, scope).values("pk"),
                completed_opd__in=list(rows),
            )
            .values("completed_opd_id")
            .annotate(n=Count("pk"))
        )
        for item in moved:
            rows[item["completed_opd_id"]].completed = item["n"]
    return CompletionReport(filters=filters, rows=list(rows.values()), opds=opds)


STATUS_NOT_ENROLLED = "not_enrolled"
STATUS_NOT_STARTED = EnrollmentStatus.NOT_STARTED
STATUS_IN_PROGRESS = EnrollmentStatus.IN_PROGRESS
STATUS_COMPLETED = EnrollmentStatus.COMPLETED


def opd_drilldown(*, user, filters: ReportFilters, opd, status: str = ""):
    """Every employee of `opd` in the course audience with their status as of the date,
    lessons done, last activity and certificate number. One query (a queryset of dicts)."""
    cutoff = filters.cutoff
    enrollment = Enrollment.objects.filter(employee=OuterRef("pk"), course=filters.course, enrolled_at__lt=cutoff)
    rows = (
        _roster(user, filters)
        .filter(opd=opd)
        .annotate(
            enrollment_id=Subquery(enrollment.values("pk")[:1]),
            started_at=Subquery(enrollment.values("started_at")[:1]),
            completed_at=Subquery(enrollment.filter(completed_at__lt=cutoff).values("completed_at")[:1]),
            last_activity=Subquery(enrollment.values("last_activity_at")[:1]),
            lessons_done=Subquery(
                LessonProgress.objects.filter(enrollment__employee=OuterRef("pk"), enrollment__course=filters.course, completed_at__lt=cutoff)
                .values("enrollment__employee")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            certificate=Subquery(
                Certificate.objects.filter(employee=OuterRef("pk"), course=filters.course, is_current=True, issued_at__lt=cutoff).values("number")[:1]
            ),
        )
        .values("pk", "nip", "full_name", "position", "employment_type", "enrollment_id", "started_at", "completed_at",
                "last_activity", "lessons_done", "certificate")
        .order_by("full_name")
    )
    if status == STATUS_COMPLETED:
        rows = rows.filter(completed_at__isnull=False)
    elif status == STATUS_IN_PROGRESS:
        rows = rows.filter(completed_at__isnull=True, started_at__lt=cutoff)
    elif status == STATUS_NOT_STARTED:
        rows = rows.filter(enrollment_id__isnull=False, completed_at__isnull=True).exclude(started_at__lt=cutoff)
    elif status == STATUS_NOT_ENROLLED:
        rows = rows.filter(enrollment_id__isnull=True)
    return rows


def drilldown_status(row: dict, cutoff) -> str:
    if row["completed_at"]:
        return STATUS_COMPLETED
    if row["enrollment_id"] is None:
        return STATUS_NOT_ENROLLED
    if row["started_at"] and row["started_at"] < cutoff:
        return STATUS_IN_PROGRESS
    return STATUS_NOT_STARTED


# --- all mandatory courses -----------------------------------------------------------------------


def _mandatory_population(*, user, filters: ReportFilters, opd=None, scope=None):
    """The live mandatory courses (audiences loaded) and the active employees in scope."""
    courses = [c for c in courses_with_audience() if c.mandatory]
    employees = _in_scope(Employee.objects.filter(active=True), user, scope)
    if filters.opd_kind:
        employees = employees.filter(opd__kind=filters.opd_kind)
    if filters.employment_type:
        employees = employees.filter(employment_type=filters.employment_type)
    if opd is not None:
        employees = employees.filter(opd=opd)
    return courses, employees


def _mandatory_counts(*, user, filters: ReportFilters, scope=None) -> list[tuple[int, int, int, int, int]]:
    """Per OPD: (opd id, employees, enrolled, in progress, completed) for "all mandatory
    courses", aggregated in the database in one query; the same rules as
    `_mandatory_states` (which a test holds it to), without loading each employee."""
    from functools import reduce
    from operator import or_

    from django.db.models import Case, F, IntegerField, Value, When

    courses, employees = _mandatory_population(user=user, filters=filters, scope=scope)
    if not courses:
        return []
    cutoff = filters.cutoff
    applicable = reduce(or_, [Q(m__course_id=c.pk) & c.audience_q() for c in courses])
    needed = reduce(lambda a, b: a + b, [Case(When(c.audience_q(), then=Value(1)), default=Value(0), output_field=IntegerField()) for c in courses])
    per_employee = (
        employees.annotate(m=FilteredRelation("enrollments", condition=Q(enrollments__course__in=[c.pk for c in courses], enrollments__enrolled_at__lt=cutoff)))
        .values("pk")
        .annotate(
            e_opd=F("opd_id"), n_needed=needed, n_enrolled=Count("m", filter=applicable),
            n_done=Count("m", filter=applicable & Q(m__completed_at__lt=cutoff)), n_started=Count("m", filter=applicable & Q(m__started_at__lt=cutoff)),
        )
    )
    select = (
        "e_opd, SUM(CASE WHEN n_needed > 0 THEN 1 ELSE 0 END), SUM(CASE WHEN n_needed > 0 AND n_enrolled > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN n_needed > 0 AND n_done < n_needed AND n_started > 0 THEN 1 ELSE 0 END), "
        "SUM(CASE WHEN n_needed > 0 AND n_done >= n_needed THEN 1 ELSE 0 END)"
    )
    rows = _grouped(per_employee, select, "e_opd")
    return [tuple(int(v or 0) for v in row) for row in rows if row[1]]


def _mandatory_states(*, user, filters: ReportFilters, opd=None, scope=None):
    """Per active employee in scope who has at least one applicable mandatory course:
    (employee id, opd id, state), state in not_enrolled / not_started / in_progress /
    completed (all applicable mandatory courses completed by the cutoff). Two queries
    (the courses and their audiences come from the cached list), whatever the number of OPDs."""
    cutoff = filters.cutoff
    courses, employees = _mandatory_population(user=user, filters=filters, opd=opd, scope=scope)

    def applicable(opd_id, employment_type):
        return frozenset(
            c.pk for c in courses
            if employment_type in c.audience_employment_types and (not c.audience_opd_ids or opd_id in c.audience_opd_ids)
        )

    progress: dict[int, list[tuple[int, bool, bool]]] = {}
    for employee_id, course_id, started_at, completed_at in Enrollment.objects.filter(
        course__in=courses, employee__in=employees.values("pk"), enrolled_at__lt=cutoff
    ).values_list("employee_id", "course_id", "started_at", "completed_at"):
        progress.setdefault(employee_id, []).append(
            (course_id, bool(started_at and started_at < cutoff), bool(completed_at and completed_at < cutoff))
        )
    states = []
    for employee_id, opd_id, employment_type in employees.values_list("pk", "opd_id", "employment_type"):
        needed = applicable(opd_id, employment_type)
        if not needed:
            continue
        mine = [item for item in progress.get(employee_id, []) if item[0] in needed]
        done = {course_id for course_id, _started, completed in mine if completed}
        if needed <= done:
            state = STATUS_COMPLETED
        elif not mine:
            state = STATUS_NOT_ENROLLED
        elif any(started for _c, started, _done in mine):
            state = STATUS_IN_PROGRESS
        else:
            state = STATUS_NOT_STARTED
        states.append((employee_id, opd_id, state))
    return states


def mandatory_report(*, user, filters: ReportFilters, scope=None) -> CompletionReport:
    """`scope` (a queryset of OPDs) replaces the user's scope: an OPD head reviewing their
    own OPD holds no staff role."""
    counts = _mandatory_counts(user=user, filters=filters, scope=scope)
    opds = _opds_by_id([opd_id for opd_id, *_n in counts], filters.cutoff)
    rows = [
        OpdRow(opd_id=opd_id, code=opds[opd_id].code, name=opds[opd_id].name, kind=opds[opd_id].kind, employees=employees, enrolled=enrolled,
               in_progress=in_progress, completed=completed)
        for opd_id, employees, enrolled, in_progress, completed in counts
    ]
    return CompletionReport(filters=filters, rows=sorted(rows, key=lambda r: r.name), opds=opds)


def mandatory_drilldown(*, user, filters: ReportFilters, opd, status: str = "") -> list[dict]:
    states = {employee_id: state for employee_id, _opd, state in _mandatory_states(user=user, filters=filters, opd=opd)}
    certificates: dict[int, list[str]] = {}
    for employee_id, number in Certificate.objects.filter(
        employee_id__in=states, course__mandatory=True, is_current=True, issued_at__lt=filters.cutoff
    ).values_list("employee_id", "number"):
        certificates.setdefault(employee_id, []).append(number)
    courses = [c.pk for c in courses_with_audience() if c.mandatory]
    lessons_done = dict(
        LessonProgress.objects.filter(
            enrollment__employee_id__in=states, enrollment__course_id__in=courses, completed_at__lt=filters.cutoff
        )
        .values("enrollment__employee_id")
        .annotate(n=Count("pk"))
        .values_list("enrollment__employee_id", "n")
    )
    last_activity = dict(
        Enrollment.objects.filter(
            employee_id__in=states, course_id__in=courses, enrolled_at__lt=filters.cutoff, last_activity_at__lt=filters.cutoff
        )
        .values("employee_id")
        .annotate(at=Max("last_activity_at"))
        .values_list("employee_id", "at")
    )
    rows = []
    for employee in Employee.objects.filter(pk__in=states).order_by("full_name").values("pk", "nip", "full_name", "position", "employment_type"):
        state = states[employee["pk"]]
        if status and state != status:
            continue
        rows.append({**employee, "status": state, "lessons_done": lessons_done.get(employee["pk"], 0),
                     "last_activity": last_activity.get(employee["pk"]),
                     "certificate": ", ".join(sorted(certificates.get(employee["pk"], [])))})
    return rows


# --- JP ledger -------------------------------------------------------------------------------------

JP_TARGET = 20  # PP 11/2017 Pasal 203 ayat (4) jo. PP 17/2020


def jp_ledger(*, user, year: int, opd=None, below_only: bool = True):
    """Active employees in scope with the JP of the courses they completed in `year` (WITA),
    fewest first. A completion counts the JP printed on its current certificate (frozen at
    issue, so a later change of the course's JP does not rewrite the past), none when that
    certificate was revoked, and the course's JP while its certificate is still being issued.
    One query; the caller paginates."""
    from django.db.models import Case, F, IntegerField, Sum, When
    from django.db.models.functions import Coalesce

    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    employees = Employee.objects.filter(active=True, opd__in=opds_visible_to(user).values("pk"))
    if opd is not None:
        employees = employees.filter(opd=opd)
    certified = (
        Certificate.objects.filter(enrollment=OuterRef("pk"), is_current=True)
        .annotate(counted=Case(When(revoked_at__isnull=True, then=F("jp_hours")), default=0, output_field=IntegerField()))
        .values("counted")[:1]
    )
    per_employee = (
        Enrollment.objects.filter(
            employee=OuterRef("pk"), status=EnrollmentStatus.COMPLETED, completed_at__gte=start, completed_at__lt=end
        )
        .annotate(
            counted=Coalesce(Subquery(certified, output_field=IntegerField()), F("course__jp_hours"), output_field=IntegerField())
        )
        .values("employee")
        .annotate(total=Sum("counted"))
        .values("total")
    )
    rows = employees.annotate(jp=Coalesce(Subquery(per_employee, output_field=IntegerField()), 0))
    if below_only:
        rows = rows.filter(jp__lt=JP_TARGET)
    return rows.values("pk", "nip", "full_name", "position", "opd__code", "opd__name", "jp").order_by("jp", "opd__name", "full_name")


# --- learning gain ---------------------------------------------------------------------------------


@dataclass
class GainRow:
    code: str
    name: str
    pretest: float | None
    final: float | None
    pretest_n: int
    final_n: int

    @property
    def difference(self) -> float | None:
        if self.pretest is None or self.final is None:
            return None
        return round(self.final - self.pretest, 1)


def _grouped(queryset, outer_select: str, group_by: str) -> list[tuple]:
    """Aggregate the rows of an already grouped `queryset` a second time, in the database
    (SELECT `outer_select` FROM (queryset) GROUP BY `group_by`): one query."""
    from django.db import connection

    inner, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {outer_select} FROM ({inner}) grouped GROUP BY {group_by}", params)
        return cursor.fetchall()


def learning_gain(*, user, filters: ReportFilters) -> list[GainRow]:
    """For a course with a pre-test: per OPD, the average of each employee's first graded
    pre-test score and of their best final-quiz score (by the cutoff), and the difference.
    Empty when the course has no pre-test attempts. Aggregated in the database: three
    queries whatever the number of attempts."""
    from django.db.models import Avg, F, Max

    from organizations.models import Opd
    from quizzes.models import Attempt, AttemptState, QuizKind

    if filters.course is None:
        return []
    graded = (
        Attempt.objects.filter(quiz__course=filters.course, employee__in=_roster(user, filters).values("pk"), finished_at__lt=filters.cutoff, score__isnull=False)
        .exclude(state=AttemptState.IN_PROGRESS)
    )
    pretests = graded.filter(quiz__kind=QuizKind.PRETEST)
    first = pretests.filter(employee=OuterRef("employee")).order_by("number", "finished_at", "pk").values("pk")[:1]
    pre = {
        item["employee__opd_id"]: (item["mean"], item["n"])
        for item in pretests.filter(pk=Subquery(first)).values("employee__opd_id").annotate(mean=Avg("score"), n=Count("pk")).order_by()
    }
    if not pre:
        return []
    best = graded.filter(quiz__kind=QuizKind.FINAL).values("employee_id").annotate(e_opd=F("employee__opd_id"), best=Max("score")).order_by()
    final = {opd_id: (mean, n) for opd_id, mean, n in _grouped(best, "e_opd, AVG(best), COUNT(*)", "e_opd")}
    opds = {o.pk: o for o in Opd.objects.filter(pk__in=set(pre) | set(final)).only("code", "name")}

    def mean(value):
        return None if value is None else round(float(value), 1)

    return sorted(
        (
            GainRow(code=opd.code, name=opd.name, pretest=mean(pre.get(opd_id, (None, 0))[0]), final=mean(final.get(opd_id, (None, 0))[0]),
                    pretest_n=pre.get(opd_id, (None, 0))[1], final_n=final.get(opd_id, (None, 0))[1])
            for opd_id, opd in opds.items()
        ),
        key=lambda row: row.name,
    )


# --- leadership commitment -----------------------------------------------------------------------


def heads_attach(report: CompletionReport) -> CompletionReport:
    """Set `row.head` on each row whose OPD has a head: the head's name, whether they
    completed, by the cutoff, every mandatory course of their audience and every course meant
    for OPD heads (`for_opd_heads`, e.g. "Kepemimpinan Antikorupsi bagi Kepala OPD"), and
    their last "reviewed the OPD's progress" before it. One query (the OPDs came with the
    report). This is the evidence for KPK's indicator on the OPD heads' commitment."""
    cutoff = report.filters.cutoff
    heads = {row.opd_id: report.opds[row.opd_id] for row in report.rows if report.opds.get(row.opd_id) and report.opds[row.opd_id].head_id}
    if not heads:
        return report
    courses = [c for c in courses_with_audience() if c.mandatory or c.for_opd_heads]
    done = set(
        Enrollment.objects.filter(employee__in=[o.head_id for o in heads.values()], course__in=[c.pk for c in courses], completed_at__lt=cutoff)
        .values_list("employee_id", "course_id")
    )
    # Whom each course is for, read once: `audience_includes` per head and course rebuilt
    # the list of employment types 9,000 times at 500 OPDs. The same rule as audience_includes.
    audiences = [(c.pk, frozenset(c.audience_employment_types), c.audience_opd_ids) for c in courses]
    for row in report.rows:
        opd = heads.get(row.opd_id)
        if opd is None:
            continue
        head = opd.head
        needed = {
            pk for pk, types, opd_ids in audiences
            if head.active and head.employment_type in types and (not opd_ids or head.opd_id in opd_ids)
        }
        row.head = {
            "name": opd.head.full_name,
            "completed": bool(needed) and all((opd.head_id, course_id) in done for course_id in needed),
            "last_review": opd.last_review,
        }
    return report


# --- evidence pack: every OPD in scope, and who has not finished ----------------------------------


def report_include_every_opd(report: CompletionReport, scope) -> dict[int, int]:
    """Add an empty row to `report` for each OPD of `scope` that it left out (nobody in the
    audience), so a document can show them instead of dropping them; keep the rows by name.
    Returns each OPD's active roster size (0: nobody on the roster). Two queries."""
    from organizations.models import Opd

    roster = dict(
        Employee.objects.filter(active=True, opd__in=scope.values("pk")).values("opd_id").annotate(n=Count("pk")).order_by().values_list("opd_id", "n")
    )
    missing = set(Opd.objects.filter(pk__in=scope.values("pk")).values_list("pk", flat=True)) - {row.opd_id for row in report.rows}
    if missing:
        report.opds.update(_opds_by_id(missing, report.filters.cutoff))
        report.rows.extend(
            OpdRow(opd_id=pk, code=report.opds[pk].code, name=report.opds[pk].name, kind=report.opds[pk].kind) for pk in missing
        )
        report.rows.sort(key=lambda row: (row.name, row.code))
    return {row.opd_id: roster.get(row.opd_id, 0) for row in report.rows}


@dataclass(slots=True)
class Gap:
    """One employee and one applicable mandatory course they had not completed by the cutoff."""

    opd_id: int
    employee_id: int
    nip: str
    full_name: str
    position: str
    employment_type: str
    course_id: int
    status: str  # not_enrolled / not_started / in_progress
    last_activity: datetime.datetime | None


def mandatory_gaps(*, filters: ReportFilters, scope) -> list[Gap]:
    """Per active employee of `scope` and per mandatory course of their audience not
    completed by the cutoff: a `Gap`, by OPD then name. Two queries whatever the number of
    OPDs or employees (the courses come from the cached list)."""
    cutoff = filters.cutoff
    courses, employees = _mandatory_population(user=None, filters=filters, scope=scope)
    if not courses:
        return []
    enrollments = {
        (employee_id, course_id): (started_at, completed_at, last_activity)
        for employee_id, course_id, started_at, completed_at, last_activity in Enrollment.objects.filter(
            course__in=[c.pk for c in courses], employee__in=employees.values("pk"), enrolled_at__lt=cutoff
        ).values_list("employee_id", "course_id", "started_at", "completed_at", "last_activity_at")
    }
    gaps = []
    for pk, opd_id, nip, full_name, position, employment_type in employees.order_by("opd_id", "full_name", "pk").values_list(
        "pk", "opd_id", "nip", "full_name", "position", "employment_type"
    ):
        for course in courses:
            if employment_type not in course.audience_employment_types or (course.audience_opd_ids and opd_id not in course.audience_opd_ids):
                continue
            started_at, completed_at, last_activity = enrollments.get((pk, course.pk), (None, None, None))
            if completed_at and completed_at < cutoff:
                continue
            if (pk, course.pk) not in enrollments:
                status = STATUS_NOT_ENROLLED
            elif started_at and started_at < cutoff:
                status = STATUS_IN_PROGRESS
            else:
                status = STATUS_NOT_STARTED
            activity = last_activity if last_activity and last_activity < cutoff else (started_at if started_at and started_at < cutoff else None)
            gaps.append(Gap(opd_id=opd_id, employee_id=pk, nip=nip or "", full_name=full_name, position=position,
                            employment_type=employment_type, course_id=course.pk, status=status, last_activity=activity))
    return gaps
