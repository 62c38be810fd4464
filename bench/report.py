"""The completion report at province scale, on PostgreSQL.

    .venv/bin/python bench/report.py [--employees 100000 --opds 500 --courses 10] [--regenerate] [--repeat 5]

In the `integritas_bench_report` database, its own (created if missing; filled by
`generate_bench_data` unless it already holds data of that size, or with --regenerate; no other
bench seeds OPDs into it), it measures, in one run:

- the report view for all OPDs and one course, and for "all mandatory courses": server
  time (the view called with an HR user loaded as the session middleware would, template
  rendered with the admin chrome; median of --repeat runs) and its query count (the
  chrome's own queries included);
- the raw SQL aggregate computing the same per-OPD numbers, in the same run (the floor), run
  in turn with the view;
- that the view's totals equal the raw aggregate's totals.

Goal: time ≤ 2× the raw aggregate and at most 10 queries whatever the number of OPDs.
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import bench_database, bench_env, manage  # noqa: E402

SCRIPT = r'''
import copy, statistics, time
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from courses.models import CoursePage
from organizations.models import Role
from organizations.services import role_assign
from reports.selectors import ReportFilters
from reports.views import completion_view

REPEAT = {repeat}
User = __import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
hr, created = User.objects.get_or_create(email="bench-hr@bench.integritas.test", defaults={{"username": "bench-hr"}})
if created:
    role_assign(user=hr, role=Role.HR, acting_user=None)
course = CoursePage.objects.filter(slug="bench-kursus-01").first()
cutoff = ReportFilters(course=None, as_of=timezone.localdate()).cutoff

ONE_COURSE = """
SELECT e.opd_id, count(*) AS employees,
       count(en.id) FILTER (WHERE en.enrolled_at < %(cutoff)s) AS enrolled,
       count(en.id) FILTER (WHERE en.started_at < %(cutoff)s AND (en.completed_at IS NULL OR en.completed_at >= %(cutoff)s)) AS in_progress,
       count(en.id) FILTER (WHERE en.completed_at < %(cutoff)s) AS completed
FROM organizations_employee e
LEFT JOIN courses_enrollment en ON en.employee_id = e.id AND en.course_id = %(course)s
WHERE e.active AND e.employment_type = ANY(%(types)s)
GROUP BY e.opd_id
"""

ALL_MANDATORY = """
WITH courses AS (
    SELECT c.page_ptr_id AS id, c.audience_pns, c.audience_pppk, c.audience_non_asn,
           array_remove(array_agg(a.opd_id), NULL) AS opds
    FROM courses_coursepage c JOIN wagtailcore_page p ON p.id = c.page_ptr_id
    LEFT JOIN courses_coursepage_audience_opds a ON a.coursepage_id = c.page_ptr_id
    WHERE c.mandatory AND p.live GROUP BY c.page_ptr_id
), needed AS (
    SELECT e.id AS employee_id, e.opd_id, c.id AS course_id
    FROM organizations_employee e JOIN courses c
      ON ((e.employment_type = 'PNS' AND c.audience_pns) OR (e.employment_type = 'PPPK' AND c.audience_pppk)
          OR (e.employment_type = 'NON_ASN' AND c.audience_non_asn))
     AND (cardinality(c.opds) = 0 OR e.opd_id = ANY(c.opds))
    WHERE e.active
), per_employee AS (
    SELECT n.employee_id, n.opd_id, count(*) AS needed, count(en.id) AS enrolled,
           count(en.id) FILTER (WHERE en.completed_at < %(cutoff)s) AS done,
           bool_or(en.started_at < %(cutoff)s) AS started
    FROM needed n LEFT JOIN courses_enrollment en
      ON en.employee_id = n.employee_id AND en.course_id = n.course_id AND en.enrolled_at < %(cutoff)s
    GROUP BY n.employee_id, n.opd_id
)
SELECT opd_id, count(*) AS employees, count(*) FILTER (WHERE enrolled > 0) AS enrolled,
       count(*) FILTER (WHERE done < needed AND started) AS in_progress,
       count(*) FILTER (WHERE done = needed) AS completed
FROM per_employee GROUP BY opd_id
"""

def raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()

def totals(rows):
    return tuple(sum(r[i] for r in rows) for i in range(1, 5))

def timed_pair(first, second):
    """Median times of `first` and `second`, run in turn REPEAT times: the floor and the view
    share whatever the database and the machine did meanwhile (hint bits, caches, neighbours)."""
    times, results = ([], []), [None, None]
    for _ in range(REPEAT):
        for index, func in enumerate((first, second)):
            started = time.perf_counter()
            results[index] = func()
            times[index].append(time.perf_counter() - started)
    return statistics.median(times[0]), results[0], statistics.median(times[1]), results[1]

user = User.objects.get(pk=hr.pk)  # the request's user, as the session middleware loads it
PER_REQUEST = ("_integritas_active_roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache")

def view(course_value):
    request = RequestFactory().get("/admin/laporan/penyelesaian/", {{"course": course_value}})
    request.user = copy.copy(user)
    for name in PER_REQUEST:  # nothing cached from an earlier request
        request.user.__dict__.pop(name, None)
    response = completion_view(request)
    response.render()
    return response

types = [t for t, on in (("PNS", course.audience_pns), ("PPPK", course.audience_pppk), ("NON_ASN", course.audience_non_asn)) if on]
for label, course_value, sql, params in (
    ("one_course", str(course.pk), ONE_COURSE, {{"cutoff": cutoff, "course": course.pk, "types": types}}),
    ("all_mandatory", "wajib", ALL_MANDATORY, {{"cutoff": cutoff}}),
):
    view(course_value)  # warm: templates, content caches
    raw_s, raw_rows, view_s, response = timed_pair(lambda: raw(sql, params), lambda: view(course_value))
    with CaptureQueriesContext(connection) as queries:
        view(course_value)
    report = response.context_data["report"]
    page = (report.totals.employees, report.totals.enrolled, report.totals.in_progress, report.totals.completed)
    print(f"RESULT label={{label}} opds={{len(report.rows)}} raw_ms={{raw_s * 1000:.1f}} view_ms={{view_s * 1000:.1f}} "
          f"queries={{len(queries)}} page={{','.join(map(str, page))}} raw={{','.join(map(str, totals(raw_rows)))}}")
'''


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--opds", type=int, default=500)
    parser.add_argument("--courses", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args()
    env = bench_env(bench_database("report"), "report")
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    # only generate_bench_data's OPDs (BENCH-0001…): the certificate bench's BENCH-CERT must not
    # make every report run after it regenerate 100,000 employees
    have = manage(env, "shell", "-c", "from organizations.models import Employee; "
                  "print(Employee.objects.filter(opd__code__regex=r'^BENCH-[0-9]{4}$').count())", capture=True)
    if args.regenerate or int(have.strip().splitlines()[-1]) != args.employees:
        manage(env, "generate_bench_data", "--employees", str(args.employees), "--opds", str(args.opds), "--courses", str(args.courses), "--force")
    output = manage(env, "shell", "-c", SCRIPT.format(repeat=args.repeat), capture=True)
    print(f"\nCompletion report benchmark (PostgreSQL, {args.employees} employees, {args.opds} OPDs, {args.courses} courses; "
          f"median of {args.repeat})\n")
    for line in output.splitlines():
        if not line.startswith("RESULT "):
            continue
        r = dict(item.split("=", 1) for item in line[7:].split(" "))
        ratio = float(r["view_ms"]) / float(r["raw_ms"])
        queries = int(r["queries"])
        verdict = "met" if ratio <= 2 and queries <= 10 else "NOT met"
        same = "equal" if r["page"] == r["raw"] else f"DIFFERENT (page {r['page']} vs raw {r['raw']})"
        print(f"{r['label']:<14} {r['opds']} OPD rows; raw SQL aggregate {r['raw_ms']} ms, report view {r['view_ms']} ms, "
              f"ratio {ratio:.2f} (goal ≤ 2), {queries} queries (goal ≤ 10): {verdict}; totals {same} ({r['page']})")


if __name__ == "__main__":
    main()
