"""Question bank, quiz settings and attempts.

An attempt keeps a snapshot of what was drawn (texts, choices, key, order) at start, so
editing or deleting a question later never changes a past attempt's score or review.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import DraftStateMixin, LockableMixin, RevisionMixin, WorkflowMixin

from .forms import QuestionForm, QuizForm

QUESTION_FEATURES = ["bold", "italic", "ol", "ul", "link"]


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Pilihan tunggal")
    MULTIPLE = "multiple", _("Pilihan jamak")
    TRUE_FALSE = "true_false", _("Benar/salah")


class InUseQuerySet(models.QuerySet):
    def in_use(self):
        """What learners get: active, and live (a draft not yet approved in review is
        neither drawn nor shown, whatever its `active` box says)."""
        return self.filter(active=True, live=True)


class Question(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, ClusterableModel):
    """A question of a course's bank. A snippet under the course content review: the row
    holds what is live; an edit waits as a revision until a reviewer approves it, and a
    new question stays `live=False` (never drawn) until then."""

    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("kursus"), on_delete=models.PROTECT, related_name="questions"
    )
    category = models.CharField(
        _("kategori"), max_length=100, blank=True, help_text=_("Misalnya “pelaporan” atau “batas-nilai”.")
    )
    type = models.CharField(_("jenis"), max_length=20, choices=QuestionType.choices, default=QuestionType.SINGLE)
    text = RichTextField(_("pertanyaan"), features=QUESTION_FEATURES)
    explanation = RichTextField(
        _("pembahasan"), blank=True, features=QUESTION_FEATURES, help_text=_("Ditampilkan setelah kuis dikirim, sesuai kebijakan tinjauan.")
    )
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # the import batch this question came in with: approved or rejected there as one
    question_import = models.ForeignKey(
        "QuestionImport", verbose_name=_("impor soal"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="questions",
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="question")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type", object_id_field="object_id",
        related_query_name="question", for_concrete_model=False,
    )

    @property
    def revisions(self):
        # the generic relation deletes the revisions with the row (Wagtail's snippet recipe)
        return self._revisions

    objects = InUseQuerySet.as_manager()

    base_form_class = QuestionForm
    panels = [
        FieldRowPanel([FieldPanel("course"), FieldPanel("category")]),
        FieldRowPanel([FieldPanel("type"), FieldPanel("active")]),
        FieldPanel("text"),
        InlinePanel("choices", heading=_("Pilihan jawaban"), label=_("Pilihan"), min_num=2, max_num=8),
        FieldPanel("explanation"),
    ]

    class Meta:
        verbose_name = _("soal")
        verbose_name_plural = _("bank soal")
        ordering = ["course_id", "category", "pk"]
        indexes = [models.Index(fields=["course", "active", "category"], name="quizzes_q_course_active_cat")]

    def __str__(self):
        from django.utils.html import strip_tags
        from django.utils.text import Truncator

        return Truncator(strip_tags(self.text)).chars(80)


class Choice(models.Model):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("teks pilihan"), max_length=500)
    is_correct = models.BooleanField(_("benar"), default=False)
    feedback = models.CharField(_("umpan balik"), max_length=500, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0, editable=False)

    panels = [FieldPanel("text"), FieldRowPanel([FieldPanel("is_correct"), FieldPanel("feedback")])]

    class Meta:
        verbose_name = _("pilihan")
        ordering = ["sort_order", "pk"]

    def __str__(self):
        return self.text


class QuizKind(models.TextChoices):
    PRETEST = "pretest", _("Tes awal (tidak dihitung untuk kelulusan)")
    FINAL = "final", _("Kuis akhir")


class ReviewPolicy(models.TextChoices):
    """What a learner sees after submitting an attempt.

    CORRECTNESS_UNTIL_DONE (the default) keeps the bank from leaking: right/wrong per
    question while the learner may still try again, keys and explanations only once they
    have passed or used every attempt."""

    SCORE = "score", _("Hanya nilai")
    CORRECTNESS = "correctness", _("Nilai dan soal yang benar/salah")
    CORRECTNESS_UNTIL_DONE = "correctness_until_done", _(
        "Benar/salah per soal; kunci dan pembahasan setelah lulus atau kesempatan habis"
    )
    FULL = "full", _("Semuanya, dengan kunci dan pembahasan")


class Quiz(WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, models.Model):
    """A course's quiz settings. A snippet under the course content review: the row holds
    the live settings (what attempts read); a change to pass mark, attempts, time limit,
    draw or review policy waits as a revision until a reviewer approves it."""

    course = models.ForeignKey("courses.CoursePage", verbose_name=_("kursus"), on_delete=models.PROTECT, related_name="quizzes")
    kind = models.CharField(_("jenis"), max_length=10, choices=QuizKind.choices, default=QuizKind.FINAL)
    title = models.CharField(_("judul"), max_length=200)
    instructions = models.TextField(_("petunjuk"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("nilai lulus (%)"), default=70, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    question_count = models.PositiveSmallIntegerField(
        _("jumlah soal"), default=10, validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text=_("Diambil acak dari bank soal kursus (kategori terpilih, atau semua)."),
    )
    # ["pengertian", "pelaporan", ...]: the bank's categories this quiz draws from, evenly
    # (question_count split across them, remainders spread fairly); [] = the whole bank.
    draw_categories = models.JSONField(
        _("kategori soal"), default=list, blank=True,
        help_text=_("Soal diambil merata dari kategori ini. Pisahkan dengan koma. Kosongkan untuk seluruh bank soal kursus."),
    )
    shuffle_questions = models.BooleanField(_("acak urutan soal"), default=True)
    shuffle_choices = models.BooleanField(_("acak urutan pilihan"), default=True)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("batas waktu (menit)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("maksimum percobaan"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    cooldown_minutes = models.PositiveIntegerField(
        _("jeda antarpercobaan (menit)"), null=True, blank=True, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    review_policy = models.CharField(
        _("tinjauan setelah kirim"), max_length=30, choices=ReviewPolicy.choices, default=ReviewPolicy.CORRECTNESS_UNTIL_DONE
    )
    requires_lessons = models.BooleanField(_("semua pelajaran harus selesai dulu"), default=True)
    active = models.BooleanField(_("aktif"), default=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="quiz")
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState", content_type_field="base_content_type", object_id_field="object_id",
        related_query_name="quiz", for_concrete_model=False,
    )

    @property
    def revisions(self):
        # the generic relation deletes the revisions with the row (Wagtail's snippet recipe)
        return self._revisions

    objects = InUseQuerySet.as_manager()

    base_form_class = QuizForm
    panels = [
        FieldRowPanel([FieldPanel("course"), FieldPanel("kind")]),
        FieldPanel("title"),
        FieldPanel("instructions"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("question_count"), FieldPanel("pass_mark")]),
                FieldPanel("draw_categories"),
                FieldRowPanel([FieldPanel("shuffle_questions"), FieldPanel("shuffle_choices")]),
            ],
            heading=_("Soal"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("time_limit_minutes"), FieldPanel("max_attempts"), FieldPanel("cooldown_minutes")]),
                FieldPanel("review_policy"),
                FieldRowPanel([FieldPanel("requires_lessons"), FieldPanel("active")]),
            ],
            heading=_("Aturan"),
        ),
    ]

    class Meta:
        verbose_name = _("kuis")
        verbose_name_plural = _("kuis")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "kind"], condition=Q(active=True), name="quizzes_quiz_one_active_per_kind"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        names = self.draw_categories
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValidationError({"draw_categories": _("Kategori soal harus berupa daftar nama kategori.")})
        self.draw_categories = self.category_list

    @property
    def analysis_link(self):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', reverse("quizzes_item_analysis", args=[self.pk]), _("Analisis butir"))

    @property
    def quality_link(self):
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}?kuis={}">{}</a>', reverse("quizzes_bank_quality"), self.pk, _("Mutu butir"))

    @property
    def category_list(self) -> list[str]:
        """The draw categories, cleaned: stripped, without blanks or repeats, in order."""
        seen: list[str] = []
        names = self.draw_categories if isinstance(self.draw_categories, list) else []
        for name in names:
            name = str(name).strip()
            if name and name not in seen:
                seen.append(name)
        return seen


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", _("Sedang dikerjakan")
    SUBMITTED = "submitted", _("Dikirim")
    CLOSED = "closed", _("Ditutup saat waktu habis")


class Attempt(models.Model):
    quiz = models.ForeignKey(Quiz, verbose_name=_("kuis"), on_delete=models.PROTECT, related_name="attempts")
    employee = models.ForeignKey(
        "organizations.Employee", verbose_name=_("pegawai"), on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("percobaan ke"))
    state = models.CharField(_("status"), max_length=20, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    started_at = models.DateTimeField(_("mulai"), default=timezone.now)
    deadline = models.DateTimeField(_("batas waktu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    # [{"id", "type", "category", "text", "explanation", "choices": [{"id" (random, per attempt), "choice" (Choice pk), "text", "correct", "feedback"}]}] in the order shown
    snapshot = models.JSONField(default=list)
    answers = models.JSONField(default=dict)  # {"<question id>": [choice ids]}
    # {"<question id>": [type, [choice ids]]}: what an answer may be, computed at start so an
    # autosave validates without loading the snapshot (no key in it: the key stays there)
    answer_index = models.JSONField(default=dict)
    results = models.JSONField(default=dict)  # {"<question id>": true/false}, after grading
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("lulus"), null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("percobaan kuis")
        verbose_name_plural = _("percobaan kuis")
        constraints = [
            # one open attempt per learner and quiz, even under concurrent starts
            models.UniqueConstraint(
                fields=["quiz", "employee"], condition=Q(state="in_progress"), name="quizzes_attempt_one_open"
            ),
            # attempt numbers are unique per learner and quiz: two racing starts cannot both be "attempt 3"
            models.UniqueConstraint(fields=["quiz", "employee", "number"], name="quizzes_attempt_number_once"),
            models.CheckConstraint(
                condition=Q(state="in_progress") | Q(finished_at__isnull=False), name="quizzes_attempt_finished_has_time"
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="quizzes_attempt_state_deadline")]

    def __str__(self):
        return f"{self.quiz} #{self.number} · {self.employee}"

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    def is_past_deadline(self, now=None) -> bool:
        return self.deadline is not None and (now or timezone.now()) >= self.deadline


class QuestionImportStatus(models.TextChoices):
    STAGED = "staged", _("Diunggah")
    PENDING = "pending", _("Menunggu tinjauan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")


class QuestionImport(models.Model):
    """An uploaded question file, kept between preview and confirmation, and as a record.

    Confirming creates its new questions as drafts (`live=False`, never drawn) and sends the
    file to review as one batch: a reviewer other than the uploader approves (publishes) or
    rejects (deletes) them all at once, from the preview stored at upload."""

    filename = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"))
    # the preview as computed once at upload (importing.question_preview_pack): the review
    # pages read it instead of parsing the file on every request
    parsed = models.JSONField(_("isi terbaca"), null=True, blank=True, editable=False)
    applied = models.BooleanField(_("diterapkan"), default=False)
    created_count = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionImportStatus.choices, default=QuestionImportStatus.STAGED
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ditinjau oleh"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau pada"), null=True, blank=True)
    review_note = models.TextField(_("catatan tinjauan"), blank=True)

    class Meta:
        verbose_name = _("impor soal")
        verbose_name_plural = _("impor soal")
        ordering = ["-created_at"]
        permissions = [("import_questions", _("Dapat mengimpor soal"))]

    def __str__(self):
        return self.filename


class CoursePackageImport(models.Model):
    """An uploaded course package ZIP, kept between preview and load, and as a record.
    Private: read only by the import views, never served by a URL."""

    filename = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"))
    applied = models.BooleanField(_("dimuat"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("impor paket kursus")
        verbose_name_plural = _("impor paket kursus")
        ordering = ["-created_at"]
        permissions = [("import_course_packages", _("Dapat mengimpor paket kursus"))]

    def __str__(self):
        return self.filename
