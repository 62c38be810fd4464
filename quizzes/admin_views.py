"""Wagtail admin for editors: question bank, quiz settings, question import, item analysis."""


from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin.ui.tables import BooleanColumn, Column, LiveStatusTagColumn
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.snippets.views.snippets import ConfirmWorkflowCancellationView, SnippetViewSet

from core.exports import spreadsheet_response
from core.tables import TableFileError

from .importing import COLUMNS
from .models import Attempt, AttemptState, Question, QuestionImport, Quiz
from .scoring import item_statistics
from .services import ImportRejected, QuizRefused, question_import_confirm, question_import_stage


class GuardedConfirmWorkflowCancellationView(PermissionCheckedMixin, ConfirmWorkflowCancellationView):
    """Wagtail's view checks no permission: any admin user could read the confirmation
    (title and workflow of the object). Only those who may change the object see it."""

    permission_required = "change"


class _LegacyAddUrl:
    """The add form lived at new/ before these became snippets (add/): bookmarks still work."""

    def get_urlpatterns(self):
        from django.views.generic import RedirectView

        add = RedirectView.as_view(pattern_name=self.get_url_name("add"), query_string=True)
        return [*super().get_urlpatterns(), path("new/", add, name="new")]


class QuestionViewSet(_LegacyAddUrl, SnippetViewSet):
    """The question bank as Wagtail snippets: drafts, revisions, history and the course
    content review. URLs stay under /admin/bank-soal/ (namespace `quizzes_question`)."""

    model = Question
    url_prefix = "bank-soal"
    url_namespace = "quizzes_question"
    confirm_workflow_cancellation_view_class = GuardedConfirmWorkflowCancellationView
    icon = "help"
    menu_label = gettext_lazy("Bank soal")
    menu_order = 230
    add_to_admin_menu = True
    list_display = [
        Column("__str__", label=gettext_lazy("Pertanyaan")),
        "course",
        "category",
        Column("type", accessor="get_type_display", label=gettext_lazy("Jenis")),
        BooleanColumn("active", label=gettext_lazy("Aktif")),
        LiveStatusTagColumn(),  # live / draft / live + draft waiting for review
    ]
    list_filter = ["course", "type", "active"]
    search_fields = ["text", "category"]
    copy_view_enabled = False
    list_per_page = 50

    def get_permissions_to_register(self):
        return []


class QuizViewSet(_LegacyAddUrl, SnippetViewSet):
    """Quiz settings as Wagtail snippets: a change to a live quiz waits as a revision until a
    reviewer approves it in the course content review. URLs stay under /admin/kuis/."""

    model = Quiz
    url_prefix = "kuis"
    url_namespace = "quizzes_quiz"
    confirm_workflow_cancellation_view_class = GuardedConfirmWorkflowCancellationView
    icon = "tasks"
    menu_label = gettext_lazy("Kuis")
    menu_order = 231
    add_to_admin_menu = True
    list_display = [
        "title",
        "course",
        Column("kind", accessor="get_kind_display", label=gettext_lazy("Jenis")),
        "question_count",
        "pass_mark",
        BooleanColumn("active", label=gettext_lazy("Aktif")),
        Column("analysis_link", label=gettext_lazy("Analisis")),
        Column("quality_link", label=gettext_lazy("Mutu butir")),
        LiveStatusTagColumn(),
    ]
    list_filter = ["course", "kind", "active"]
    copy_view_enabled = False

    def get_permissions_to_register(self):
        return []


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


@require_http_methods(["GET", "POST"])
def question_import_view(request):
    from .forms import QuestionImportForm

    _require(request, "quizzes.import_questions")
    form = QuestionImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record, _preview = question_import_stage(filename=upload.name, content=upload.read(), acting_user=request.user)
        except TableFileError as exc:
            form.add_error("file", exc.message)
        else:
            return redirect("quizzes_import_preview", pk=record.pk)
    from .models import QuestionImportStatus

    # confirmed files, those waiting for review first: where reviewers find their batches
    batches = (
        QuestionImport.objects.exclude(status=QuestionImportStatus.STAGED)
        .select_related("uploaded_by", "reviewed_by")
        .defer("content", "parsed")
        .order_by(Case(When(status=QuestionImportStatus.PENDING, then=0), default=1), "-created_at")[:20]
    )
    return TemplateResponse(request, "quizzes/admin/import.html", {"form": form, "columns": COLUMNS, "batches": batches})


@require_http_methods(["GET"])
def question_import_preview_view(request, pk):
    """The file's preview as stored at upload; for a batch waiting for review, a reviewer
    other than the uploader approves or rejects it here."""
    from .models import QuestionImportStatus
    from .services import question_import_preview, question_import_review_problem

    _require(request, "quizzes.import_questions")
    record = get_object_or_404(QuestionImport.objects.select_related("uploaded_by", "reviewed_by"), pk=pk)
    try:
        preview = question_import_preview(record=record)
    except TableFileError as exc:
        messages.error(request, exc.message)
        return redirect("quizzes_import")
    pending = record.status == QuestionImportStatus.PENDING
    return TemplateResponse(
        request,
        "quizzes/admin/import_preview.html",
        {
            "record": record, "preview": preview, "counts": preview.counts,
            "can_confirm": not record.applied and not preview.has_errors,
            "pending": pending,
            "review_problem": question_import_review_problem(record=record, user=request.user) if pending else None,
            "drafts": record.questions.filter(live=False).count() if pending else 0,
        },
    )


@require_http_methods(["POST"])
def question_import_confirm_view(request, pk):
    _require(request, "quizzes.import_questions")
    record = get_object_or_404(QuestionImport, pk=pk)
    try:
        created = question_import_confirm(record=record, acting_user=request.user)
    except ImportRejected:
        messages.error(request, _("Berkas ini punya baris yang salah; tidak ada soal yang disimpan."))
        return redirect("quizzes_import_preview", pk=record.pk)
    except QuizRefused as refusal:
        messages.error(request, refusal.message)
        return redirect("quizzes_import_preview", pk=record.pk)
    if created:
        messages.success(
            request, _("%(count)s soal baru disimpan sebagai draf dan diajukan ke Peninjau Konten.") % {"count": created}
        )
    else:
        messages.success(request, _("Tidak ada soal baru dalam berkas ini."))
    return redirect("quizzes_import_preview", pk=record.pk)


@require_http_methods(["POST"])
def question_import_review_view(request, pk, decision):
    """Approve (`setujui`) or reject (`tolak`) a whole batch. Approving asks to tick that
    the preview was checked; rejecting asks for a reason. Bad input changes nothing."""
    from .services import question_import_approve, question_import_reject

    _require(request, "quizzes.publish_question")
    record = get_object_or_404(QuestionImport, pk=pk)
    try:
        if decision == "setujui":
            if request.POST.get("checked") != "1":
                messages.error(request, _("Centang bahwa Anda sudah memeriksa semua soal dalam pratinjau sebelum menyetujui."))
                return redirect("quizzes_import_preview", pk=record.pk)
            count = question_import_approve(record=record, acting_user=request.user)
            messages.success(request, _("Impor disetujui: %(count)s soal kini aktif di bank soal.") % {"count": count})
        else:
            count = question_import_reject(record=record, acting_user=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Impor ditolak: %(count)s draf soal dihapus.") % {"count": count})
    except QuizRefused as refusal:
        messages.error(request, refusal.message)
    return redirect("quizzes_import_preview", pk=record.pk)


def item_analysis(quiz: Quiz) -> list[dict]:
    """One row per question ever drawn in a graded attempt of `quiz`, worst first."""
    graded = Attempt.objects.filter(quiz=quiz).exclude(state=AttemptState.IN_PROGRESS).values_list("score", "results", "snapshot")
    texts: dict[str, str] = {}
    data = []
    for score, results, snapshot in graded.iterator(chunk_size=500):
        data.append((score, results))
        for question in snapshot:
            texts.setdefault(str(question["id"]), strip_tags(question["text"]))
    stats = item_statistics(data)
    rows = [{"id": qid, "text": texts.get(qid, ""), **values} for qid, values in stats.items()]
    rows.sort(key=lambda row: (not row["flags"], row["facility"]))
    return rows


@require_http_methods(["GET"])
def item_analysis_view(request, pk):
    _require(request, "quizzes.change_quiz")
    quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=pk)
    rows = item_analysis(quiz)
    if request.GET.get("format") == "xlsx":
        return _analysis_xlsx(quiz, rows)
    return TemplateResponse(request, "quizzes/admin/item_analysis.html", {"quiz": quiz, "rows": rows})


def _analysis_xlsx(quiz: Quiz, rows: list[dict]) -> HttpResponse:
    return spreadsheet_response(
        filename=f"analisis-butir-kuis-{quiz.pk}",
        fmt="xlsx",
        title="Analisis butir soal",
        filters=[("Kuis", quiz.title), ("Kursus", quiz.course.title)],
        header=["id_soal", "pertanyaan", "jumlah_jawaban", "indeks_kesukaran_persen", "daya_beda", "catatan"],
        rows=[[int(r["id"]), r["text"], r["answers"], r["facility"], r["discrimination"], "; ".join(r["flags"])] for r in rows],
    )


@require_http_methods(["GET"])
def bank_quality_view(request):
    """Item quality of the question banks: a course list with warning counts, or one course's
    (or one quiz's categories') warnings and bank size per category."""
    from courses.models import CoursePage

    from .quality import KEY_LONGEST_SHARE, LENGTH_MIN_DIFFERENCE, LENGTH_RATIO
    from .selectors import question_bank_warnings

    _require(request, "quizzes.change_question")
    context = {"ratio": LENGTH_RATIO, "min_difference": LENGTH_MIN_DIFFERENCE, "share": int(KEY_LONGEST_SHARE * 100)}
    quiz = course = None
    if request.GET.get("kuis"):
        quiz = get_object_or_404(Quiz.objects.select_related("course"), pk=_int_or_404(request.GET["kuis"]))
        course = quiz.course
    elif request.GET.get("kursus"):
        course = get_object_or_404(CoursePage, pk=_int_or_404(request.GET["kursus"]))
    if course is None:
        course_ids = Question.objects.in_use().values_list("course_id", flat=True).distinct()
        courses = CoursePage.objects.filter(pk__in=course_ids).order_by("title")
        context["courses"] = [(c, len(question_bank_warnings(course_id=c.pk)[0])) for c in courses]
        return TemplateResponse(request, "quizzes/admin/bank_quality.html", context)
    categories = quiz.category_list if quiz else None
    warnings, sizes = question_bank_warnings(course_id=course.pk, categories=categories)
    context.update(
        course=course, quiz=quiz, warnings=warnings, sizes=sizes, draw=_draw_rows(quiz, sizes) if quiz else [],
        quizzes=Quiz.objects.in_use().filter(course=course).order_by("-kind"),
        missing=[name for name in (categories or []) if name not in sizes],
    )
    return TemplateResponse(request, "quizzes/admin/bank_quality.html", context)


def _draw_rows(quiz: Quiz, sizes: dict[str, int]) -> list[dict]:
    """Per category the quiz draws from: bank size, questions per attempt (at most), and
    whether a second attempt must repeat questions (fewer than twice the draw)."""
    import math

    names = quiz.category_list or list(sizes)
    if not quiz.category_list:  # the whole bank is one group
        total = sum(sizes.values())
        per = min(quiz.question_count, total)
        return [{"name": _("seluruh bank"), "size": total, "per_attempt": per, "repeats": total < 2 * per}]
    per = math.ceil(quiz.question_count / len(names))
    rows = []
    for name in names:
        size = sizes.get(name, 0)
        rows.append({"name": name, "size": size, "per_attempt": min(per, size), "repeats": 0 < size < 2 * per})
    return rows


def _int_or_404(value: str) -> int:
    from django.http import Http404

    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def admin_urlpatterns():
    return [
        path("mutu-soal/", bank_quality_view, name="quizzes_bank_quality"),
        path("impor-soal/", question_import_view, name="quizzes_import"),
        path("impor-soal/<int:pk>/", question_import_preview_view, name="quizzes_import_preview"),
        path("impor-soal/<int:pk>/konfirmasi/", question_import_confirm_view, name="quizzes_import_confirm"),
        path("impor-soal/<int:pk>/setujui/", question_import_review_view, {"decision": "setujui"}, name="quizzes_import_approve"),
        path("impor-soal/<int:pk>/tolak/", question_import_review_view, {"decision": "tolak"}, name="quizzes_import_reject"),
        path("analisis-kuis/<int:pk>/", item_analysis_view, name="quizzes_item_analysis"),
    ]
