"""Completion per OPD: numbers from the roster, scope, transfers, as-of dates, exports."""

import datetime
import io
import random

import pytest
from django.utils import timezone

from courses.models import Enrollment, EnrollmentSource, EnrollmentStatus
from reports.selectors import ReportFilters, completion_report, jp_ledger

from .factories import EmployeeFactory, OpdFactory, UserFactory
from .pinned import SESSION_QUERY


def _enrol(employee, course, *, state, when):
    """An enrollment in `state` (not_started / in_progress / completed) dated `when`."""
    kwargs = {"employee": employee, "course": course, "source": EnrollmentSource.AUTOMATIC, "enrolled_at": when}
    if state in ("in_progress", "completed"):
        kwargs.update(status=EnrollmentStatus.IN_PROGRESS, started_at=when)
    if state == "completed":
        kwargs.update(status=EnrollmentStatus.COMPLETED, completed_at=when, completed_opd=employee.opd)
    return Enrollment.objects.create(**kwargs)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_report_numbers_equal_an_independent_count(hr, make_course, seed):
    rng = random.Random(seed)
    course = make_course(lessons=1)
    opds = [OpdFactory(code=f"R{seed}-{i}") for i in range(3)]
    now = timezone.now()
    people = []
    for _ in range(40):
        employee = EmployeeFactory(opd=rng.choice(opds), active=rng.random() > 0.1)
        state = rng.choice(["none", "not_started", "in_progress", "completed"])
        if state != "none":
            _enrol(employee, course, state=state, when=now - datetime.timedelta(days=rng.randint(0, 3)))
        people.append((employee, state))
    report = completion_report(user=hr, filters=ReportFilters(course=course, as_of=timezone.localdate()))
    by_code = {row.code: row for row in report.rows}
    for opd in opds:
        mine = [(e, s) for e, s in people if e.opd_id == opd.pk and e.active]
        row = by_code.get(opd.code)
        assert (row.employees if row else 0) == len(mine)
        assert (row.enrolled if row else 0) == sum(1 for _e, s in mine if s != "none")
        assert (row.in_progress if row else 0) == sum(1 for _e, s in mine if s == "in_progress")
        assert (row.completed if row else 0) == sum(1 for _e, s in mine if s == "completed")
    assert report.totals.employees == sum(1 for e, _s in people if e.active)


def test_a_transferred_employee_is_counted_once_in_the_right_place(hr, make_course, opd_a, opd_b):
    course = make_course(lessons=1)
    mover = EmployeeFactory(opd=opd_a)
    _enrol(mover, course, state="completed", when=timezone.now())
    EmployeeFactory(opd=opd_a)
    mover.opd = opd_b
    mover.save()
    today = timezone.localdate()
    current = {r.code: r for r in completion_report(user=hr, filters=ReportFilters(course=course, as_of=today)).rows}
    assert (current["OPD-A"].employees, current["OPD-A"].completed) == (1, 0)
    assert (current["OPD-B"].employees, current["OPD-B"].completed) == (1, 1)
    at_completion = {r.code: r for r in completion_report(user=hr, filters=ReportFilters(course=course, as_of=today, attribution="completion")).rows}
    assert at_completion["OPD-A"].completed == 1 and at_completion["OPD-B"].completed == 0
    assert sum(r.completed for r in at_completion.values()) == 1


def test_as_of_date_cuts_at_the_end_of_the_day(hr, make_course, opd_a):
    course = make_course(lessons=1)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late_yesterday = timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(23, 30)))
    _enrol(EmployeeFactory(opd=opd_a), course, state="completed", when=late_yesterday)
    _enrol(EmployeeFactory(opd=opd_a), course, state="completed", when=timezone.now())
    row = completion_report(user=hr, filters=ReportFilters(course=course, as_of=yesterday)).rows[0]
    assert (row.employees, row.completed) == (2, 1)


def test_course_audience_is_the_denominator(hr, make_course, opd_a, opd_b):
    course = make_course(lessons=1, opds=[opd_a])
    EmployeeFactory(opd=opd_a)
    EmployeeFactory(opd=opd_b)
    rows = completion_report(user=hr, filters=ReportFilters(course=course, as_of=timezone.localdate())).rows
    assert [(r.code, r.employees) for r in rows] == [("OPD-A", 1)]


def test_report_page_scope_and_future_dates(client, hr, coordinator_a, make_course, opd_a, opd_b):
    course = make_course(lessons=1)
    EmployeeFactory(opd=opd_a)
    EmployeeFactory(opd=opd_b)
    client.force_login(hr)
    body = client.get("/admin/laporan/penyelesaian/", {"course": course.pk}).content.decode()
    assert 'data-opd="OPD-A"' in body and 'data-opd="OPD-B"' in body
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert "tidak boleh di masa depan" in client.get("/admin/laporan/penyelesaian/", {"as_of": future}).content.decode()
    client.force_login(coordinator_a)
    body = client.get("/admin/laporan/penyelesaian/", {"course": course.pk}).content.decode()
    assert 'data-opd="OPD-A"' in body and 'data-opd="OPD-B"' not in body
    assert client.get(f"/admin/laporan/penyelesaian/opd/{opd_b.pk}/").status_code == 404
    assert client.get(f"/admin/laporan/penyelesaian/opd/{opd_b.pk}/", {"format": "xlsx"}).status_code == 404


def test_drilldown_statuses_and_certificate_column(client, hr, make_course, opd_a):
    course = make_course(lessons=1)
    done = EmployeeFactory(opd=opd_a, full_name="Ani Selesai")
    _enrol(done, course, state="completed", when=timezone.now())
    EmployeeFactory(opd=opd_a, full_name="Budi Belum")
    client.force_login(hr)
    url = f"/admin/laporan/penyelesaian/opd/{opd_a.pk}/"
    body = client.get(url, {"course": course.pk}).content.decode()
    assert "Ani Selesai" in body and "Budi Belum" in body and "Belum terdaftar" in body
    body = client.get(url, {"course": course.pk, "status": "completed"}).content.decode()
    assert "Ani Selesai" in body and "Budi Belum" not in body


def test_exports_match_the_page_and_are_formula_safe(client, hr, make_course):
    from openpyxl import load_workbook

    course = make_course(lessons=1)
    evil = OpdFactory(code="EVIL", name="=HYPERLINK(\"http://x\")")
    for state in ("completed", "in_progress", "none"):
        employee = EmployeeFactory(opd=evil)
        if state != "none":
            _enrol(employee, course, state=state, when=timezone.now())
    client.force_login(hr)
    response = client.get("/admin/laporan/penyelesaian/", {"course": course.pk, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Laporan Penyelesaian Pelatihan" and ("Kursus", course.title) == rows[1][:2]
    header = rows.index(("kode_opd", "opd", "pegawai_aktif", "terdaftar", "sedang_berjalan", "selesai", "persen_selesai"))
    data = rows[header + 1]
    assert data[1].startswith("'=") and data[2:6] == (3, 2, 1, 1)
    csv_body = client.get("/admin/laporan/penyelesaian/", {"course": course.pk, "format": "csv"}).content.decode("utf-8-sig")
    assert "EVIL,\"'=HYPERLINK" in csv_body
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="integritas.report_export", user=hr).count() == 2


def test_report_queries_do_not_grow_with_opds(client, hr, make_course, django_assert_max_num_queries):
    course = make_course(lessons=1)
    for i in range(12):
        EmployeeFactory(opd=OpdFactory(code=f"Q{i}"))
    client.force_login(hr)
    client.get("/admin/laporan/penyelesaian/", {"course": course.pk})
    with django_assert_max_num_queries(20):
        client.get("/admin/laporan/penyelesaian/", {"course": course.pk})


def test_report_page_query_count_is_pinned_whatever_the_number_of_opds(client, hr, make_course):
    """The rows and chart come from the template: rendering them issues no query per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Opd

    course = make_course(lessons=1)
    client.force_login(hr)
    counts = []
    for size in (2, 30):
        while Opd.objects.count() < size:
            n = Opd.objects.count()
            opd = OpdFactory(code=f"P{n}", name=f"Dinas {n}")
            head = EmployeeFactory(opd=opd)
            if n % 2:
                opd.head = head
                opd.save()
        for mode in (str(course.pk), "wajib"):
            client.get("/admin/laporan/penyelesaian/", {"course": mode})
            with CaptureQueriesContext(connection) as queries:
                body = client.get("/admin/laporan/penyelesaian/", {"course": mode}).content.decode()
            assert body.count("<tr data-opd=") == size + 1  # the rows and the total
            assert body.count("<g transform=") == size
            counts.append(len(queries.captured_queries))
    assert counts[:2] == counts[2:], counts
    assert counts == [REPORT_QUERIES] * 4, counts


# session (a cache read instead with cached_db: tests/pinned.py), user, roles and permissions,
# admin chrome (its sidebar kept: core/admin_sidebar.py), the report (test client; the bench
# counts 10 or fewer)
REPORT_QUERIES = 10 + SESSION_QUERY


def test_learners_and_editors_have_no_report(client, learner, editor):
    for user in (learner, editor):
        client.force_login(user)
        response = client.get("/admin/laporan/penyelesaian/")
        assert response.status_code == 302


def test_observer_reading_is_recorded(client, observer, make_course, opd_a):
    course = make_course(lessons=1)
    EmployeeFactory(opd=opd_a)
    client.force_login(observer)
    assert client.get("/admin/laporan/penyelesaian/", {"course": course.pk}).status_code == 200
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="integritas.report_view", user=observer).exists()


def test_all_mandatory_courses_counts_only_those_who_finished_every_applicable_one(client, hr, make_course, opd_a, opd_b):

    first, second = make_course(lessons=1), make_course(lessons=1)
    make_course(lessons=1, opds=[opd_b])  # does not apply to OPD A
    make_course(lessons=1, mandatory=False)  # optional: never required
    both = EmployeeFactory(opd=opd_a)
    one = EmployeeFactory(opd=opd_a)
    EmployeeFactory(opd=opd_a)  # enrolled in nothing yet
    EmployeeFactory(opd=opd_a, active=False)
    now = timezone.now()
    for course in (first, second):
        _enrol(both, course, state="completed", when=now)
    _enrol(one, first, state="completed", when=now)
    _enrol(one, second, state="not_started", when=now)
    b_person = EmployeeFactory(opd=opd_b)
    for course in (first, second):
        _enrol(b_person, course, state="completed", when=now)  # still missing only_b
    rows = {r.code: r for r in completion_report(user=hr, filters=ReportFilters(course=None, as_of=timezone.localdate())).rows}
    assert (rows["OPD-A"].employees, rows["OPD-A"].enrolled, rows["OPD-A"].completed) == (3, 2, 1)
    assert (rows["OPD-B"].employees, rows["OPD-B"].completed, rows["OPD-B"].in_progress) == (1, 0, 1)

    client.force_login(hr)
    body = client.get(f"/admin/laporan/penyelesaian/opd/{opd_a.pk}/", {"course": "wajib", "status": "completed"}).content.decode()
    assert both.full_name in body and one.full_name not in body
    page = client.get("/admin/laporan/penyelesaian/").content.decode()  # the default is all mandatory courses
    assert "Semua kursus wajib" in page and 'data-opd="OPD-A"' in page


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_all_mandatory_aggregate_in_the_database_equals_the_per_employee_rules(hr, make_course, seed):
    """The per-OPD "all mandatory" figures are aggregated in SQL; the drill-down and the
    evidence pack classify each employee in Python. Both must say the same, on random data
    with audiences by OPD and by employment type, inactive people, and dates around the cut."""
    from reports.selectors import _mandatory_states, mandatory_report

    rng = random.Random(seed)
    opds = [OpdFactory(code=f"M{seed}-{i}") for i in range(4)]
    courses = [
        make_course(lessons=1),
        make_course(lessons=1, opds=opds[:2]),
        make_course(lessons=1, audience_pns=True, audience_pppk=False, audience_non_asn=False),
        make_course(lessons=1, mandatory=False),
    ]
    now = timezone.now()
    for _ in range(60):
        kind = rng.choice(["PNS", "PPPK", "NON_ASN"])
        extra = {"nip": None} if kind == "NON_ASN" else {}
        employee = EmployeeFactory(opd=rng.choice(opds), active=rng.random() > 0.1, employment_type=kind, **extra)
        diligent = rng.random() < 0.3  # finishes everything, at some date
        for course in courses:
            state = "completed" if diligent else rng.choice(["none", "not_started", "in_progress", "completed"])
            if state != "none":
                _enrol(employee, course, state=state, when=now - datetime.timedelta(days=rng.choice([0, 1, 3])))
    for as_of in (timezone.localdate(), timezone.localdate() - datetime.timedelta(days=2)):
        filters = ReportFilters(course=None, as_of=as_of)
        expected = {}
        for _employee, opd_id, state in _mandatory_states(user=hr, filters=filters):
            row = expected.setdefault(opd_id, [0, 0, 0, 0])
            row[0] += 1
            row[1] += state != "not_enrolled"
            row[2] += state == "in_progress"
            row[3] += state == "completed"
        got = {r.opd_id: [r.employees, r.enrolled, r.in_progress, r.completed] for r in mandatory_report(user=hr, filters=filters).rows}
        assert got == expected and sum(v[3] for v in got.values()) > 0


def test_frozen_recap_keeps_the_numbers_shown_that_day(client, hr, observer, coordinator_a, make_course, opd_a):
    from reports.models import FrozenRecap
    from reports.services import recap_intact

    course = make_course(lessons=1)
    done = EmployeeFactory(opd=opd_a)
    _enrol(done, course, state="completed", when=timezone.now())
    EmployeeFactory(opd=opd_a)
    client.force_login(hr)
    response = client.post("/admin/laporan/bekukan/", {"course": course.pk, "as_of": timezone.localdate().isoformat(), "attribution": "current", "note": "Observasi KPK"})
    recap = FrozenRecap.objects.get()
    assert response.status_code == 302 and recap_intact(recap)
    assert recap.rows[0]["completed"] == 1 and recap.totals["employees"] == 2
    # later the live numbers move; the frozen recap does not
    _enrol(EmployeeFactory(opd=opd_a), course, state="completed", when=timezone.now())
    body = client.get(f"/admin/laporan/rekap-beku/{recap.pk}/").content.decode()
    assert recap.sha256 in body and "utuh" in body
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get(f"/admin/laporan/rekap-beku/{recap.pk}/", {"format": "xlsx"}).content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert ("SHA-256", recap.sha256) in [v[:2] for v in values]
    assert any(v[0] == "OPD-A" and v[2:6] == (2, 1, 0, 1) for v in values)
    # tampering shows
    FrozenRecap.objects.filter(pk=recap.pk).update(totals={**recap.totals, "completed": 2})
    assert "TIDAK COCOK" in client.get(f"/admin/laporan/rekap-beku/{recap.pk}/").content.decode()
    # observers read recaps but cannot freeze; coordinators see no city-wide recap
    client.force_login(observer)
    assert client.get(f"/admin/laporan/rekap-beku/{recap.pk}/").status_code == 200
    assert client.post("/admin/laporan/bekukan/", {"course": course.pk}).status_code == 302
    assert FrozenRecap.objects.count() == 1
    client.force_login(coordinator_a)
    assert client.get("/admin/laporan/rekap-beku/").status_code == 302


def test_jp_ledger_lists_who_is_below_twenty_jp_this_year(client, hr, coordinator_a, make_course, opd_a, opd_b):
    from openpyxl import load_workbook

    big, small = make_course(lessons=1, jp_hours=20), make_course(lessons=1, jp_hours=4)
    full = EmployeeFactory(opd=opd_a, full_name="Penuh JP")
    part = EmployeeFactory(opd=opd_a, full_name="Kurang JP")
    old = EmployeeFactory(opd=opd_a, full_name="JP Tahun Lalu")
    other = EmployeeFactory(opd=opd_b, full_name="Pegawai OPD B")
    now = timezone.now()
    _enrol(full, big, state="completed", when=now)
    _enrol(part, small, state="completed", when=now)
    _enrol(old, big, state="completed", when=now.replace(year=now.year - 1))
    client.force_login(hr)
    body = client.get("/admin/laporan/jp/").content.decode()
    assert "Kurang JP" in body and "JP Tahun Lalu" in body and other.full_name in body and "Penuh JP" not in body
    assert "4 / 20" in body
    assert "Penuh JP" in client.get("/admin/laporan/jp/", {"semua": "1"}).content.decode()
    assert "Tahun harus antara" in client.get("/admin/laporan/jp/", {"tahun": "3000"}).content.decode()
    sheet = load_workbook(io.BytesIO(client.get("/admin/laporan/jp/", {"format": "xlsx"}).content)).active
    assert any(row[1] == "Kurang JP" and row[5] == 4 for row in sheet.iter_rows(values_only=True))
    client.force_login(coordinator_a)
    body = client.get("/admin/laporan/jp/").content.decode()
    assert "Kurang JP" in body and other.full_name not in body
    assert client.get("/admin/laporan/jp/", {"opd": opd_b.pk}).status_code == 404


def test_learning_gain_per_opd(client, hr, make_course, make_quiz, opd_a):
    from quizzes.models import QuizKind
    from quizzes.services import attempt_start, attempt_submit

    course = make_course(lessons=1)
    pretest = make_quiz(course, kind=QuizKind.PRETEST, questions=2)
    final = make_quiz(course, kind=QuizKind.FINAL, questions=2, requires_lessons=False)
    for right_before, right_after in ((0, 2), (1, 2)):
        employee = EmployeeFactory(opd=opd_a)
        for quiz, right in ((pretest, right_before), (final, right_after)):
            attempt = attempt_start(quiz=quiz, employee=employee)
            answers = {str(q["id"]): [next(c["id"] for c in q["choices"] if c["correct"] == (i < right))] for i, q in enumerate(attempt.snapshot)}
            attempt_submit(attempt=attempt, answers=answers)
    # Someone who needed two tries at the final: their best counts.
    employee = EmployeeFactory(opd=opd_a)
    for quiz, right in ((pretest, 0), (final, 1), (final, 2)):
        attempt = attempt_start(quiz=quiz, employee=employee)
        answers = {str(q["id"]): [next(c["id"] for c in q["choices"] if c["correct"] == (i < right))] for i, q in enumerate(attempt.snapshot)}
        attempt_submit(attempt=attempt, answers=answers)
    client.force_login(hr)
    body = client.get("/admin/laporan/penyelesaian/", {"course": course.pk}).content.decode()
    assert "/admin/laporan/peningkatan/" in body
    body = client.get("/admin/laporan/peningkatan/", {"course": course.pk}).content.decode()
    assert 'id="peningkatan"' in body and "(n=3)" in body
    assert "Pilih satu kursus" in client.get("/admin/laporan/peningkatan/", {"course": "wajib"}).content.decode()
    from reports.selectors import ReportFilters, learning_gain

    [row] = learning_gain(user=hr, filters=ReportFilters(course=course, as_of=timezone.localdate()))
    assert (row.pretest, row.final, row.difference, row.pretest_n, row.final_n) == (16.7, 100.0, 83.3, 3, 3)


def test_opd_head_reviews_progress_and_the_report_shows_it(client, hr, make_course, opd_a):
    from reports.models import OpdReview

    course = make_course(lessons=1)
    head_user = UserFactory()
    head = EmployeeFactory(opd=opd_a, user=head_user, full_name="Kepala Dinas A")
    opd_a.head = head
    opd_a.save()
    _enrol(head, course, state="completed", when=timezone.now())
    EmployeeFactory(opd=opd_a)
    client.force_login(head_user)
    body = client.get("/belajar/").content.decode()
    assert "Anda tercatat sebagai kepala Dinas A" in body
    page = client.get(f"/belajar/opd/{opd_a.pk}/tinjau/").content.decode()
    assert "1</strong> / 2" in page
    assert client.post(f"/belajar/opd/{opd_a.pk}/tinjau/").status_code == 302
    review = OpdReview.objects.get()
    assert (review.completed, review.employees) == (1, 2)
    client.force_login(hr)
    body = client.get("/admin/laporan/penyelesaian/").content.decode()
    assert "Kepala Dinas A · ✓ selesai" in body


def test_only_the_head_can_review(client, learner, opd_a):
    client.force_login(learner)
    assert client.get(f"/belajar/opd/{opd_a.pk}/tinjau/").status_code == 404
    assert client.post(f"/belajar/opd/{opd_a.pk}/tinjau/").status_code == 404
    from reports.models import OpdReview

    assert not OpdReview.objects.exists()


# --- evidence pack -----------------------------------------------------------------------------------


def test_evidence_pack_holds_summary_recap_participants_manifest_and_matching_pdfs(tmp_path, make_course, opd_a, opd_b, django_capture_on_commit_callbacks):
    import csv
    import hashlib
    import zipfile

    from django.core.management import call_command

    from courses.services import lesson_complete

    course = make_course(lessons=1, title="Gratifikasi")
    with django_capture_on_commit_callbacks(execute=True):
        for opd in (opd_a, opd_a, opd_b):
            lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    EmployeeFactory(opd=opd_a)
    out = tmp_path / "bukti.zip"
    call_command("export_evidence", "--out", str(out), "--opd", "OPD-A", "--course", course.slug, stdout=io.StringIO())
    archive = zipfile.ZipFile(out)
    names = set(archive.namelist())
    assert {"00_ringkasan.pdf", "rekap.xlsx", "peserta.csv", "manifest.csv"} <= names
    manifest = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert len(manifest) == 2  # OPD B's certificate is out of scope
    for row in manifest:
        [name] = [n for n in names if n.startswith("sertifikat/OPD-A/") and row["nomor"].replace("/", "-") in n]
        assert hashlib.sha256(archive.read(name)).hexdigest() == row["sha256"]
    participants = archive.read("peserta.csv").decode("utf-8-sig")
    assert participants.count("\n") == 1 + 3 and "selesai" in participants
    from pypdf import PdfReader

    summary = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read("00_ringkasan.pdf"))).pages)
    assert hashlib.sha256(archive.read("manifest.csv")).hexdigest() in summary.replace("\n", "")
    assert "2 dari 3 pegawai aktif" in summary
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="integritas.evidence_pack").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--opd", "TIDAK-ADA"], "OPD tidak dikenal"),
        (["--course", "tidak-ada"], "Kursus tidak dikenal"),
        (["--as-of", "2999-01-01"], "masa depan"),
        (["--as-of", "kemarin"], "Tanggal tidak sah"),
    ],
)
def test_evidence_command_refuses_bad_input(tmp_path, db, args, message):
    from django.core.management import CommandError, call_command

    out = tmp_path / "bukti.zip"
    with pytest.raises(CommandError, match=message):
        call_command("export_evidence", "--out", str(out), *args)
    assert not out.exists()


def test_evidence_pack_with_an_empty_scope_is_refused(tmp_path, db):
    from django.core.management import CommandError, call_command

    from organizations.models import Opd

    Opd.objects.update(active=False)
    with pytest.raises(CommandError, match="Cakupan kosong"):
        call_command("export_evidence", "--out", str(tmp_path / "bukti.zip"))


# --- evidence pack built from the admin ---------------------------------------------------------------


def test_auditor_builds_the_pack_in_the_background_and_downloads_it(client, auditor, make_course, opd_a, opd_b, django_capture_on_commit_callbacks):
    import hashlib
    import zipfile

    from courses.services import lesson_complete
    from reports.models import EvidencePack, EvidencePackStatus

    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        for opd in (opd_a, opd_b):
            lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    client.force_login(auditor)
    assert "belum pernah membuat paket" in client.get("/admin/laporan/paket-bukti/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/laporan/paket-bukti/", {"opds": [opd_a.pk], "courses": [course.pk]})
    pack = EvidencePack.objects.get()
    assert response.url == f"/admin/laporan/paket-bukti/{pack.pk}/"
    assert pack.status == EvidencePackStatus.DONE and pack.opd_ids == [opd_a.pk]
    assert pack.summary == {"opds": 1, "employees": 1, "certificates": 1, "revoked": 0, "signed": False, "signing_problem": ""}
    assert pack.expires_at - pack.finished_at == datetime.timedelta(hours=24)
    body = client.get(response.url).content.decode()
    assert pack.sha256 in body and "Unduh paket bukti" in body and 'http-equiv="refresh"' not in body
    assert "Ringkasan tidak ditandatangani" in body and "sha256sum -c SHA256SUMS" in body
    download = client.get(f"/admin/laporan/paket-bukti/{pack.pk}/unduh/")
    content = b"".join(download.streaming_content)
    assert hashlib.sha256(content).hexdigest() == pack.sha256
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert [n for n in archive.namelist() if n.startswith("sertifikat/")] and all(n.startswith("sertifikat/OPD-A/") for n in archive.namelist() if n.startswith("sertifikat/"))
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(action="integritas.evidence_pack", data__sha256=pack.sha256).exists()
    assert ModelLogEntry.objects.filter(action="integritas.evidence_download").count() == 1


def test_pack_progress_is_visible_while_it_is_built(client, auditor, opd_a):
    from reports.models import EvidencePack

    pack = EvidencePack.objects.create(requested_by=auditor, as_of=timezone.localdate(), status="running", done=30, total=120, stage="sertifikat")
    client.force_login(auditor)
    body = client.get(f"/admin/laporan/paket-bukti/{pack.pk}/").content.decode()
    assert 'aria-valuenow="25"' in body and 'http-equiv="refresh"' in body and "30 dari 120" in body and "menyalin sertifikat" in body
    response = client.get(f"/admin/laporan/paket-bukti/{pack.pk}/unduh/")
    assert response.status_code == 302 and response.url == f"/admin/laporan/paket-bukti/{pack.pk}/"


def test_the_task_reapplies_the_requesters_scope(coordinator_a, make_course, opd_a, opd_b, django_capture_on_commit_callbacks):
    import zipfile

    from courses.services import lesson_complete
    from organizations.models import RoleAssignment
    from reports.evidence import evidence_pack_run
    from reports.models import EvidencePack

    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=True):
        for opd in (opd_a, opd_b):
            lesson_complete(employee=EmployeeFactory(opd=opd), lesson=course.test_lessons[0])
    # A request naming OPD B (tampered, or the coordinator moved since): only OPD A goes in.
    pack = EvidencePack.objects.create(requested_by=coordinator_a, as_of=timezone.localdate(), opd_ids=[opd_a.pk, opd_b.pk])
    evidence_pack_run(pack.pk)
    pack.refresh_from_db()
    assert pack.status == "done" and pack.summary["opds"] == 1
    names = zipfile.ZipFile(pack.file.open("rb")).namelist()
    assert not [n for n in names if "OPD-B" in n]
    assert evidence_pack_run(pack.pk) == ""  # a duplicated task does nothing
    # The role ends before the task runs: nothing is built.
    RoleAssignment.objects.filter(user=coordinator_a).delete()
    later = EvidencePack.objects.create(requested_by=coordinator_a, as_of=timezone.localdate())
    evidence_pack_run(later.pk)
    later.refresh_from_db()
    assert later.status == "failed" and "tidak lagi berwenang" in later.error and not later.file


def test_pack_requests_with_bad_input_change_nothing(client, auditor, coordinator_a, make_course, opd_a, opd_b, django_capture_on_commit_callbacks):
    from courses.services import lesson_complete
    from organizations.models import Opd
    from reports.models import EvidencePack

    course = make_course(lessons=1)
    lesson_complete(employee=EmployeeFactory(opd=opd_a), lesson=course.test_lessons[0])
    client.force_login(auditor)
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "tidak boleh di masa depan" in client.post("/admin/laporan/paket-bukti/", {"as_of": future}).content.decode()
    assert "Belum ada data pelatihan" in client.post("/admin/laporan/paket-bukti/", {"as_of": "2001-01-01"}).content.decode()
    client.force_login(coordinator_a)
    # another OPD's id is not a choice for the coordinator
    assert "bukan salah satu" in client.post("/admin/laporan/paket-bukti/", {"opds": [opd_b.pk]}).content.decode()
    Opd.objects.filter(pk=opd_a.pk).update(active=False)
    assert "Cakupan kosong" in client.post("/admin/laporan/paket-bukti/", {}).content.decode()
    assert EvidencePack.objects.count() == 0


def test_expired_packs_lose_their_file(client, auditor, make_course, opd_a, django_capture_on_commit_callbacks):
    from courses.services import lesson_complete
    from reports.evidence import evidence_packs_expire
    from reports.models import EvidencePack

    course = make_course(lessons=1)
    lesson_complete(employee=EmployeeFactory(opd=opd_a), lesson=course.test_lessons[0])
    client.force_login(auditor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/laporan/paket-bukti/", {"opds": [opd_a.pk]})
    pack = EvidencePack.objects.get()
    path = pack.file.path
    assert evidence_packs_expire() == 0
    assert evidence_packs_expire(now=pack.expires_at + datetime.timedelta(seconds=1)) == 1
    pack.refresh_from_db()
    import os

    assert pack.status == "expired" and not pack.file and not os.path.exists(path)
    response = client.get(f"/admin/laporan/paket-bukti/{pack.pk}/unduh/")
    assert response.status_code == 302
    assert "sudah dihapus karena kedaluwarsa" in client.get(response.url).content.decode()


# --- generated data at small scale ------------------------------------------------------------------


def test_generated_bench_data_reports_equal_an_independent_count(db, hr):
    """`generate_bench_data` at a small size, then every OPD's figures for each course and
    for all mandatory courses recounted from the raw rows in Python."""
    from django.core.management import call_command

    from certificates.models import Certificate
    from courses.models import CoursePage
    from organizations.models import Employee
    from reports.selectors import _mandatory_states, mandatory_report

    out = io.StringIO()
    call_command("generate_bench_data", "--employees", "400", "--opds", "6", "--courses", "3", "--seed", "3", stdout=out)
    assert "selesai" in out.getvalue()
    courses = list(CoursePage.objects.filter(slug__startswith="bench-kursus-").order_by("slug"))
    assert len(courses) == 3 and Employee.objects.count() == 400
    completed = Enrollment.objects.filter(status="completed")
    assert Certificate.objects.count() == completed.count() > 0
    assert Certificate.objects.exclude(opd_code__startswith="BENCH-").count() == 0
    as_of = timezone.localdate()
    cutoff = ReportFilters(course=None, as_of=as_of).cutoff
    employees = list(Employee.objects.all())
    enrollments = {(e.employee_id, e.course_id): e for e in Enrollment.objects.all()}
    for course in courses:
        types = {t for t, on in (("PNS", course.audience_pns), ("PPPK", course.audience_pppk), ("NON_ASN", course.audience_non_asn)) if on}
        expected = {}
        for person in employees:
            if not person.active or person.employment_type not in types:
                continue
            row = expected.setdefault(person.opd_id, [0, 0, 0, 0])
            row[0] += 1
            e = enrollments.get((person.pk, course.pk))
            if e and e.enrolled_at < cutoff:
                row[1] += 1
                row[2] += bool(e.started_at and e.started_at < cutoff and not (e.completed_at and e.completed_at < cutoff))
                row[3] += bool(e.completed_at and e.completed_at < cutoff)
        report = completion_report(user=hr, filters=ReportFilters(course=course, as_of=as_of))
        assert {r.opd_id: [r.employees, r.enrolled, r.in_progress, r.completed] for r in report.rows} == expected
    filters = ReportFilters(course=None, as_of=as_of)
    states = _mandatory_states(user=hr, filters=filters)
    report = mandatory_report(user=hr, filters=filters)
    assert report.totals.employees == len(states) and report.totals.completed == sum(1 for *_x, s in states if s == "completed")
    # A second run replaces the bench data instead of adding to it.
    call_command("generate_bench_data", "--employees", "50", "--opds", "2", "--courses", "1", stdout=io.StringIO())
    assert Employee.objects.count() == 50 and CoursePage.objects.filter(slug__startswith="bench-kursus-").count() == 1


def test_generate_bench_data_refuses_a_real_roster(db, opd_a):
    from django.core.management import CommandError, call_command

    EmployeeFactory(opd=opd_a)
    with pytest.raises(CommandError, match="pegawai sungguhan"):
        call_command("generate_bench_data", "--employees", "10", "--opds", "2", "--courses", "1")
    with pytest.raises(CommandError, match="Batas"):
        call_command("generate_bench_data", "--employees", "1", "--opds", "2", "--courses", "1", "--force")


def test_report_rows_escape_names_from_the_roster(client, hr, make_course):
    """Names from the roster are escaped by the template engine, in the rows and the chart."""
    course = make_course(lessons=1)
    opd = OpdFactory(code="X<1>", name='Dinas <script>alert("x")</script>')
    head = EmployeeFactory(opd=opd, full_name="Kepala <b>Tebal</b>")
    opd.head = head
    opd.save()
    client.force_login(hr)
    body = client.get("/admin/laporan/penyelesaian/", {"course": course.pk, "catatan": '"><script>'}).content.decode()
    assert "<script>alert" not in body and "&lt;script&gt;alert" in body
    assert "Kepala &lt;b&gt;Tebal&lt;/b&gt;" in body and 'data-opd="X&lt;1&gt;"' in body
    assert '"><script>' not in body
    assert 'fill="#1b2430">X&lt;1&gt;</text>' in body  # the chart label too


def test_all_mandatory_drilldown_shows_lessons_done_and_last_activity(hr, make_course, opd_a):
    from courses.models import LessonProgress
    from reports.selectors import mandatory_drilldown

    first, second = make_course(lessons=2), make_course(lessons=1)
    studying, idle = EmployeeFactory(opd=opd_a), EmployeeFactory(opd=opd_a)
    earlier, later = timezone.now() - datetime.timedelta(days=3), timezone.now() - datetime.timedelta(hours=2)
    for course, when in ((first, earlier), (second, later)):
        enrollment = _enrol(studying, course, state="in_progress", when=when)
        enrollment.last_activity_at = when
        enrollment.save()
        for lesson in course.get_children().specific():
            LessonProgress.objects.create(enrollment=enrollment, lesson=lesson)
    _enrol(idle, first, state="not_started", when=earlier)

    rows = {r["full_name"]: r for r in mandatory_drilldown(user=hr, filters=ReportFilters(course=None, as_of=timezone.localdate()), opd=opd_a)}

    assert rows[studying.full_name]["lessons_done"] == 3
    assert rows[studying.full_name]["last_activity"] == later
    assert rows[idle.full_name]["lessons_done"] == 0
    assert rows[idle.full_name]["last_activity"] is None


def test_the_heads_course_counts_for_the_leadership_indicator(hr, make_course, opd_a):
    from reports.selectors import heads_attach

    mandatory = make_course(lessons=1)
    leadership = make_course(lessons=1, mandatory=False, for_opd_heads=True, title="Kepemimpinan Antikorupsi bagi Kepala OPD")
    make_course(lessons=1, mandatory=False)  # an ordinary optional course: never required
    head = EmployeeFactory(opd=opd_a, full_name="Kepala Dinas A")
    opd_a.head = head
    opd_a.save()
    _enrol(head, mandatory, state="completed", when=timezone.now())

    def head_done():
        report = heads_attach(completion_report(user=hr, filters=ReportFilters(course=None, as_of=timezone.localdate())))
        return next(r for r in report.rows if r.opd_id == opd_a.pk).head["completed"]

    assert head_done() is False  # the mandatory course alone is not enough for a head
    _enrol(head, leadership, state="completed", when=timezone.now())
    assert head_done() is True


def test_jp_ledger_counts_the_jp_frozen_on_the_certificate_not_the_course_today(client, hr, make_course, opd_a):
    """An auditor defends the JP printed on each certificate: raising the course's JP later
    must not rewrite last completions; a revoked certificate counts nothing."""
    from certificates.services import certificate_issue, certificate_revoke

    course = make_course(lessons=1, jp_hours=3)
    kept, revoked, pending = (EmployeeFactory(opd=opd_a, full_name=name) for name in ("Sertifikat Tetap", "Sertifikat Dicabut", "Belum Terbit"))
    now = timezone.now()
    for person in (kept, revoked):
        certificate = certificate_issue(enrollment=_enrol(person, course, state="completed", when=now))
        assert certificate.jp_hours == 3
    certificate_revoke(certificate=certificate, reason="Uji pencabutan", acting_user=hr)
    _enrol(pending, course, state="completed", when=now)
    course.jp_hours = 8
    course.save(update_fields=["jp_hours"])
    rows = {row["full_name"]: row["jp"] for row in jp_ledger(user=hr, year=timezone.localdate().year, below_only=False)}
    assert rows == {"Sertifikat Tetap": 3, "Sertifikat Dicabut": 0, "Belum Terbit": 8}
