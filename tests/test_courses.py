"""Courses: page structure, access, enrolment, lesson completion, "Pembelajaran Saya", search."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Page, Site

from courses.blocks import LessonBodyBlock
from courses.completion import completion_requirement_register, completion_requirement_unregister
from courses.models import (
    CourseIndexPage,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    EnrollmentStatus,
    HomePage,
    LessonPage,
    LessonProgress,
)
from courses.selectors import learning_overview
from courses.services import (
    LearningRefused,
    enrollment_record_final_quiz_passed,
    enrollments_assign,
    enrollments_ensure_mandatory,
    lesson_complete,
)
from courses.setup import REVIEWER_GROUP_NAME
from courses.signals import enrollment_completed
from organizations.models import EmploymentType
from organizations.services import EDITOR_GROUP_NAME

from .factories import EmployeeFactory, UserFactory


@pytest.fixture
def completions():
    received = []

    def receiver(sender, enrollment, **kwargs):
        received.append(enrollment.pk)

    enrollment_completed.connect(receiver)
    yield received
    enrollment_completed.disconnect(receiver)


def _employee(user):
    return user.employee


# --- structure -----------------------------------------------------------------------------------


def test_migrate_leaves_a_home_page_as_site_root_and_a_catalogue(db):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert CourseIndexPage.objects.child_of(site.root_page).exists()
    assert not Page.objects.filter(title__startswith="Welcome to your new Wagtail site").exists()


def test_page_type_rules(db):
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert LessonPage.allowed_parent_page_models() == [CoursePage]
    assert LessonPage.allowed_subpage_models() == []
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert not HomePage.can_create_at(HomePage.objects.first())


def test_course_content_goes_through_review(db, editor):
    """Editors write and submit; only reviewers publish, through the review workflow."""
    home = HomePage.objects.first()
    course = CourseIndexPage.objects.first()
    assert course.get_workflow().name == "Tinjauan konten kursus"
    assert not Group.objects.get(name=EDITOR_GROUP_NAME).page_permissions.filter(permission__codename="publish_page").exists()
    assert course.permissions_for_user(editor).can_edit()
    assert not course.permissions_for_user(editor).can_publish()
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    assert home.permissions_for_user(reviewer).can_publish()


def test_workflow_moves_a_submitted_lesson_to_published_on_approval(db, editor, make_course):
    course = make_course(lessons=1)
    lesson = course.test_lessons[0]
    lesson.title = "Judul baru"
    revision = lesson.save_revision(user=editor)
    workflow_state = lesson.get_workflow().start(lesson, editor)
    assert lesson.get_latest_revision().pk == revision.pk
    assert LessonPage.objects.get(pk=lesson.pk).title == "Pelajaran 1"  # not published yet
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    task_state = workflow_state.current_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    assert LessonPage.objects.get(pk=lesson.pk).title == "Judul baru"


def test_every_lesson_block_describes_itself_and_renders_its_preview(db):  # local_contact reads the programme settings
    for name, block in LessonBodyBlock().child_blocks.items():
        meta = block.meta
        assert meta.icon and meta.icon != "placeholder", name
        assert meta.template, name
        assert meta.description, name
        assert block.get_preview_value() is not None, name
        html = block.render(block.get_preview_value())
        assert html.strip(), name


def test_course_window_and_audience_are_validated(db):
    course = CoursePage(title="X", summary="x", jp_hours=1, audience_pns=False, audience_pppk=False, audience_non_asn=False,
                        opens_on=datetime.date(2026, 12, 1), closes_on=datetime.date(2026, 11, 1))
    with pytest.raises(Exception) as excinfo:
        course.clean()
    assert "closes_on" in excinfo.value.message_dict
    assert "audience_pns" in excinfo.value.message_dict


# --- access --------------------------------------------------------------------------------------


def test_anonymous_visitors_go_to_login_and_come_back(client, make_course):
    course = make_course()
    for url in (course.url, course.test_lessons[0].url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"/akun/login/?next={url}"


def test_catalogue_is_listed_on_the_home_page(client, make_course):
    course = make_course(title="Kursus Katalog")
    response = client.get("/")
    assert response.status_code == 200
    assert "Kursus Katalog" in response.content.decode()
    assert course.url in response.content.decode()


def test_learner_in_audience_reads_a_lesson(client, learner, make_course):
    course = make_course()
    client.force_login(learner)
    response = client.get(course.test_lessons[1].url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Isi pelajaran 2" in body
    assert "Pelajaran 2 dari 3" in body
    assert "Tandai selesai" in body
    # mandatory: enrolled on first visit
    assert Enrollment.objects.get(employee=learner.employee, course=course).source == EnrollmentSource.AUTOMATIC


def test_lesson_of_a_course_for_another_opd_gets_a_clear_page(client, learner, opd_b, make_course):
    course = make_course(opds=[opd_b])
    client.force_login(learner)
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 403
    assert "ditujukan untuk pegawai lain" in response.content.decode()
    assert not Enrollment.objects.exists()
    # the course summary itself stays readable
    assert client.get(course.url).status_code == 200


def test_lesson_outside_the_employment_types_gets_a_clear_page(client, opd_a, make_course):
    user = UserFactory()
    EmployeeFactory(user=user, opd=opd_a, email=user.email, employment_type=EmploymentType.NON_ASN, nip=None)
    course = make_course(audience_non_asn=False)
    client.force_login(user)
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 403


def test_inactive_employee_cannot_learn(client, learner, make_course):
    course = make_course()
    learner.employee.active = False
    learner.employee.save()
    client.force_login(learner)
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 403
    assert "tidak aktif" in response.content.decode()
    response = client.post(f"/belajar/pelajaran/{course.test_lessons[0].pk}/selesai/")
    assert not LessonProgress.objects.exists()


def test_inactive_employees_login_is_refused(client, learner):
    learner.is_active = False
    learner.save()
    response = client.post("/akun/login/", {"login": learner.email, "password": "Rahasia-Uji-2026"})
    assert response.status_code in (200, 302)
    assert "_auth_user_id" not in client.session


def test_staff_without_roster_row_sees_course_but_not_lessons(client, observer, make_course):
    course = make_course()
    client.force_login(observer)
    assert client.get(course.url).status_code == 200
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 403
    assert "tidak terhubung dengan data pegawai" in response.content.decode()


def test_course_not_open_yet(client, learner, make_course):
    course = make_course(opens_on=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(learner)
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 403
    assert "baru dibuka pada" in response.content.decode()


def test_optional_course_needs_daftar_first(client, learner, make_course):
    course = make_course(mandatory=False)
    client.force_login(learner)
    response = client.get(course.test_lessons[0].url)
    assert response.status_code == 302 and response.url == course.url
    page = client.get(course.url).content.decode()
    assert "Daftar" in page
    response = client.post(f"/belajar/kursus/{course.pk}/daftar/")
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(employee=learner.employee, course=course)
    assert enrollment.source == EnrollmentSource.SELF
    assert client.get(course.test_lessons[0].url).status_code == 200


def test_enrolling_outside_the_audience_is_refused(client, learner, opd_b, make_course):
    course = make_course(mandatory=False, opds=[opd_b])
    client.force_login(learner)
    response = client.post(f"/belajar/kursus/{course.pk}/daftar/", follow=True)
    assert "ditujukan untuk pegawai lain" in response.content.decode()
    assert not Enrollment.objects.exists()


def test_unpublished_lesson_is_not_found(client, learner, make_course):
    course = make_course()
    lesson = course.test_lessons[0]
    lesson.unpublish()
    client.force_login(learner)
    assert client.get(f"{course.url}pelajaran-1/").status_code == 404
    response = client.post(f"/belajar/pelajaran/{lesson.pk}/selesai/")
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


def test_unpublished_course_hides_its_lessons(client, learner, make_course):
    course = make_course()
    lesson = course.test_lessons[0]
    CoursePage.objects.filter(pk=course.pk).update(live=False)
    client.force_login(learner)
    response = client.post(f"/belajar/pelajaran/{lesson.pk}/selesai/")
    assert response.status_code == 404
    assert not LessonProgress.objects.exists()


# --- completing lessons and courses --------------------------------------------------------------


def test_tandai_selesai_moves_to_the_next_lesson_and_the_progress_bar(client, learner, make_course):
    course = make_course(lessons=4)
    first, second = course.test_lessons[:2]
    client.force_login(learner)
    response = client.post(f"/belajar/pelajaran/{first.pk}/selesai/")
    assert response.status_code == 302 and response.url == second.url
    page = client.get(course.url).content.decode()
    assert 'aria-valuenow="25"' in page
    assert "1 dari 4 pelajaran selesai (25%)" in page
    assert Enrollment.objects.get(employee=learner.employee).status == EnrollmentStatus.IN_PROGRESS


def test_double_click_on_tandai_selesai_records_once(client, learner, make_course):
    course = make_course(lessons=2)
    lesson = course.test_lessons[0]
    client.force_login(learner)
    first = client.post(f"/belajar/pelajaran/{lesson.pk}/selesai/")
    second = client.post(f"/belajar/pelajaran/{lesson.pk}/selesai/")
    assert first.status_code == second.status_code == 302
    assert LessonProgress.objects.filter(lesson=lesson).count() == 1


def test_completion_get_is_not_allowed(client, learner, make_course):
    course = make_course(lessons=1)
    client.force_login(learner)
    assert client.get(f"/belajar/pelajaran/{course.test_lessons[0].pk}/selesai/").status_code == 405
    assert not LessonProgress.objects.exists()


def test_completion_of_a_lesson_outside_the_audience_is_refused(client, learner, opd_b, make_course):
    mine = make_course(lessons=1)
    theirs = make_course(lessons=1, opds=[opd_b])
    client.force_login(learner)
    response = client.post(f"/belajar/pelajaran/{theirs.test_lessons[0].pk}/selesai/", follow=True)
    assert "ditujukan untuk pegawai lain" in response.content.decode()
    assert not LessonProgress.objects.exists()
    assert not Enrollment.objects.filter(course=theirs).exists()
    assert mine.pk  # the learner's own course is untouched


def test_completion_after_the_close_date_is_refused(client, learner, make_course):
    course = make_course(lessons=1, closes_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(learner)
    response = client.post(f"/belajar/pelajaran/{course.test_lessons[0].pk}/selesai/", follow=True)
    assert "sudah ditutup" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_last_lesson_completes_the_course_and_signals_once_on_commit(
    learner, make_course, completions, django_capture_on_commit_callbacks
):
    course = make_course(lessons=2)
    employee = learner.employee
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(employee=employee, lesson=course.test_lessons[0])
    assert completions == []
    with django_capture_on_commit_callbacks(execute=True):
        lesson_complete(employee=employee, lesson=course.test_lessons[1])
        lesson_complete(employee=employee, lesson=course.test_lessons[1])
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    assert enrollment.status == EnrollmentStatus.COMPLETED
    assert enrollment.completed_at is not None
    assert enrollment.completed_opd_id == employee.opd_id
    assert completions == [enrollment.pk]


def test_no_signal_when_the_transaction_rolls_back(learner, make_course, completions, django_capture_on_commit_callbacks):
    course = make_course(lessons=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    assert len(callbacks) == 1 and completions == []


def test_completion_waits_for_registered_requirements(learner, make_course, completions, django_capture_on_commit_callbacks):
    """What the quiz app will do: block completion until the final quiz is passed."""

    def quiz_passed(enrollment):
        return enrollment.final_quiz_passed_at is not None

    completion_requirement_register(quiz_passed)
    try:
        course = make_course(lessons=1)
        with django_capture_on_commit_callbacks(execute=True):
            lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
        enrollment = Enrollment.objects.get(course=course)
        assert enrollment.status == EnrollmentStatus.IN_PROGRESS
        with django_capture_on_commit_callbacks(execute=True):
            enrollment_record_final_quiz_passed(enrollment=enrollment)
        enrollment.refresh_from_db()
        assert enrollment.status == EnrollmentStatus.COMPLETED
        assert completions == [enrollment.pk]
    finally:
        completion_requirement_unregister(quiz_passed)


def test_quiz_passed_before_lessons_done_completes_on_the_last_lesson(learner, make_course):
    course = make_course(lessons=2)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    enrollment = Enrollment.objects.get(course=course)
    enrollment_record_final_quiz_passed(enrollment=enrollment)
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.IN_PROGRESS
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[1])
    enrollment.refresh_from_db()
    assert enrollment.status == EnrollmentStatus.COMPLETED


def test_a_lesson_added_later_does_not_undo_a_completion(learner, make_course):
    course = make_course(lessons=1)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    course.add_child(instance=LessonPage(title="Baru", slug="baru", body=[("paragraph", "<p>x</p>")]))
    assert Enrollment.objects.get(course=course).status == EnrollmentStatus.COMPLETED


def test_transfer_after_completion_keeps_the_opd_at_completion(learner, opd_b, make_course):
    course = make_course(lessons=1)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    opd_at_completion = learner.employee.opd_id
    learner.employee.opd = opd_b
    learner.employee.save()
    assert Enrollment.objects.get(course=course).completed_opd_id == opd_at_completion


def test_lanjutkan_opens_the_first_unfinished_lesson(client, learner, make_course):
    course = make_course(lessons=3)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[2])
    client.force_login(learner)
    response = client.get(f"/belajar/kursus/{course.pk}/lanjutkan/")
    assert response.url == course.test_lessons[1].url
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[1])
    assert client.get(f"/belajar/kursus/{course.pk}/lanjutkan/").url == course.url


def test_deleting_a_course_with_learners_is_refused(client, learner, make_course, django_user_model):
    course = make_course(lessons=1)
    lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    admin = django_user_model.objects.create_superuser("root", "root@example.test", "x")
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(admin, generate_totp_secret())
    client.force_login(admin)
    response = client.post(f"/admin/pages/{course.pk}/delete/", follow=True)
    assert "tidak dapat dihapus" in response.content.decode()
    assert CoursePage.objects.filter(pk=course.pk).exists()


# --- enrolment by HR and automatically -----------------------------------------------------------


def test_mandatory_courses_are_enrolled_on_first_visit_of_my_learning(client, learner, make_course, opd_b):
    mandatory = make_course(mandatory=True)
    make_course(mandatory=False)
    make_course(mandatory=True, opds=[opd_b])
    client.force_login(learner)
    response = client.get("/belajar/")
    assert response.status_code == 200
    assert list(Enrollment.objects.values_list("course_id", flat=True)) == [mandatory.pk]


def test_hr_assigns_a_course_to_a_whole_opd(db, hr, opd_a, opd_b, make_course):
    course = make_course(mandatory=True)
    active = EmployeeFactory.create_batch(3, opd=opd_a)
    EmployeeFactory(opd=opd_a, active=False)
    EmployeeFactory(opd=opd_b)
    assert enrollments_assign(course=course, opds=[opd_a], acting_user=hr) == 3
    assert set(Enrollment.objects.values_list("employee_id", flat=True)) == {e.pk for e in active}
    assert enrollments_assign(course=course, opds=[opd_a], acting_user=hr) == 0
    from wagtail.models import PageLogEntry

    assert PageLogEntry.objects.filter(action="integritas.enrollment_assign", page=course, user=hr).count() == 2


def test_assign_view_previews_then_enrolls(client, hr, opd_a, make_course):
    course = make_course()
    EmployeeFactory.create_batch(2, opd=opd_a)
    client.force_login(hr)
    response = client.post("/admin/tugaskan-kursus/", {"course": course.pk, "opds": [opd_a.pk], "preview": "1"})
    assert response.status_code == 200
    assert "2 pegawai akan didaftarkan" in response.content.decode()
    assert not Enrollment.objects.exists()
    response = client.post("/admin/tugaskan-kursus/", {"course": course.pk, "opds": [opd_a.pk], "confirm": "1"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(source=EnrollmentSource.ASSIGNED).count() == 2


def test_assign_view_rejects_bad_input(client, hr, make_course):
    closed = make_course(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(hr)
    response = client.post("/admin/tugaskan-kursus/", {"course": closed.pk, "opds": [], "confirm": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "sudah ditutup" in body
    response = client.post("/admin/tugaskan-kursus/", {"course": "999999", "opds": ["abc"], "confirm": "1"})
    assert response.status_code == 200
    assert not Enrollment.objects.exists()


def test_assigning_a_closed_course_is_refused_by_the_service(db, hr, opd_a, make_course):
    course = make_course(closes_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(LearningRefused):
        enrollments_assign(course=course, opds=[opd_a], acting_user=hr)


# --- Pembelajaran Saya ---------------------------------------------------------------------------


def test_my_learning_counts_jp_of_this_year_only(learner, make_course):
    this_year = make_course(lessons=1, jp_hours=4)
    last_year = make_course(lessons=1, jp_hours=6)
    make_course(lessons=1, jp_hours=9)  # enrolled, not completed
    for course in (this_year, last_year):
        lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    Enrollment.objects.filter(course=last_year).update(
        completed_at=timezone.now().replace(year=timezone.localdate().year - 1)
    )
    enrollments_ensure_mandatory(employee=learner.employee)
    overview = learning_overview(user=learner)
    assert overview.jp_this_year == 4
    assert overview.jp_target == 20
    assert [card.enrollment.status for card in overview.cards][0] == EnrollmentStatus.NOT_STARTED


def test_my_learning_empty_states(client, observer, learner):
    client.force_login(observer)
    assert "tidak terhubung dengan data pegawai" in client.get("/belajar/").content.decode()
    client.force_login(learner)
    body = client.get("/belajar/").content.decode()
    assert "Anda belum terdaftar di kursus mana pun" in body
    assert "0</strong> / 20 JP" in body


def test_my_learning_requires_login(client):
    response = client.get("/belajar/")
    assert response.status_code == 302 and response.url.startswith("/akun/login/")


# --- search --------------------------------------------------------------------------------------


def test_search_finds_lessons_by_body_text_for_logged_in_users(client, learner, make_course):
    course = make_course(title="Kursus Parsel")
    client.force_login(learner)
    body = client.get("/cari/", {"q": "lebaran"}).content.decode()
    assert course.test_lessons[0].url in body
    assert "pelajaran di kursus Kursus Parsel" in body
    assert "Tidak ada kursus atau pelajaran yang cocok" in client.get("/cari/", {"q": "zzzzqqq"}).content.decode()
    assert client.get("/cari/", {"q": "lebaran", "halaman": "bukan-angka"}).status_code == 200


def test_search_needs_login(client):
    assert client.get("/cari/", {"q": "x"}).url.startswith("/akun/login/")


# --- query counts ---------------------------------------------------------------------------------


def _queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("kind", ["course", "lesson"])
def test_page_query_count_does_not_grow_with_lessons(client, learner, make_course, kind, django_assert_max_num_queries):
    small = make_course(lessons=2)
    large = make_course(lessons=12)
    client.force_login(learner)
    for course in (small, large):  # first visits enrol; measure the steady state
        client.get(course.url)
        lesson_complete(employee=learner.employee, lesson=course.test_lessons[0])
    url = (lambda c: c.url) if kind == "course" else (lambda c: c.test_lessons[1].url)
    for course in (small, large):  # a lesson's body is read once per process and revision
        client.get(url(course))
    counts = [_queries(client, url(course), django_assert_max_num_queries) for course in (small, large)]
    assert counts[0] == counts[1], counts
    # Wagtail routing, session and user take 12; ours: course, audience, employee, enrollment,
    # lessons, progress.
    with django_assert_max_num_queries(18):
        client.get(url(large))


def test_cached_outline_follows_publishing_and_unpublishing(client, learner, make_course):
    course = make_course(lessons=1)
    client.force_login(learner)
    assert "Pelajaran 2" not in client.get(course.url).content.decode()
    new = course.add_child(instance=LessonPage(title="Pelajaran 2", slug="pelajaran-2", body=[("paragraph", "<p>x</p>")], live=False))
    new.save_revision().publish()
    assert "Pelajaran 2" in client.get(course.url).content.decode()
    LessonPage.objects.get(pk=new.pk).unpublish()
    assert "Pelajaran 2" not in client.get(course.url).content.decode()
    course.test_lessons[0].delete()
    assert "Pelajaran kursus ini sedang disiapkan" in client.get(course.url).content.decode()


def test_editor_previews_a_draft_lesson(rf, editor, make_course):
    """Preview skips the learner checks (the admin checked the editor's permission)."""
    course = make_course(lessons=1)
    lesson = course.test_lessons[0]
    lesson.body = [("paragraph", "<p>Teks draf yang belum terbit.</p>")]
    lesson.save_revision(user=editor)
    draft = LessonPage.objects.get(pk=lesson.pk).get_latest_revision_as_object()
    request = rf.get("/")
    request.user = editor
    response = draft.serve_preview(request, draft.default_preview_mode)
    response.render()
    assert response.status_code == 200
    assert "Teks draf yang belum terbit." in response.content.decode()
    assert "Pratinjau untuk editor" in response.content.decode()


def test_learning_pages_in_english_when_chosen(client, learner, make_course, settings):
    course = make_course(lessons=1)
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "My Learning" in client.get("/belajar/").content.decode()
    assert "Mark as done" in client.get(course.test_lessons[0].url).content.decode()


def test_block_previews_in_the_editor_use_the_site_stylesheet(db):
    from django.template.loader import render_to_string

    from courses.blocks import CalloutBlock

    block = CalloutBlock()
    html = render_to_string(
        "wagtailcore/shared/block_preview.html",
        {"bound_block": block.bind(block.get_preview_value()), "block_def": block, "page_title": "x"},
    )
    assert "css/site.css" in html
    assert "Pasal 12B dan 12C" in html


def test_assign_preview_counts_each_employee_once_whatever_else_they_are_enrolled_in(db, hr, opd_a, make_course):
    from courses.services import enrollments_assign_preview

    course, other_1, other_2 = make_course(), make_course(), make_course()
    busy, fresh, done = EmployeeFactory.create_batch(3, opd=opd_a)
    for other in (other_1, other_2):
        Enrollment.objects.create(employee=busy, course=other)
        Enrollment.objects.create(employee=done, course=other)
    Enrollment.objects.create(employee=done, course=course)

    assert enrollments_assign_preview(course=course, opds=[opd_a]) == {opd_a.pk: (3, 1)}
    assert enrollments_assign(course=course, opds=[opd_a], acting_user=hr) == 2


def test_a_privacy_setting_on_a_course_holds_for_its_pages_at_once(client, learner, make_course, django_capture_on_commit_callbacks):
    """Course and lesson pages keep Wagtail's view restrictions per content version (no query
    per request); a restriction saved, given other groups, or removed applies to the next
    request, and the admin's privacy dialog reads the database."""
    from wagtail.models import PageViewRestriction

    course = make_course(lessons=2)
    lesson = course.test_lessons[1]
    client.force_login(learner)
    urls = [course.url, lesson.url]
    assert [client.get(url).status_code for url in urls] == [200, 200]  # kept: no restriction
    staff = Group.objects.create(name="Hanya staf tertentu")
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(staff)
    assert [client.get(url).status_code for url in urls] == [302, 302]  # to the login page: not in the group
    allowed = Group.objects.create(name="Peserta")
    learner.groups.add(allowed)
    with django_capture_on_commit_callbacks(execute=True):
        restriction.groups.add(allowed)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    with django_capture_on_commit_callbacks(execute=True):
        restriction.groups.remove(allowed)
    assert [client.get(url).status_code for url in urls] == [302, 302]
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert [client.get(url).status_code for url in urls] == [200, 200]
    # before the commit the pages keep the rules they had; the admin reads the database
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.PASSWORD, password="rahasia")
    assert client.get(lesson.url).status_code == 200
    assert [r.restriction_type for r in lesson.get_view_restrictions().order_by("-page__depth")] == ["password"]
