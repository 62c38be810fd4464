"""Question bank import from CSV or XLSX, with the roster import's discipline: a pure
preview per row (new / already there / error with the reason), then an all-or-nothing
apply of a file without errors.

Columns: kursus (course slug), kategori, jenis (tunggal | jamak | benar_salah), pertanyaan,
pilihan_a … pilihan_e (a and b required), kunci (letters, e.g. "B" or "A,C"), pembahasan,
umpan_balik_a … umpan_balik_e.
"""

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.translation import gettext as _

from core.tables import TableSpec, table_read
from courses.models import CoursePage

from .models import Question, QuestionType
from .scoring import choices_problem

LETTERS = "abcde"
COLUMNS = [
    "kursus", "kategori", "jenis", "pertanyaan", *[f"pilihan_{x}" for x in LETTERS], "kunci", "pembahasan",
    *[f"umpan_balik_{x}" for x in LETTERS],
]
OPTIONAL = frozenset({"kategori", "pembahasan", "pilihan_c", "pilihan_d", "pilihan_e", *[f"umpan_balik_{x}" for x in LETTERS]})
TYPES = {"tunggal": QuestionType.SINGLE, "jamak": QuestionType.MULTIPLE, "benar_salah": QuestionType.TRUE_FALSE}
SPEC = TableSpec(columns=COLUMNS, optional=OPTIONAL, max_bytes=2 * 1024 * 1024, max_rows=5000)

STATUS_NEW = "new"
STATUS_EXISTS = "exists"
STATUS_ERROR = "error"


@dataclass
class ImportRow:
    line: int
    status: str
    errors: list[str] = field(default_factory=list)
    course: CoursePage | None = None
    category: str = ""
    type: str = ""
    text: str = ""
    explanation: str = ""
    choices: list[tuple[str, bool, str]] = field(default_factory=list)


@dataclass
class QuestionPreview:
    rows: list[ImportRow]
    notices: list[str]
    # per course of the file: item-quality warnings for the bank as it would be after import
    quality: list[tuple[CoursePage, list]] = field(default_factory=list)

    @property
    def quality_count(self) -> int:
        return sum(len(warnings) for _course, warnings in self.quality)

    @property
    def counts(self) -> dict[str, int]:
        counts = {STATUS_NEW: 0, STATUS_EXISTS: 0, STATUS_ERROR: 0}
        for row in self.rows:
            counts[row.status] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.status == STATUS_ERROR for row in self.rows)


def _paragraph(text: str) -> str:
    """Plain cell text as rich text: escaped, so a cell cannot inject HTML."""
    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.splitlines() if line.strip())


def _cell(record: dict, name: str) -> str:
    return (record.get(name) or "").strip()


def questions_preview(*, filename: str, content: bytes) -> QuestionPreview:
    """Read and check every row; writes nothing. Raises TableFileError for an unreadable file."""
    records, notices = table_read(filename=filename, content=content, spec=SPEC)
    courses = {c.slug: c for c in CoursePage.objects.all()}
    existing = set(Question.objects.values_list("course_id", "text"))
    seen = set()
    rows = []
    for line, record in records:
        row = question_row_check(record=record, line=line)
        row.course = courses.get(_cell(record, "kursus"))
        if row.course is None:
            row.errors.insert(0, _("Kursus “%(slug)s” tidak ada (isi dengan slug kursus).") % {"slug": _cell(record, "kursus")})
        identity = (row.course.pk if row.course else None, row.text)
        if row.errors:
            row.status = STATUS_ERROR
        elif identity in existing:
            row.status = STATUS_EXISTS
        elif identity in seen:
            row.status = STATUS_ERROR
            row.errors.append(_("Pertanyaan yang sama muncul dua kali dalam berkas."))
        seen.add(identity)
        rows.append(row)
    return QuestionPreview(rows=rows, notices=notices, quality=_quality(rows))


def _quality(rows: list[ImportRow]) -> list[tuple[CoursePage, list]]:
    """Item-quality warnings per course: the course's active bank plus the file's new rows.
    Bank-level warnings always; per-question ones only when they involve a new row."""
    from .quality import BankItem, bank_warnings, question_bank_items

    new_rows: dict[int, list[ImportRow]] = {}
    for row in rows:
        if row.status == STATUS_NEW and row.course is not None:
            new_rows.setdefault(row.course.pk, []).append(row)
    result = []
    for course_rows in new_rows.values():
        course = course_rows[0].course
        bank = question_bank_items(Question.objects.in_use().filter(course=course).prefetch_related("choices"))
        bank += [
            BankItem(
                label=_("Baris %(line)s") % {"line": row.line}, stem=row.text, type=row.type,
                options=tuple((text, correct) for text, correct, _feedback in row.choices), new=True,
            )
            for row in course_rows
        ]
        warnings = [w for w in bank_warnings(bank) if w.code == "key_longest" or w.involves_new]
        if warnings:
            result.append((course, warnings))
    return result


def question_row_check(*, record: dict, line: int) -> ImportRow:
    """One row's checks that need no database: type, text, key, choices. The course column is
    the caller's to resolve (the bank import looks it up; a course package names itself)."""
    row = ImportRow(line=line, status=STATUS_NEW)
    if "__error__" in record:
        row.errors.append(record["__error__"])
    row.type = TYPES.get(_cell(record, "jenis").lower(), "")
    if not row.type:
        row.errors.append(_("Jenis harus tunggal, jamak, atau benar_salah."))
    row.category = _cell(record, "kategori")[:100]
    if not _cell(record, "pertanyaan"):
        row.errors.append(_("Pertanyaan kosong."))
    row.text = _paragraph(_cell(record, "pertanyaan"))
    row.explanation = _paragraph(_cell(record, "pembahasan"))
    key = {k.strip().lower() for k in _cell(record, "kunci").replace(";", ",").split(",") if k.strip()}
    unknown = key - set(LETTERS)
    if unknown or not key:
        row.errors.append(_("Kunci harus huruf pilihan, misalnya B atau A,C."))
    for letter in LETTERS:
        text = _cell(record, f"pilihan_{letter}")
        if text:
            row.choices.append((text[:500], letter in key, _cell(record, f"umpan_balik_{letter}")[:500]))
        elif letter in key:
            row.errors.append(_("Kunci %(letter)s menunjuk pilihan yang kosong.") % {"letter": letter.upper()})
    if row.type:
        problem = choices_problem(question_type=row.type, correct=sum(1 for c in row.choices if c[1]), total=len(row.choices))
        if problem and problem not in row.errors:
            row.errors.append(problem)
    return row


def question_preview_pack(preview: QuestionPreview) -> dict:
    """A preview as JSON kept with the staged upload (QuestionImport.parsed), so the
    preview and the reviewer's batch page show it without parsing the file again."""
    return {
        "rows": [
            {
                "line": row.line, "status": row.status, "errors": row.errors,
                "course": row.course.pk if row.course else None, "course_title": row.course.title if row.course else "",
                "category": row.category, "type": row.type, "text": row.text, "explanation": row.explanation,
                "choices": [list(choice) for choice in row.choices],
            }
            for row in preview.rows
        ],
        "notices": list(preview.notices),
        "quality": [
            {"course": course.pk, "course_title": course.title, "warnings": [{"code": w.code, "message": w.message} for w in warnings]}
            for course, warnings in preview.quality
        ],
    }


@dataclass
class StoredCourse:
    """The course of a stored preview row: its id and title as at upload."""

    pk: int
    title: str


def question_preview_unpack(data: dict) -> QuestionPreview:
    """The preview back from `question_preview_pack` (courses as id and title, warnings as
    code and message: what the pages show)."""
    courses: dict[int, StoredCourse] = {}

    def course(pk, title):
        if pk is None:
            return None
        return courses.setdefault(pk, StoredCourse(pk=pk, title=title))

    from .quality import QualityWarning

    rows = [
        ImportRow(
            line=r["line"], status=r["status"], errors=list(r["errors"]), course=course(r["course"], r["course_title"]),
            category=r["category"], type=r["type"], text=r["text"], explanation=r["explanation"],
            choices=[tuple(choice) for choice in r["choices"]],
        )
        for r in data["rows"]
    ]
    quality = [
        (course(q["course"], q["course_title"]), [QualityWarning(code=w["code"], message=w["message"]) for w in q["warnings"]])
        for q in data.get("quality", [])
    ]
    return QuestionPreview(rows=rows, notices=list(data.get("notices", [])), quality=quality)
