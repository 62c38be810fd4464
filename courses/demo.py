"""Demo courses: four published courses with lessons, images and downloads, a reviewer
account, and learners part-way through so the site never looks empty.

Idempotent: a course that already exists (by slug) is left as it is.
"""

import datetime
import io
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from organizations.models import Employee, EmploymentType, Role, RoleAssignment

from .demo_content import COURSES, DOCUMENTS, IMAGES
from .models import CourseIndexPage, CoursePage, Enrollment, EnrollmentSource, LessonPage
from .services import enrollment_ensure, enrollments_ensure_mandatory, lesson_complete
from .setup import REVIEWER_GROUP_NAME, site_structure_ensure

DEMO_DOMAIN = "demo.integritas.test"
DEMO_PASSWORD = "Integritas-Demo-2026"


def _png(title: str, lines: list[str], colour: str, size=(1280, 720)) -> bytes:
    """A plain, legible illustration: coloured background, a title and a few lines."""
    image = PILImage.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle([0, height - 24, width, height], fill="#ffffff")
    title_size = 96 if not lines else 72
    title_font = ImageFont.load_default(size=title_size)
    while draw.textlength(title, font=title_font) > width - 144 and title_size > 32:
        title_size -= 4
        title_font = ImageFont.load_default(size=title_size)
    line_font = ImageFont.load_default(size=46)
    draw.text((72, 80 if lines else height // 2 - title_size), title, font=title_font, fill="#ffffff")
    y = 220
    for line in lines:
        draw.rounded_rectangle([64, y - 10, width - 64, y + 66], radius=18, fill="#ffffff")
        draw.text((96, y), line, font=line_font, fill=colour)
        y += 100
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _image(title: str, lines: list[str], colour: str, filename: str, heading: str | None = None):
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    content = _png(heading or title, lines, colour)
    return Image.objects.create(title=title, file=ContentFile(content, name=filename))


def _document(key: str):
    Document = get_document_model()
    filename, title, text = DOCUMENTS[key]
    existing = Document.objects.filter(title=title).first()
    if existing:
        return existing
    return Document.objects.create(title=title, file=ContentFile(text.encode("utf-8"), name=filename))


def _resolve(body: list[tuple[str, object]], images: dict, documents: dict) -> list[tuple[str, object]]:
    resolved = []
    for block_type, value in body:
        if block_type == "image":
            value = {**value, "image": images[value["image"]]}
        elif block_type == "download":
            value = {**value, "document": documents[value["document"]]}
        resolved.append((block_type, value))
    return resolved


def seed_courses(index: CourseIndexPage) -> list[CoursePage]:
    images = {key: _image(title, lines, colour, filename) for key, (filename, title, lines, colour) in IMAGES.items()}
    documents = {key: _document(key) for key in DOCUMENTS}
    courses = []
    for spec in COURSES:
        course = CoursePage.objects.filter(slug=spec["slug"]).first()
        if course is not None:
            courses.append(course)
            continue
        cover_key, cover_title, colour = spec["cover"]
        cover = _image(f"Sampul: {spec['title']}", [], colour, f"sampul-{cover_key}.png", heading=cover_title)
        course = index.add_child(
            instance=CoursePage(
                title=spec["title"],
                slug=spec["slug"],
                summary=spec["summary"],
                learning_objectives="\n".join(spec["objectives"]),
                cover_image=cover,
                category=spec["category"],
                jp_hours=spec["jp_hours"],
                mandatory=spec["mandatory"],
                closes_on=datetime.date.fromisoformat(spec["closes_on"]) if spec["closes_on"] else None,
                certificate_validity_months=spec["certificate_validity_months"],
                audience_non_asn=spec.get("audience_non_asn", True),
                live=False,
            )
        )
        course.save_revision().publish()
        for lesson_spec in spec["lessons"]:
            lesson = course.add_child(
                instance=LessonPage(
                    title=lesson_spec["title"],
                    estimated_minutes=lesson_spec["minutes"],
                    body=_resolve(lesson_spec["body"], images, documents),
                    live=False,
                )
            )
            lesson.save_revision().publish()
        courses.append(course)
    return courses


def seed_reviewer(stdout) -> str:
    """A reviewer: editor role (admin access, MFA) plus the reviewer group (publishing)."""
    from allauth.account.models import EmailAddress

    from organizations.services import role_assign

    User = get_user_model()
    email = f"peninjau@{DEMO_DOMAIN}"
    user = User.objects.filter(email=email).first() or User(username="peninjau", email=email, first_name="Maulida Rosyadi")
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    if not RoleAssignment.objects.filter(user=user, role=Role.EDITOR).exists():
        role_assign(user=user, role=Role.EDITOR, acting_user=None, opds=[], valid_until=None)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP_NAME))
    return email


def seed_progress(courses: list[CoursePage]) -> dict[str, int]:
    """Enrol everyone in their mandatory courses and put a share of them part-way or done."""
    rng = random.Random(3)
    lessons = {course.pk: list(LessonPage.objects.live().child_of(course)) for course in courses}
    # demo rows only: a database that also holds bench data (100k employees) seeds in seconds
    employees = list(
        Employee.objects.filter(active=True, email__endswith=f"@{DEMO_DOMAIN}").select_related("opd").order_by("pk")
    )
    already = set(Enrollment.objects.filter(course__in=courses).values_list("employee_id", "course_id"))
    for employee in employees:
        enrollments_ensure_mandatory(employee=employee)
    for employee in employees:
        if employee.email == f"asn@{DEMO_DOMAIN}":
            _demo_learner_progress(employee, courses, lessons)
            continue
        if employee.email.endswith(f"@{DEMO_DOMAIN}") and not employee.email.startswith("pegawai"):
            continue  # staff demo accounts start clean
        for course in courses:
            if (employee.pk, course.pk) in already or not course.audience_includes(employee):
                continue
            roll = rng.random()
            if not course.mandatory:
                if roll > 0.2:
                    continue
                enrollment_ensure(employee=employee, course=course, source=EnrollmentSource.SELF)
                roll = rng.random()
            if roll < 0.35:
                done = len(lessons[course.pk])
            elif roll < 0.65:
                done = rng.randint(1, max(1, len(lessons[course.pk]) - 1))
            else:
                done = 0
            for lesson in lessons[course.pk][:done]:
                lesson_complete(employee=employee, lesson=lesson)
    counts = {}
    for course in courses:
        counts[course.title] = Enrollment.objects.filter(course=course, status="completed").count()
    return counts


def _demo_learner_progress(employee, courses, lessons):
    """The demo learner: one course done, one half-way, the rest untouched."""
    by_slug = {course.slug: course for course in courses}
    values = by_slug.get("nilai-nilai-antikorupsi")
    gratification = by_slug.get("mengenal-dan-menolak-gratifikasi")
    if values and not Enrollment.objects.filter(employee=employee, course=values, status="completed").exists():
        for lesson in lessons[values.pk]:
            lesson_complete(employee=employee, lesson=lesson)
    if gratification:
        for lesson in lessons[gratification.pk][:2]:
            lesson_complete(employee=employee, lesson=lesson)


def seed(*, stdout, style):
    _home, index = site_structure_ensure()
    courses = seed_courses(index)
    reviewer = seed_reviewer(stdout)
    counts = seed_progress(courses)
    stdout.write(style.MIGRATE_HEADING("Kursus demo:"))
    for course in courses:
        stdout.write(
            f"  {course.title:<45} {'wajib' if course.mandatory else 'pilihan':<8} {course.jp_hours} JP · "
            f"selesai: {counts.get(course.title, 0)}"
        )
    stdout.write(f"  Peninjau konten (menerbitkan hasil editor): {reviewer}  {DEMO_PASSWORD}")
    non_asn = Employee.objects.filter(employment_type=EmploymentType.NON_ASN).count()
    stdout.write(f"  Pegawai non-ASN ({non_asn}) bukan sasaran kursus Whistleblowing dan LHKPN.")
