"""Course content (Wagtail pages) and learning state (plain models).

Pages describe content only; who may read a lesson, enrolment and completion live in
`selectors.py` and `services.py`. Relational learning data never goes into StreamField.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index
from wagtail.url_routing import RouteResult

from organizations.models import EmploymentType

from .blocks import LessonBodyBlock


class HomePage(Page):
    """The site root: landing text, the course catalogue and the search box."""

    intro = RichTextField(_("pengantar"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]
    max_count = 1
    template = "courses/home_page.html"

    class Meta:
        verbose_name = _("beranda")

    def route(self, request, path_components):
        """Find the live page for the whole path in one query, instead of Wagtail's walk of
        one query (plus one for `.specific`) per level: the map of live pages' `url_path`
        to their type is kept per content version (`courses.selectors.live_page_routes`).
        A lesson costs no query: it comes from its course's published structure, kept per
        content version as well.

        Same outcome as the walk: the target must be live, ancestors need not be. Anything
        the map does not hold goes through Wagtail's walk, so sub-routes still work."""
        if path_components:
            from django.contrib.contenttypes.models import ContentType

            from .selectors import course_structure, live_page_routes

            url_path = self.url_path + "/".join(path_components) + "/"
            found = live_page_routes().get(url_path)
            if found is not None:
                content_type_id, pk, path = found
                model = ContentType.objects.get_for_id(content_type_id).model_class() or Page
                page = None
                if model is LessonPage:  # served from its course's published structure
                    structure = course_structure(path[: -self.steplen])
                    page = structure.lesson(pk) if structure is not None else None
                if page is None:
                    page = model._default_manager.filter(pk=pk, live=True).first()
                if page is None:
                    raise Http404
                return RouteResult(page)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue_for

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = catalogue_for(request.user)
        return context


class CourseIndexPage(Page):
    """Holds the courses; its URL is the full catalogue."""

    intro = RichTextField(_("pengantar"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["courses.HomePage"]
    subpage_types = ["courses.CoursePage"]
    template = "courses/course_index_page.html"

    class Meta:
        verbose_name = _("katalog kursus")

    def get_context(self, request, *args, **kwargs):
        from .selectors import catalogue_for

        context = super().get_context(request, *args, **kwargs)
        context["catalogue"] = catalogue_for(request.user)
        return context


class CourseCategory(models.TextChoices):
    GRATIFICATION = "gratifikasi", _("Gratifikasi")
    CONFLICT_OF_INTEREST = "konflik-kepentingan", _("Konflik kepentingan")
    VALUES = "nilai-antikorupsi", _("Nilai dan budaya antikorupsi")
    REPORTING = "pelaporan", _("Pelaporan dan kepatuhan")
    GENERAL = "umum", _("Umum")


class ViewRestrictionsKept:
    """Course and lesson pages: Wagtail's view restrictions check before serving reads the
    restrictions kept per content version instead of two queries (`view_restrictions_kept`)."""

    def get_view_restrictions(self):
        from .selectors import view_restrictions_kept

        return view_restrictions_kept(self)


class CoursePageForm(WagtailAdminPageForm):
    """Asks the publish checks (JP basis) before Wagtail publishes, so the editor sees why."""

    def clean(self):
        cleaned = super().clean()
        publishing = "action-publish" in self.data or self.data.get("workflow-action-name") == "approve"
        if publishing and not self.errors:
            from .publishing import course_publish_problems

            candidate = self.instance
            for name in ("jp_hours",):
                if name in cleaned:
                    setattr(candidate, name, cleaned[name])
            for message in course_publish_problems(candidate):
                self.add_error("jp_hours", message)
        return cleaned


class CoursePage(ViewRestrictionsKept, Page):
    """A course: a summary page whose children are its lessons.

    Audience: an employee belongs to it when their employment type is ticked and, if any
    OPD is chosen, their OPD is one of them (exactly that OPD, not its sub-units).
    """

    summary = models.TextField(_("ringkasan"), max_length=600)
    learning_objectives = models.TextField(
        _("tujuan pembelajaran"), blank=True, help_text=_("Satu tujuan per baris.")
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("gambar sampul"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    category = models.CharField(
        _("kategori"), max_length=30, choices=CourseCategory.choices, default=CourseCategory.GENERAL
    )
    jp_hours = models.PositiveSmallIntegerField(
        _("JP"),
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_(
            "Jam pelajaran yang diakui setelah kursus selesai; tidak boleh melebihi dasar JP (waktu belajar dibagi "
            "menit per JP). 0 bila waktu belajarnya belum mencapai satu JP."
        ),
    )
    mandatory = models.BooleanField(
        _("wajib"),
        default=False,
        help_text=_("Kursus wajib didaftarkan otomatis untuk semua pegawai dalam sasaran peserta."),
    )
    for_opd_heads = models.BooleanField(
        _("untuk kepala OPD"),
        default=False,
        help_text=_("Kursus kepemimpinan bagi kepala OPD (indikator komitmen pimpinan)."),
    )
    audience_opds = ParentalManyToManyField(
        "organizations.Opd",
        verbose_name=_("OPD sasaran"),
        blank=True,
        related_name="+",
        help_text=_("Kosongkan untuk semua OPD."),
    )
    audience_pns = models.BooleanField(_("PNS"), default=True)
    audience_pppk = models.BooleanField(_("PPPK"), default=True)
    audience_non_asn = models.BooleanField(_("Non-ASN"), default=True)
    opens_on = models.DateField(_("dibuka mulai"), null=True, blank=True)
    closes_on = models.DateField(
        _("ditutup setelah"),
        null=True,
        blank=True,
        help_text=_("Hari terakhir peserta dapat menyelesaikan kursus (WITA)."),
    )
    certificate_validity_months = models.PositiveSmallIntegerField(
        _("masa berlaku sertifikat (bulan)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Kosongkan bila sertifikat berlaku tanpa batas waktu."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("learning_objectives"),
        FieldPanel("cover_image"),
        FieldPanel("category"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("jp_hours"), FieldPanel("mandatory"), FieldPanel("for_opd_heads")]),
                FieldRowPanel([FieldPanel("opens_on"), FieldPanel("closes_on")]),
                FieldPanel("certificate_validity_months"),
            ],
            heading=_("Pengaturan pelatihan"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel(
                    [FieldPanel("audience_pns"), FieldPanel("audience_pppk"), FieldPanel("audience_non_asn")],
                    heading=_("Jenis pegawai"),
                ),
                FieldPanel("audience_opds", widget=forms.CheckboxSelectMultiple),
            ],
            heading=_("Sasaran peserta"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("learning_objectives"),
        index.FilterField("mandatory"),
    ]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/course_page.html"
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("kursus")
        verbose_name_plural = _("kursus")
        constraints = [
            models.CheckConstraint(
                condition=Q(audience_pns=True) | Q(audience_pppk=True) | Q(audience_non_asn=True),
                name="courses_coursepage_audience_has_a_type",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="courses_coursepage_window_in_order",
            ),
        ]

    def clean(self):
        super().clean()
        errors = {}
        if not (self.audience_pns or self.audience_pppk or self.audience_non_asn):
            errors["audience_pns"] = _("Pilih paling sedikit satu jenis pegawai.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("Tanggal tutup tidak boleh sebelum tanggal buka.")
        if errors:
            raise ValidationError(errors)

    # --- audience and window -------------------------------------------------------------

    @property
    def audience_employment_types(self) -> list[str]:
        ticked = [
            (self.audience_pns, EmploymentType.PNS),
            (self.audience_pppk, EmploymentType.PPPK),
            (self.audience_non_asn, EmploymentType.NON_ASN),
        ]
        return [value for on, value in ticked if on]

    @cached_property
    def audience_opd_ids(self) -> frozenset[int]:
        return frozenset(self.audience_opds.values_list("pk", flat=True))

    def audience_includes(self, employee) -> bool:
        if employee is None or not employee.active:
            return False
        if employee.employment_type not in self.audience_employment_types:
            return False
        return not self.audience_opd_ids or employee.opd_id in self.audience_opd_ids

    def audience_q(self, prefix: str = "") -> Q:
        """The audience as a filter on Employee (or on a model reaching it via `prefix`)."""
        q = Q(**{f"{prefix}active": True, f"{prefix}employment_type__in": self.audience_employment_types})
        if self.audience_opd_ids:
            q &= Q(**{f"{prefix}opd_id__in": self.audience_opd_ids})
        return q

    def has_opened(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.opens_on is None or today >= self.opens_on

    def has_closed(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.closes_on is not None and today > self.closes_on

    def is_open(self, today: datetime.date | None = None) -> bool:
        return self.has_opened(today) and not self.has_closed(today)

    @property
    def objectives(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.learning_objectives.splitlines() if line.strip(" -•\t")]

    # --- publishing ------------------------------------------------------------------------

    def publish(self, revision, *args, **kwargs):
        """Every path to going live (editor, workflow approval, scheduled, load_curriculum)
        passes here: a course whose JP its learning time does not support is refused."""
        from .publishing import PublishRefused, course_publish_problems

        problems = course_publish_problems(revision.as_object())
        if problems:
            raise PublishRefused(problems)
        return super().publish(revision, *args, **kwargs)

    # --- serving ---------------------------------------------------------------------------

    def serve(self, request, *args, **kwargs):
        from .views import serve_course

        return serve_course(request, self)

    def serve_preview(self, request, mode_name):
        from .views import serve_course

        return serve_course(request, self, preview=True)


class LessonPage(ViewRestrictionsKept, Page):
    """One lesson of a course, read in order and marked done by the learner."""

    body = StreamField(LessonBodyBlock(), verbose_name=_("isi pelajaran"))
    estimated_minutes = models.PositiveSmallIntegerField(
        _("perkiraan waktu (menit)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    content_panels = [*Page.content_panels, FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = []
    template = "courses/lesson_page.html"

    class Meta:
        verbose_name = _("pelajaran")
        verbose_name_plural = _("pelajaran")

    def serve(self, request, *args, **kwargs):
        from .views import serve_lesson

        return serve_lesson(request, self)

    def serve_preview(self, request, mode_name):
        from .views import serve_lesson

        return serve_lesson(request, self, preview=True)


# --- learning state ---------------------------------------------------------------------------


class EnrollmentStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Belum mulai")
    IN_PROGRESS = "in_progress", _("Sedang berjalan")
    COMPLETED = "completed", _("Selesai")


class EnrollmentSource(models.TextChoices):
    AUTOMATIC = "auto", _("Otomatis (kursus wajib)")
    SELF = "self", _("Mendaftar sendiri")
    ASSIGNED = "assigned", _("Ditugaskan BKPSDM")


class Enrollment(models.Model):
    """An employee taking a course. Completion is a fact kept forever: unpublishing a lesson
    or adding a new one later does not undo it."""

    employee = models.ForeignKey(
        "organizations.Employee", verbose_name=_("pegawai"), on_delete=models.PROTECT, related_name="enrollments"
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("kursus"), on_delete=models.PROTECT, related_name="enrollments"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=EnrollmentStatus.choices, default=EnrollmentStatus.NOT_STARTED
    )
    source = models.CharField(_("cara terdaftar"), max_length=10, choices=EnrollmentSource.choices)
    enrolled_at = models.DateTimeField(_("terdaftar"), default=timezone.now)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    last_activity_at = models.DateTimeField(_("aktivitas terakhir"), null=True, blank=True)
    completed_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # The OPD the employee belonged to when they completed: a later transfer keeps the credit here.
    completed_opd = models.ForeignKey(
        "organizations.Opd",
        verbose_name=_("OPD saat selesai"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    final_quiz_passed_at = models.DateTimeField(_("lulus kuis akhir"), null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pendaftaran kursus")
        verbose_name_plural = _("pendaftaran kursus")
        constraints = [
            models.UniqueConstraint(fields=["employee", "course"], name="courses_enrollment_once_per_course"),
            models.CheckConstraint(
                condition=(Q(status=EnrollmentStatus.COMPLETED) & Q(completed_at__isnull=False))
                | (~Q(status=EnrollmentStatus.COMPLETED) & Q(completed_at__isnull=True)),
                name="courses_enrollment_completed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["course", "status"], name="courses_enr_course_status")]

    def __str__(self):
        return f"{self.employee} · {self.course}"

    @property
    def is_completed(self) -> bool:
        return self.status == EnrollmentStatus.COMPLETED


class LessonProgress(models.Model):
    """A lesson the learner marked done ("Tandai selesai")."""

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(_("selesai"), default=timezone.now)

    class Meta:
        verbose_name = _("kemajuan pelajaran")
        verbose_name_plural = _("kemajuan pelajaran")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="courses_lessonprogress_once"),
        ]

    def __str__(self):
        return f"{self.enrollment_id}:{self.lesson_id}"
