"""Fill the database with a province-sized roster and realistic progress, for benchmarks.

    manage.py generate_bench_data --employees 100000 --opds 500 --courses 10 [--seed 1]

Everything it makes is marked so it can be told apart and removed again:
OPD codes `BENCH-0001`…, course slugs `bench-kursus-01`…; a second run removes the
previous bench data first. Rows go in with bulk inserts (COPY on PostgreSQL), so 100,000 employees with their
enrollments, lesson progress, quiz attempts and certificates take a few minutes on
PostgreSQL. Meant for the benchmark database, never for production: it refuses to run
when the database already holds non-bench employees unless --force is given.

What "realistic" means here (fixed proportions, random per person with --seed):
- 97% of employees active; 70% PNS, 20% PPPK, 10% non-ASN; OPD sizes vary 1:10;
- 60% of the courses mandatory; per mandatory course 75% enrolled, of whom 60% completed
  and 25% in progress; optional courses 15% enrolled;
- 2% of those who completed moved OPD afterwards (transfers);
- every completed enrollment has a passed final-quiz attempt and a certificate; the first
  two courses have a pre-test attempted by half of the enrolled;
- each OPD's head is one of its PNS; half the heads have confirmed a review.
"""

import datetime
import hashlib
import random
import secrets
import time

from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from certificates.models import Certificate, CertificateSequence
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
from organizations.models import Employee, EmploymentType, Opd, OpdKind
from quizzes.models import Attempt, AttemptState, Choice, Question, Quiz, QuizKind

BATCH = 5000
LESSONS_PER_COURSE = 3


class Command(BaseCommand):
    help = "Isi basis data dengan data uji beban (pegawai, progres, percobaan kuis, sertifikat)."

    def add_arguments(self, parser):
        parser.add_argument("--employees", type=int, default=100_000)
        parser.add_argument("--opds", type=int, default=500)
        parser.add_argument("--courses", type=int, default=10)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--force", action="store_true", help="Jalankan walau ada data pegawai bukan-bench.")

    def handle(self, *args, employees, opds, courses, seed, force, **options):
        if not (1 <= opds <= 9999 and 1 <= courses <= 99 and opds <= employees <= 1_000_000):
            raise CommandError("Batas: 1 ≤ --opds ≤ 9999, 1 ≤ --courses ≤ 99, --opds ≤ --employees ≤ 1.000.000.")
        if not force and Employee.objects.exclude(opd__code__startswith="BENCH-").exists():
            raise CommandError("Basis data ini berisi pegawai sungguhan; gunakan basis data bench (atau --force).")
        self.rng = random.Random(seed)
        self.started = time.monotonic()
        self._remove_previous()
        with transaction.atomic():
            opd_list = self._opds(opds)
            people = self._employees(employees, opd_list)
            course_list = self._courses(courses)
        # Pages were added without publishing (no signal): drop what is cached per content
        # version (course lists, outlines, routes), or the next reader sees the old courses.
        content_changed()
        self._progress(people, course_list, opd_list)
        self._heads(people, opd_list)
        if connection.vendor == "postgresql" and connection.get_autocommit():
            # as autovacuum would, before anyone measures: statistics for the planner, and the
            # visibility map and hint bits set now rather than by the first measured queries
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE)")
        elif connection.vendor == "postgresql":  # inside a transaction (tests): VACUUM cannot run
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._say("selesai")

    def _insert(self, model, objects: list, *, ids: bool = False) -> None:
        """Insert `objects`: on PostgreSQL with COPY (ids, when asked for, are drawn from the
        table's sequence first), elsewhere with bulk_create. COPY is several times faster
        for the million-row tables."""
        if not objects:
            return
        if connection.vendor != "postgresql":
            model.objects.bulk_create(objects, batch_size=BATCH)
            return
        from psycopg.types.json import Jsonb

        table = model._meta.db_table
        with connection.cursor() as cursor:
            if ids:
                cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [len(objects)])
                for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                    obj.pk = pk
            fields = [f for f in model._meta.concrete_fields if not (f.primary_key and not ids)]
            json = {f.attname for f in fields if f.get_internal_type() == "JSONField"}
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with cursor.cursor.copy(f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
                for obj in objects:
                    values = [f.pre_save(obj, True) for f in fields]  # auto_now fields, as bulk_create would
                    copy.write_row([Jsonb(v) if f.attname in json else f.get_db_prep_save(v, connection) for f, v in zip(fields, values, strict=True)])

    def _say(self, what: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:6.1f} s] {what}")

    # --- cleanup ---------------------------------------------------------------------------------

    def _remove_previous(self) -> None:
        bench_courses = CoursePage.objects.filter(slug__startswith="bench-kursus-")
        if not bench_courses.exists() and not Opd.objects.filter(code__startswith="BENCH-").exists():
            return
        from reports.models import OpdReview

        with transaction.atomic():
            # Bench rows only, hundreds of thousands of them: plain DELETEs, children first,
            # without the ORM's collector (no signals listen to these models).
            Certificate.objects.filter(course__in=bench_courses).update(replaced_by=None)
            for queryset in (
                Certificate.objects.filter(course__in=bench_courses),
                Attempt.objects.filter(quiz__course__in=bench_courses),
                LessonProgress.objects.filter(enrollment__course__in=bench_courses),
                Enrollment.objects.filter(course__in=bench_courses),
            ):
                queryset._raw_delete(queryset.db)
            Quiz.objects.filter(course__in=bench_courses).delete()
            Question.objects.filter(course__in=bench_courses).delete()
            for course in bench_courses:
                course.delete()
            Opd.objects.filter(code__startswith="BENCH-").update(head=None)
            OpdReview.objects.filter(opd__code__startswith="BENCH-").delete()
            employees = Employee.objects.filter(opd__code__startswith="BENCH-")
            employees._raw_delete(employees.db)
            Opd.objects.filter(code__startswith="BENCH-").delete()
        content_changed()
        self._say("data bench sebelumnya dihapus")

    # --- roster ----------------------------------------------------------------------------------

    def _opds(self, count: int) -> list[Opd]:
        kinds = [OpdKind.DINAS, OpdKind.BADAN, OpdKind.KECAMATAN, OpdKind.KELURAHAN, OpdKind.SEKRETARIAT]
        Opd.objects.bulk_create(
            [Opd(code=f"BENCH-{i:04d}", name=f"OPD Bench {i:04d}", kind=kinds[i % len(kinds)]) for i in range(1, count + 1)], batch_size=BATCH
        )
        self._say(f"{count} OPD")
        return list(Opd.objects.filter(code__startswith="BENCH-").order_by("code"))

    def _employees(self, count: int, opd_list: list[Opd]) -> list[Employee]:
        weights = [self.rng.uniform(1, 10) for _ in opd_list]
        homes = self.rng.choices(opd_list, weights=weights, k=count)
        types = self.rng.choices([EmploymentType.PNS, EmploymentType.PPPK, EmploymentType.NON_ASN], weights=[70, 20, 10], k=count)
        born = datetime.date(1965, 1, 1)
        rows = []
        for i in range(count):
            # a well-formed, unique NIP: birth date, TMT year and month, sex, sequence
            birth = born + datetime.timedelta(days=i % 12000)
            nip = f"{birth:%Y%m%d}{2005 + i // 12000:04d}{1 + (i // 12000) % 12:02d}1{1 + i % 997:03d}" if types[i] != EmploymentType.NON_ASN else None
            rows.append(Employee(
                nip=nip, full_name=f"Pegawai Bench {i:06d}", email=f"bench{i:06d}@bench.integritas.test", opd=homes[i],
                position="Pelaksana", employment_type=types[i], active=self.rng.random() < 0.97,
            ))
        self._insert(Employee, rows)
        self._say(f"{count} pegawai")
        return list(Employee.objects.filter(opd__code__startswith="BENCH-").only("pk", "opd_id", "active", "employment_type", "nip", "full_name", "position"))

    # --- content ---------------------------------------------------------------------------------

    def _courses(self, count: int) -> list[CoursePage]:
        index = CourseIndexPage.objects.first()
        if index is None:
            raise CommandError("Katalog kursus belum ada; jalankan migrate dulu.")
        made = []
        for n in range(1, count + 1):
            course = index.add_child(instance=CoursePage(
                title=f"Kursus Bench {n:02d}", slug=f"bench-kursus-{n:02d}", summary="Data uji beban.", jp_hours=2 + n % 3,
                mandatory=n <= max(1, round(count * 0.6)), audience_pns=True, audience_pppk=True, audience_non_asn=n % 2 == 0,
            ))
            for m in range(1, LESSONS_PER_COURSE + 1):
                course.add_child(instance=LessonPage(title=f"Pelajaran {m}", slug=f"pelajaran-{m}", estimated_minutes=10))
            question = Question(course=course, text="<p>Pertanyaan bench</p>")
            question.choices = [Choice(text="Benar", is_correct=True), Choice(text="Salah")]
            question.save()
            Quiz.objects.create(course=course, kind=QuizKind.FINAL, title=f"Kuis akhir {n:02d}", question_count=1, max_attempts=0, requires_lessons=False)
            if n <= 2:
                Quiz.objects.create(course=course, kind=QuizKind.PRETEST, title=f"Tes awal {n:02d}", question_count=1, max_attempts=1, requires_lessons=False)
            made.append(course)
        self._say(f"{count} kursus, {count * LESSONS_PER_COURSE} pelajaran")
        return list(CoursePage.objects.filter(slug__startswith="bench-kursus-").order_by("slug"))

    # --- progress --------------------------------------------------------------------------------

    def _progress(self, people, course_list, opd_list) -> None:
        rng = self.rng
        now = timezone.now()
        start = now - datetime.timedelta(days=180)
        lessons = {c.pk: list(LessonPage.objects.child_of(c).order_by("path").values_list("pk", flat=True)) for c in course_list}
        finals = {q.course_id: q for q in Quiz.objects.filter(course__in=course_list, kind=QuizKind.FINAL)}
        pretests = {q.course_id: q for q in Quiz.objects.filter(course__in=course_list, kind=QuizKind.PRETEST)}
        question = {q.course_id: q for q in Question.objects.filter(course__in=course_list).prefetch_related("choices")}
        pdf_name, pdf = self._sample_pdf()
        sequences: dict[int, int] = {}
        opd_by_id = {opd.pk: opd for opd in opd_list}
        moved = 0
        for course in course_list:
            audience = {EmploymentType.PNS: course.audience_pns, EmploymentType.PPPK: course.audience_pppk, EmploymentType.NON_ASN: course.audience_non_asn}
            share = 0.75 if course.mandatory else 0.15
            enrollments, plans = [], []
            for person in people:
                if not audience[person.employment_type] or rng.random() >= share:
                    continue
                roll = rng.random()
                state = "completed" if roll < 0.60 else "in_progress" if roll < 0.85 else "not_started"
                enrolled_at = start + datetime.timedelta(seconds=rng.randrange(0, 150 * 86400))
                done_at = min(now, enrolled_at + datetime.timedelta(hours=rng.randrange(1, 24 * 20)))
                enrollment = Enrollment(
                    employee_id=person.pk, course=course, enrolled_at=enrolled_at,
                    source=EnrollmentSource.AUTOMATIC if course.mandatory else EnrollmentSource.SELF,
                    status=EnrollmentStatus.NOT_STARTED if state == "not_started" else EnrollmentStatus.IN_PROGRESS,
                )
                if state != "not_started":
                    enrollment.started_at = enrolled_at
                    enrollment.last_activity_at = done_at
                if state == "completed":
                    enrollment.status = EnrollmentStatus.COMPLETED
                    enrollment.completed_at = done_at
                    enrollment.final_quiz_passed_at = done_at
                    enrollment.completed_opd_id = person.opd_id
                    if rng.random() < 0.02:  # transferred after completing: the roster now says elsewhere
                        enrollment.completed_opd_id = rng.choice(opd_list).pk
                        moved += 1
                enrollments.append(enrollment)
                plans.append((person, state, done_at))
            self._insert(Enrollment, enrollments, ids=True)
            progress, attempts, certificates = [], [], []
            q = question[course.pk]
            correct = [c.pk for c in q.choices.all() if c.is_correct]
            snapshot = [{"id": q.pk, "text": "Pertanyaan bench", "type": "single", "choices": [{"id": c.pk, "text": c.text} for c in q.choices.all()], "correct": correct}]
            for enrollment, (person, state, done_at) in zip(enrollments, plans, strict=True):
                done_lessons = lessons[course.pk] if state == "completed" else lessons[course.pk][: rng.randint(1, LESSONS_PER_COURSE - 1)] if state == "in_progress" else []
                progress += [LessonProgress(enrollment_id=enrollment.pk, lesson_id=lesson, completed_at=done_at) for lesson in done_lessons]
                if course.pk in pretests and rng.random() < 0.5:
                    ok = rng.random() < 0.4
                    attempts.append(self._attempt(pretests[course.pk], person, snapshot, correct if ok else [], ok, enrollment.enrolled_at))
                if state == "completed":
                    attempts.append(self._attempt(finals[course.pk], person, snapshot, correct, True, done_at))
                    year = timezone.localtime(done_at).year
                    if year not in sequences:
                        sequences[year] = CertificateSequence.objects.filter(year=year).values_list("last", flat=True).first() or 0
                    sequences[year] += 1
                    certificates.append(Certificate(
                        enrollment_id=enrollment.pk, employee_id=person.pk, course=course, number=f"{sequences[year]:07d}/BENCH/{year}",
                        year=year, sequence=sequences[year], code=secrets.token_hex(10), full_name=person.full_name, nip=person.nip or "",
                        opd_id=enrollment.completed_opd_id, opd_code=opd_by_id[enrollment.completed_opd_id].code,
                        opd_name=opd_by_id[enrollment.completed_opd_id].name, position=person.position, course_title=course.title,
                        course_slug=course.slug, jp_hours=course.jp_hours, score=100, completed_at=done_at, issued_at=done_at,
                        pdf=pdf_name, sha256=pdf,
                    ))
            self._insert(LessonProgress, progress)
            self._insert(Attempt, attempts)
            self._insert(Certificate, certificates)
            self._say(f"{course.title}: {len(enrollments)} pendaftaran, {len(progress)} pelajaran selesai, {len(attempts)} percobaan, {len(certificates)} sertifikat")
        for year, last in sequences.items():
            CertificateSequence.objects.update_or_create(year=year, defaults={"last": last})
        self._say(f"{moved} pegawai pindah OPD setelah selesai")

    def _heads(self, people, opd_list) -> None:
        """Each OPD's head is one of its active PNS; half the heads have reviewed progress."""
        from reports.models import OpdReview

        heads = {}
        for person in people:
            if person.active and person.employment_type == EmploymentType.PNS:
                heads.setdefault(person.opd_id, person.pk)
        for opd in opd_list:
            opd.head_id = heads.get(opd.pk)
        Opd.objects.bulk_update(opd_list, ["head"], batch_size=BATCH)
        OpdReview.objects.bulk_create(
            [OpdReview(opd_id=opd_id, employee_id=head, completed=0, employees=0) for opd_id, head in heads.items() if self.rng.random() < 0.5],
            batch_size=BATCH,
        )
        self._say(f"{len(heads)} kepala OPD")

    def _attempt(self, quiz, person, snapshot, answer, passed, when):
        return Attempt(
            quiz=quiz, employee_id=person.pk, number=1, state=AttemptState.SUBMITTED, started_at=when - datetime.timedelta(minutes=7),
            finished_at=when, snapshot=snapshot, answers={str(snapshot[0]["id"]): answer}, results={str(snapshot[0]["id"]): passed},
            correct_count=int(passed), score=100 if passed else 0, passed=passed, saved_at=when,
        )

    def _sample_pdf(self) -> tuple[str, str]:
        """One real certificate PDF shared by all bench certificates, saved in the private
        storage under a random name like any issued one; returns its name and SHA-256."""
        from certificates.pdf import render_html_to_pdf

        content = render_html_to_pdf("<html><body><h1>Sertifikat contoh (data uji beban)</h1></body></html>")
        field = Certificate._meta.get_field("pdf")
        name = field.storage.save(field.generate_filename(None, "contoh.pdf"), ContentFile(content))
        return name, hashlib.sha256(content).hexdigest()
