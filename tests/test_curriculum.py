"""Course packages (curriculum/README.md): loading, idempotence, review, refusal of bad
input with file and line, the export round trip, the JP basis and the admin views."""

import io
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from wagtail.models import PageLogEntry, Revision, WorkflowState

from core.models import ProgramSettings
from courses.models import CoursePage, LessonPage
from courses.publishing import PublishRefused
from organizations.models import Role
from quizzes.jp_basis import basis_for_course, basis_for_package
from quizzes.models import Question, Quiz
from quizzes.packages.errors import PackageError
from quizzes.packages.exporter import course_package_files, package_zip
from quizzes.packages.loader import course_package_load
from quizzes.packages.reader import package_files_from_dir, package_files_from_zip, package_read

CURRICULUM = Path(django_settings.BASE_DIR) / "curriculum"
SLUGS = sorted(path.name for path in CURRICULUM.iterdir() if (path / "course.yaml").is_file())


@pytest.fixture
def minutes_per_jp(db):
    program = ProgramSettings.load()
    program.minutes_per_jp = 10
    program.save()
    return program


@pytest.fixture
def superuser(db, django_user_model):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    user = django_user_model.objects.create_superuser("root", "root@example.test", "x")
    TOTP.activate(user, generate_totp_secret())
    return user


WORDS_300 = " ".join(["kata"] * 300)


def small_package(**overrides) -> dict[str, bytes]:
    """A valid package: 300 + heading words, a case study, a self-check, a 7-minute video and a
    quiz drawing 4 questions. Files can be replaced through `overrides` (None deletes)."""
    course = """format: 1
slug: paket-uji
title: Paket Uji
summary: Ringkasan paket uji.
objectives:
  - Memahami paket.
category: gratifikasi
jp: 2
mandatory: false
audience:
  opds: []
  employment_types: [PNS, PPPK]
opens_on: null
closes_on: null
certificate_validity_months: 12
lessons:
  - 01-pengantar.md
quizzes:
  final:
    title: Kuis akhir uji
    categories: [pengertian]
    question_count: 4
    pass_mark: 70
    review_policy: correctness
"""
    lesson = f"""---
title: Pengantar
---

{WORDS_300}

:::kasus Parsel
Sebuah **parsel** datang.
?? Apa yang Anda lakukan?
---
Tolak dan laporkan.
:::

:::cek-diri
? Berapa hari?
= Tiga puluh.
:::

:::video media/video-uji.mp4
judul: Video uji
durasi: 7

Transkrip.
:::

:::kontak upg
Hubungi UPG:
:::
"""
    header = "kursus,kategori,jenis,pertanyaan,pilihan_a,pilihan_b,pilihan_c,pilihan_d,pilihan_e,kunci,pembahasan\n"
    rows = "".join(f"paket-uji,pengertian,tunggal,Soal nomor {i}?,Satu,Dua,Tiga,,,B,Pasal {i}.\n" for i in range(1, 6))
    files = {
        "course.yaml": course.encode(),
        "lessons/01-pengantar.md": lesson.encode(),
        "questions.csv": (header + rows).encode(),
        "media/video-uji.mp4": b"\x00\x00\x00\x18ftypmp42 fake video",
    }
    for path, value in overrides.items():
        if value is None:
            files.pop(path, None)
        else:
            files[path] = value.encode() if isinstance(value, str) else value
    return files


def load(files, **kwargs):
    return course_package_load(package=package_read(files), **kwargs)


def test_jp_basis_follows_the_documented_formula(minutes_per_jp):
    package = package_read(small_package())
    basis = basis_for_package(package)
    # 300 words + "Parsel", "Apa yang Anda lakukan?", scenario/discussion, self-check Q/A, video title, contact lead-in
    assert basis.case_studies == 1 and basis.self_checks == 1 and basis.video_minutes == 7 and basis.quiz_questions == 4
    assert basis.minutes == Fraction(basis.words, 150) + 5 + 2 + 7 + 4
    assert basis.jp_supported(10) == 2  # 300+ words = 2+ minutes: 20.x minutes → 2 JP at 10 min/JP


def test_first_load_publishes_pages_quiz_and_questions(minutes_per_jp):
    plan = load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    assert course.live and plan.published and course.jp_hours == 2
    lesson = LessonPage.objects.child_of(course).get()
    assert lesson.live and [b.block_type for b in lesson.body] == ["paragraph", "case_study", "self_check", "video", "local_contact"]
    assert lesson.body[1].value["scenario"].source == "<p>Sebuah <b>parsel</b> datang.</p>"
    assert Quiz.objects.get(course=course).question_count == 4
    assert Question.objects.filter(course=course, active=True).count() == 5
    assert basis_for_course(course) == basis_for_package(package_read(small_package()))
    assert PageLogEntry.objects.filter(page=course, action="integritas.course_package_load").count() == 1


def test_loading_twice_changes_nothing(minutes_per_jp):
    load(small_package())
    counts = (Revision.objects.count(), PageLogEntry.objects.count(), Question.objects.count())
    plan = load(small_package())
    assert not plan.changed
    assert counts == (Revision.objects.count(), PageLogEntry.objects.count(), Question.objects.count())


def test_later_load_goes_to_review_unless_publish(minutes_per_jp):
    load(small_package())
    changed = small_package(**{"lessons/01-pengantar.md": small_package()["lessons/01-pengantar.md"].decode().replace("Tolak dan laporkan.", "Tolak dengan sopan.")})
    plan = load(changed)
    lesson = LessonPage.objects.get(slug="pengantar")
    assert plan.submitted and not plan.published
    assert "Tolak dan laporkan." in lesson.body[1].value["discussion"].source  # live version unchanged
    assert WorkflowState.objects.filter(base_content_type__isnull=False, object_id=str(lesson.pk), status="in_progress").exists()
    plan = load(changed, publish=True)
    lesson.refresh_from_db()
    assert plan.published and "Tolak dengan sopan." in lesson.body[1].value["discussion"].source


def test_removed_question_is_deactivated_and_changed_key_updated(minutes_per_jp):
    load(small_package())
    csv = small_package()["questions.csv"].decode().replace("Soal nomor 5?,Satu,Dua,Tiga,,,B", "Soal nomor 5?,Satu,Dua,Tiga,,,C")
    csv = "\n".join(line for line in csv.split("\n") if "Soal nomor 1?" not in line)
    load(small_package(**{"questions.csv": csv}), publish=True)
    assert not Question.objects.get(text="<p>Soal nomor 1?</p>").active
    five = Question.objects.get(text="<p>Soal nomor 5?</p>")
    assert [c.is_correct for c in five.choices.all()] == [False, False, True]


LESSON = "lessons/01-pengantar.md"


def _lesson_with(extra: str) -> str:
    return small_package()[LESSON].decode() + extra


BAD = {
    "missing lesson file": ({LESSON: None}, "course.yaml:17", "tidak ada dalam paket"),
    "directive typo": ({LESSON: _lesson_with("\n:::peringatn Awas\nHati-hati.\n:::\n")}, "01-pengantar.md:30", "Maksud Anda :::peringatan"),
    "raw html": ({LESSON: _lesson_with("\nTeks <b>tebal</b>.\n")}, "01-pengantar.md:30", "HTML tidak diizinkan"),
    "script": ({LESSON: _lesson_with("\n<script>alert(1)</script>\n")}, "01-pengantar.md:30", "<script>"),
    "key to missing option": (
        {"questions.csv": small_package()["questions.csv"].decode().replace("Tiga,,,B,Pasal 3", "Tiga,,,D,Pasal 3")},
        "questions.csv:4",
        "Kunci D menunjuk pilihan yang kosong",
    ),
    "unknown opd": ({"course.yaml": small_package()["course.yaml"].decode().replace("opds: []", "opds: [DINAS-FIKTIF]")}, "course.yaml:11", "DINAS-FIKTIF"),
    "broken yaml": ({"course.yaml": small_package()["course.yaml"].decode().replace("title: Paket Uji", "title: [Paket Uji")}, "course.yaml:", "YAML tidak sah"),
    "jp beyond basis": ({"course.yaml": small_package()["course.yaml"].decode().replace("jp: 2", "jp: 3")}, "course.yaml:8", "mengklaim 3 JP"),
    "unclosed directive": ({LESSON: _lesson_with("\n:::info Catatan\nTanpa penutup.\n")}, "01-pengantar.md:30", "tidak ditutup"),
    "formula cell": (
        {"questions.csv": small_package()["questions.csv"].decode().replace("Pasal 2.", "=HYPERLINK(1)")},
        "questions.csv:3",
        "rumus",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_package_is_refused_whole_with_file_and_line(minutes_per_jp, case):
    load(small_package())
    before = (Revision.objects.count(), Question.objects.count(), Quiz.objects.count(), LessonPage.objects.count())
    overrides, where, words = BAD[case]
    files = small_package(**overrides)
    files["course.yaml"] = files["course.yaml"].replace(b"title: Paket Uji", b"title: Paket Uji Baru") if case not in ("broken yaml",) else files["course.yaml"]
    with pytest.raises(PackageError) as caught:
        load(files, publish=True)
    message = str(caught.value)
    assert where in message and words in message, message
    assert before == (Revision.objects.count(), Question.objects.count(), Quiz.objects.count(), LessonPage.objects.count())
    assert CoursePage.objects.get(slug="paket-uji").title == "Paket Uji"


def test_missing_minutes_per_jp_says_bkpsdm_must_set_it(db):
    with pytest.raises(PackageError) as caught:
        load(small_package())
    assert "BKPSDM" in str(caught.value)
    assert not CoursePage.objects.filter(slug="paket-uji").exists()


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_zip_slip_and_oversized_zip_are_refused(monkeypatch):
    with pytest.raises(PackageError, match="berbahaya"):
        package_files_from_zip(_zip({"course.yaml": b"x", "../../etc/passwd": b"x"}))
    with pytest.raises(PackageError, match="berbahaya"):
        package_files_from_zip(_zip({"course.yaml": b"x", "/abs/file": b"x"}))
    from quizzes.packages import reader

    monkeypatch.setattr(reader, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(PackageError, match="terlalu besar"):
        package_files_from_zip(_zip({"course.yaml": b"x" * 2000}))


def _same_content(a, b):
    assert a.course_fields() == b.course_fields()
    assert [(lesson.slug, lesson.title, lesson.blocks) for lesson in a.lessons] == [(lesson.slug, lesson.title, lesson.blocks) for lesson in b.lessons]
    assert a.quizzes == b.quizzes
    assert [q.identity() for q in a.questions] == [q.identity() for q in b.questions]


def test_curriculum_packages_load_and_export_what_they_say(minutes_per_jp):
    """Every shipped package loads at the demo's 45 minutes per JP, and exporting the live
    course gives a package with the same content: nothing is lost or changed on the way."""
    program = ProgramSettings.load()
    program.minutes_per_jp = 45
    program.save()
    call_command("load_curriculum", stdout=io.StringIO())
    assert SLUGS
    for slug in SLUGS:
        course = CoursePage.objects.get(slug=slug)
        assert course.live
        source = package_read(package_files_from_dir(CURRICULUM / slug))
        _same_content(package_read(course_package_files(course)), source)
        assert course.jp_hours <= basis_for_course(course).jp_supported(45)
        assert LessonPage.objects.child_of(course).live().count() == len(source.lessons)


def test_export_import_into_empty_database_export_is_byte_identical(minutes_per_jp, make_course):
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    call_command("load_curriculum", str(CURRICULUM / "mengenal-dan-menolak-gratifikasi"), stdout=io.StringIO())
    course = CoursePage.objects.get(slug="mengenal-dan-menolak-gratifikasi")
    first = package_zip(course_package_files(course), folder=course.slug)
    # empty the database of everything the package made
    Question.objects.all().delete()
    Quiz.objects.all().delete()
    course.delete()
    get_image_model().objects.all().delete()
    get_document_model().objects.all().delete()
    assert not CoursePage.objects.exists()
    load(package_files_from_zip(first))
    again = package_zip(course_package_files(CoursePage.objects.get(slug="mengenal-dan-menolak-gratifikasi")), folder="mengenal-dan-menolak-gratifikasi")
    assert again == first


def test_load_curriculum_command_reports_file_and_line_and_changes_nothing(minutes_per_jp, tmp_path):
    for path, content in small_package(**{LESSON: _lesson_with("\n:::kasuss X\n:::\n")}).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(content)
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_curriculum", str(tmp_path), stdout=io.StringIO(), stderr=err)
    assert "lessons/01-pengantar.md:30" in err.getvalue() and "kasus" in err.getvalue()
    assert not CoursePage.objects.filter(slug="paket-uji").exists()


# --- publishing against the JP basis -----------------------------------------------------------


def test_wagtail_publish_of_a_course_claiming_more_jp_is_refused(minutes_per_jp):
    load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    course.jp_hours = 5
    revision = course.save_revision()
    with pytest.raises(PublishRefused) as caught:
        revision.publish()
    assert "5 JP" in str(caught.value) and "2 JP" in str(caught.value)
    course.refresh_from_db()
    assert course.jp_hours == 2


def test_admin_publish_shows_both_numbers(minutes_per_jp, client, superuser):
    load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    client.force_login(superuser)
    url = reverse("wagtailadmin_pages:edit", args=[course.pk])
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    data = nested_form_data(
        {
            "title": course.title, "slug": course.slug, "summary": course.summary, "learning_objectives": "",
            "category": course.category, "jp_hours": 9, "audience_pns": "on", "audience_pppk": "on",
            "comments": inline_formset([]), "action-publish": "action-publish",
        }
    )
    response = client.post(url, data)
    course.refresh_from_db()
    assert course.jp_hours == 2
    assert "mengklaim 9 JP" in response.content.decode() and "hanya mendukung 2 JP" in response.content.decode()


# --- lesson blocks -------------------------------------------------------------------------------


def test_lesson_renders_self_check_and_local_contact_from_settings(minutes_per_jp, client, learner):
    program = ProgramSettings.load()
    program.upg_contact = "WhatsApp UPG 0811-0000-000"
    program.save()
    course_yaml = small_package()["course.yaml"].decode().replace("[PNS, PPPK]", "[PNS, PPPK, NON_ASN]")
    load(small_package(**{"course.yaml": course_yaml.replace("mandatory: false", "mandatory: true")}))
    lesson = LessonPage.objects.get(slug="pengantar")
    client.force_login(learner)
    response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Berapa hari?" in html and "Tiga puluh." in html
    assert "WhatsApp UPG 0811-0000-000" in html and "Hubungi UPG:" in html


# --- admin: export, import, basis report --------------------------------------------------------


def test_export_view_gives_the_package_zip_and_is_audited(minutes_per_jp, client, make_staff):
    load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    editor = make_staff(Role.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("quizzes_course_export", args=[course.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert package_files_from_zip(response.content) == course_package_files(course)
    assert PageLogEntry.objects.filter(page=course, action="integritas.course_package_export", user=editor).exists()


@pytest.mark.parametrize("role", [None, Role.HR, Role.COORDINATOR, Role.OBSERVER])
def test_export_and_import_refuse_other_roles(minutes_per_jp, client, make_staff, learner, role):
    load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    opds = [learner.employee.opd] if role == Role.COORDINATOR else []
    user = learner if role is None else make_staff(role, opds=opds)
    client.force_login(user)
    assert client.get(reverse("quizzes_course_export", args=[course.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("quizzes_course_import")).status_code in (302, 403)


def test_import_view_previews_then_loads(minutes_per_jp, client, superuser):
    client.force_login(superuser)
    upload = io.BytesIO(package_zip(small_package(), folder="paket-uji"))
    upload.name = "paket-uji.zip"
    response = client.post(reverse("quizzes_course_import"), {"file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "Paket Uji" in text and "baru" in text and not CoursePage.objects.filter(slug="paket-uji").exists()
    record_pk = int(response["Location"].rstrip("/").split("/")[-1])
    client.post(reverse("quizzes_course_import_confirm", args=[record_pk]))
    assert CoursePage.objects.get(slug="paket-uji").live
    assert PageLogEntry.objects.filter(action="integritas.course_package_load", user=superuser).exists()


def test_import_view_shows_problems_with_file_and_line(minutes_per_jp, client, superuser):
    client.force_login(superuser)
    files = small_package(**{LESSON: _lesson_with("\n<script>alert(1)</script>\n")})
    upload = io.BytesIO(package_zip(files, folder="paket-uji"))
    upload.name = "paket-uji.zip"
    response = client.post(reverse("quizzes_course_import"), {"file": upload})
    text = response.content.decode()
    assert response.status_code == 200 and "lessons/01-pengantar.md:30" in text and "&lt;script&gt;" in text
    assert not CoursePage.objects.filter(slug="paket-uji").exists()


def test_jp_basis_report_lists_words_minutes_and_jp(minutes_per_jp, client, make_staff):
    load(small_package())
    editor = make_staff(Role.EDITOR)
    client.force_login(editor)
    response = client.get(reverse("quizzes_jp_basis"))
    text = response.content.decode()
    basis = basis_for_course(CoursePage.objects.get(slug="paket-uji"))
    assert response.status_code == 200 and "Paket Uji" in text and str(basis.words) in text and basis.minutes_display in text


def test_editor_import_goes_to_review_instead_of_publishing(minutes_per_jp, client, editor):
    client.force_login(editor)
    upload = io.BytesIO(package_zip(small_package(), folder="paket-uji"))
    upload.name = "paket-uji.zip"
    response = client.post(reverse("quizzes_course_import"), {"file": upload})
    assert response.status_code == 302
    record_pk = int(response["Location"].rstrip("/").split("/")[-1])
    assert "diajukan ke Peninjau Konten" in client.get(response["Location"]).content.decode()
    client.post(reverse("quizzes_course_import_confirm", args=[record_pk]))
    course = CoursePage.objects.get(slug="paket-uji")
    assert not course.live  # editors do not approve their own content (invariant 10)
    assert WorkflowState.objects.filter(object_id=str(course.pk), status="in_progress").exists()


def test_another_users_import_record_is_not_found(minutes_per_jp, client, editor, superuser):
    from quizzes.models import CoursePackageImport

    record = CoursePackageImport.objects.create(filename="x.zip", content=package_zip(small_package(), folder="x"), uploaded_by=superuser)
    client.force_login(editor)
    assert client.get(reverse("quizzes_course_import_preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("quizzes_course_import_confirm", args=[record.pk])).status_code == 404


def test_a_load_waiting_for_review_is_not_submitted_again(minutes_per_jp):
    load(small_package())
    changed = small_package(**{LESSON: small_package()[LESSON].decode().replace("Tolak dan laporkan.", "Tolak dengan sopan.")})
    assert load(changed).submitted
    counts = (Revision.objects.count(), WorkflowState.objects.count())
    assert not load(changed).changed
    assert counts == (Revision.objects.count(), WorkflowState.objects.count())


def test_a_course_claiming_no_jp_needs_no_jp_setting(db):
    files = small_package(**{"course.yaml": small_package()["course.yaml"].decode().replace("jp: 2", "jp: 0")})
    assert load(files).published


def test_approving_an_over_claiming_course_in_the_workflow_dialogue_is_refused_with_a_message(minutes_per_jp, client, superuser):
    """The dashboard's approve dialogue publishes through Wagtail's own view: the refusal
    comes back as a message on the edit view, nothing is published, the task stays open."""
    from wagtail.models import TaskState

    load(small_package())
    course = CoursePage.objects.get(slug="paket-uji")
    course.jp_hours = 5
    course.save_revision(user=superuser)
    workflow_state = course.get_workflow().start(course, superuser)
    task_state = workflow_state.current_task_state
    client.force_login(superuser)

    url = reverse("wagtailadmin_pages:workflow_action", args=[course.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""}, HTTP_X_REQUESTED_WITH="XMLHttpRequest")

    assert response.status_code == 200
    assert response.json()["redirect"] == reverse("wagtailadmin_pages:edit", args=[course.pk])
    course.refresh_from_db()
    assert course.jp_hours == 2  # the live version is unchanged
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
    page = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    assert "Kursus tidak diterbitkan" in page and "5 JP" in page
