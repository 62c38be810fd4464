"""Files of a course package → `CoursePackage`, checking everything the format says.

Files come as `{relative path: bytes}`, from a folder or a ZIP (both read here, the ZIP with
limits: no paths outside the package, bounded size and count). Nothing touches the database
except the look-up of audience OPD codes.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from django.utils.translation import gettext as _

from .errors import PackageError, Problem
from .lessons import Lesson, lesson_from_markdown

FORMAT_VERSION = 1
CATEGORIES = ["gratifikasi", "konflik-kepentingan", "nilai-antikorupsi", "pelaporan", "umum"]
EMPLOYMENT_TYPES = ["PNS", "PPPK", "NON_ASN"]
REVIEW_POLICIES = ["score", "correctness", "correctness_until_done", "full"]
QUIZ_KINDS = ["pretest", "final"]
MAX_FILES = 500
MAX_TOTAL_BYTES = 200 * 1024 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MEDIA = re.compile(r"^media/[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+$")

COURSE_KEYS = [
    "format", "slug", "title", "summary", "objectives", "category", "jp", "mandatory", "for_opd_heads", "audience", "opens_on",
    "closes_on", "certificate_validity_months", "cover", "lessons", "quizzes",
]
REQUIRED_KEYS = {"format", "slug", "title", "summary", "category", "jp", "lessons"}
QUIZ_KEYS = [
    "title", "instructions", "categories", "question_count", "pass_mark", "time_limit_minutes", "max_attempts",
    "cooldown_minutes", "review_policy", "shuffle_questions", "shuffle_choices", "requires_lessons",
]


@dataclass
class QuizSpec:
    kind: str
    title: str
    instructions: str = ""
    categories: list[str] = field(default_factory=list)
    question_count: int = 10
    pass_mark: int = 70
    time_limit_minutes: int | None = None
    max_attempts: int | None = None
    cooldown_minutes: int | None = None
    review_policy: str = "correctness_until_done"
    shuffle_questions: bool = True
    shuffle_choices: bool = True
    requires_lessons: bool = True


@dataclass
class QuestionSpec:
    line: int
    category: str
    type: str
    text: str
    explanation: str
    choices: list[tuple[str, bool, str]]

    def identity(self):
        return (self.category, self.type, self.text, self.explanation, tuple(self.choices))


@dataclass
class CoursePackage:
    slug: str
    title: str
    summary: str
    objectives: list[str]
    category: str
    jp: int
    mandatory: bool
    for_opd_heads: bool
    audience_opds: list[str]
    employment_types: list[str]
    opens_on: datetime.date | None
    closes_on: datetime.date | None
    certificate_validity_months: int | None
    cover: str | None
    lessons: list[Lesson]
    quizzes: dict[str, QuizSpec]
    questions: list[QuestionSpec]
    media: dict[str, bytes]
    root: str = ""
    jp_line: int | None = None

    def course_fields(self) -> dict:
        return {
            "title": self.title, "summary": self.summary, "objectives": self.objectives, "category": self.category,
            "jp": self.jp, "mandatory": self.mandatory, "for_opd_heads": self.for_opd_heads, "audience_opds": sorted(self.audience_opds),
            "employment_types": self.employment_types, "opens_on": self.opens_on, "closes_on": self.closes_on,
            "certificate_validity_months": self.certificate_validity_months,
            "cover": (self.cover, self.media.get(self.cover)) if self.cover else None,
        }


# --- files -----------------------------------------------------------------------------------------


def package_files_from_dir(path: str | Path) -> dict[str, bytes]:
    root = Path(path)
    if not (root / "course.yaml").is_file():
        raise PackageError([Problem(str(root), None, _("Folder ini bukan paket kursus: course.yaml tidak ada."))])
    files = {}
    for item in sorted(root.rglob("*")):
        if item.is_file() and not any(part.startswith(".") for part in item.relative_to(root).parts):
            files[item.relative_to(root).as_posix()] = item.read_bytes()
    return files


def package_files_from_zip(content: bytes, *, name: str = "paket.zip") -> dict[str, bytes]:
    """Read a package ZIP safely: one top folder allowed, no absolute or `..` paths, bounded sizes."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise PackageError([Problem(name, None, _("Berkas bukan ZIP yang sah."))]) from None
    infos = [info for info in archive.infolist() if not info.is_dir()]
    problems = []
    if len(infos) > MAX_FILES:
        problems.append(Problem(name, None, _("ZIP berisi %(n)s berkas; batasnya %(max)s.") % {"n": len(infos), "max": MAX_FILES}))
    total = 0
    for info in infos:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or info.filename.startswith(("/", "\\")) or ":" in path.parts[0]:
            problems.append(Problem(name, None, _("ZIP memuat jalur berbahaya “%(path)s”; paket ditolak.") % {"path": info.filename}))
        if info.file_size > MAX_FILE_BYTES:
            problems.append(Problem(name, None, _("Berkas “%(path)s” terlalu besar.") % {"path": info.filename}))
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        problems.append(Problem(name, None, _("Isi ZIP terlalu besar (%(mb)s MB); batasnya %(max)s MB.") % {"mb": total // 1048576, "max": MAX_TOTAL_BYTES // 1048576}))
    if problems:
        raise PackageError(problems)
    names = [info.filename for info in infos if not any(p.startswith((".", "__MACOSX")) for p in PurePosixPath(info.filename).parts)]
    prefix = ""
    if "course.yaml" not in names:
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) == 1 and f"{next(iter(tops))}/course.yaml" in names:
            prefix = next(iter(tops)) + "/"
        else:
            raise PackageError([Problem(name, None, _("ZIP tidak memuat course.yaml (di akar atau dalam satu folder)."))])
    files = {}
    for info in infos:
        if info.filename in names and info.filename.startswith(prefix):
            with archive.open(info) as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
            if len(data) > MAX_FILE_BYTES:
                raise PackageError([Problem(name, None, _("Berkas “%(path)s” terlalu besar.") % {"path": info.filename})])
            files[info.filename[len(prefix) :]] = data
    return files


# --- course.yaml ---------------------------------------------------------------------------------


class _Yaml:
    """A YAML mapping with the line of each key, for messages."""

    def __init__(self, text: str, path: str, problems: list[Problem]):
        self.path, self.problems = path, problems
        self.data, self.lines = None, {}
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            self.data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problems.append(Problem(path, mark.line + 1 if mark else None, _("YAML tidak sah: %(error)s") % {"error": getattr(exc, "problem", None) or exc}))
            return
        if node is not None:
            self._index(node, ())

    def _index(self, node, prefix):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                path = (*prefix, key.value)
                self.lines[path] = key.start_mark.line + 1
                self._index(value, path)
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                self.lines[(*prefix, index)] = value.start_mark.line + 1
                self._index(value, (*prefix, index))

    def error(self, key_path, message):
        line = None
        while key_path and line is None:
            line = self.lines.get(tuple(key_path))
            key_path = key_path[:-1]
        self.problems.append(Problem(self.path, line, message))


def _check_keys(doc, mapping, allowed, where):
    for key in mapping:
        if key not in allowed:
            doc.error([*where, key], _("Kunci “%(key)s” tidak dikenal. Yang boleh: %(keys)s.") % {"key": key, "keys": ", ".join(allowed)})


def _int(doc, mapping, key, where, *, low, high, null=False, default=None):
    value = mapping.get(key, default)
    if value is None and null:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        doc.error([*where, key], _("%(key)s harus bilangan bulat %(low)s–%(high)s%(null)s.") % {"key": key, "low": low, "high": high, "null": _(" atau null") if null else ""})
        return default
    return value


def _bool(doc, mapping, key, where, default):
    value = mapping.get(key, default)
    if not isinstance(value, bool):
        doc.error([*where, key], _("%(key)s harus true atau false.") % {"key": key})
        return default
    return value


def _text(doc, mapping, key, where, *, max_length, required=True):
    value = mapping.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        doc.error([*where, key], _("%(key)s harus berupa teks dan tidak kosong.") % {"key": key})
        return ""
    value = value.strip()
    if len(value) > max_length:
        doc.error([*where, key], _("%(key)s paling banyak %(n)s karakter (ini %(len)s).") % {"key": key, "n": max_length, "len": len(value)})
    if re.search(r"<\s*/?\s*[A-Za-z][^<>]*>", value):
        doc.error([*where, key], _("%(key)s tidak boleh memuat HTML.") % {"key": key})
    return value


def _date(doc, mapping, key):
    value = mapping.get(key)
    if value is None or isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    doc.error([key], _("%(key)s harus tanggal YYYY-MM-DD atau null.") % {"key": key})
    return None


def _quiz(doc, kind, spec) -> QuizSpec | None:
    where = ["quizzes", kind]
    if not isinstance(spec, dict):
        doc.error(where, _("Pengaturan kuis harus berupa pasangan kunci: nilai."))
        return None
    _check_keys(doc, spec, QUIZ_KEYS, where)
    categories = spec.get("categories", [])
    if not isinstance(categories, list) or not all(isinstance(c, str) and _SLUG.match(c) for c in categories):
        doc.error([*where, "categories"], _("categories harus daftar kategori huruf kecil, misalnya [pengertian, pelaporan]."))
        categories = []
    policy = spec.get("review_policy", "correctness_until_done")
    if policy not in REVIEW_POLICIES:
        doc.error([*where, "review_policy"], _("review_policy harus salah satu dari: %(values)s.") % {"values": ", ".join(REVIEW_POLICIES)})
    return QuizSpec(
        kind=kind,
        title=_text(doc, spec, "title", where, max_length=200),
        instructions=_text(doc, spec, "instructions", where, max_length=2000, required=False),
        categories=categories,
        question_count=_int(doc, spec, "question_count", where, low=1, high=200, default=10),
        pass_mark=_int(doc, spec, "pass_mark", where, low=1, high=100, default=70),
        time_limit_minutes=_int(doc, spec, "time_limit_minutes", where, low=1, high=600, null=True),
        max_attempts=_int(doc, spec, "max_attempts", where, low=1, high=50, null=True),
        cooldown_minutes=_int(doc, spec, "cooldown_minutes", where, low=0, high=60 * 24 * 30, null=True),
        review_policy=policy,
        shuffle_questions=_bool(doc, spec, "shuffle_questions", where, True),
        shuffle_choices=_bool(doc, spec, "shuffle_choices", where, True),
        requires_lessons=_bool(doc, spec, "requires_lessons", where, kind == "final"),
    )


def package_read(files: dict[str, bytes], *, root: str = "") -> CoursePackage:
    """Check and parse a whole package; raises PackageError listing every problem found."""
    from organizations.models import Opd

    problems: list[Problem] = []
    prefix = f"{root.rstrip('/')}/" if root else ""

    def text_of(path):
        try:
            return files[path].decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError:
            problems.append(Problem(prefix + path, None, _("Berkas harus berenkode UTF-8.")))
            return None

    if "course.yaml" not in files:
        raise PackageError([Problem(prefix + "course.yaml", None, _("course.yaml tidak ada."))])
    source = text_of("course.yaml")
    if source is None:
        raise PackageError(problems)
    doc = _Yaml(source, prefix + "course.yaml", problems)
    data = doc.data
    if problems:
        raise PackageError(problems)
    if not isinstance(data, dict):
        raise PackageError([Problem(prefix + "course.yaml", 1, _("course.yaml harus berupa pasangan kunci: nilai."))])
    _check_keys(doc, data, COURSE_KEYS, [])
    for key in sorted(REQUIRED_KEYS - set(data)):
        doc.error([], _("Kunci wajib “%(key)s” tidak ada.") % {"key": key})
    if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
        doc.error(["format"], _("Format paket %(v)s tidak dikenal; versi yang didukung: 1.") % {"v": data.get("format")})
    slug = data.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug) or len(slug) > 100:
        doc.error(["slug"], _("slug harus huruf kecil, angka dan tanda hubung, misalnya mengenal-gratifikasi."))
        slug = ""
    objectives = data.get("objectives") or []
    if not isinstance(objectives, list) or not all(isinstance(o, str) and o.strip() for o in objectives):
        doc.error(["objectives"], _("objectives harus daftar teks, satu tujuan per butir."))
        objectives = []
    category = data.get("category")
    if category not in CATEGORIES:
        doc.error(["category"], _("category harus salah satu dari: %(values)s.") % {"values": ", ".join(CATEGORIES)})
    audience = data.get("audience") or {}
    opds, types = [], list(EMPLOYMENT_TYPES)
    if not isinstance(audience, dict):
        doc.error(["audience"], _("audience harus memuat opds dan employment_types."))
    else:
        _check_keys(doc, audience, ["opds", "employment_types"], ["audience"])
        opds = audience.get("opds") or []
        if not isinstance(opds, list) or not all(isinstance(c, str) for c in opds):
            doc.error(["audience", "opds"], _("audience.opds harus daftar kode OPD."))
            opds = []
        known = set(Opd.objects.filter(code__in=opds).values_list("code", flat=True))
        for index, code in enumerate(opds):
            if code not in known:
                doc.error(["audience", "opds", index], _("Kode OPD “%(code)s” tidak ada di daftar OPD.") % {"code": code})
        types = audience.get("employment_types", EMPLOYMENT_TYPES)
        if not isinstance(types, list) or not types or any(t not in EMPLOYMENT_TYPES for t in types):
            doc.error(["audience", "employment_types"], _("employment_types harus daftar tidak kosong dari PNS, PPPK, NON_ASN."))
            types = list(EMPLOYMENT_TYPES)
    opens_on, closes_on = _date(doc, data, "opens_on"), _date(doc, data, "closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        doc.error(["closes_on"], _("closes_on tidak boleh sebelum opens_on."))
    cover = data.get("cover")
    if cover is not None and (not isinstance(cover, str) or cover not in files or not cover.startswith("media/")):
        doc.error(["cover"], _("Berkas sampul “%(path)s” tidak ada di folder media/ paket.") % {"path": cover})
        cover = None

    media = {path: content for path, content in files.items() if path.startswith("media/")}
    for path in media:
        if not _MEDIA.match(path):
            problems.append(Problem(prefix + path, None, _("Nama berkas media harus huruf kecil, angka dan tanda hubung, misalnya media/alur-lapor.png.")))
    lessons = []
    names = data.get("lessons")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        doc.error(["lessons"], _("lessons harus daftar nama berkas di folder lessons/, paling sedikit satu."))
        names = []
    seen = set()
    for index, name in enumerate(names):
        path = f"lessons/{name}"
        if path not in files:
            doc.error(["lessons", index], _("Berkas pelajaran %(path)s tidak ada dalam paket.") % {"path": path})
            continue
        text = text_of(path)
        if text is None:
            continue
        lesson, found = lesson_from_markdown(path=prefix + path, text=text, media=set(media))
        problems.extend(found)
        if lesson:
            if lesson.slug in seen:
                doc.error(["lessons", index], _("Dua pelajaran memakai slug yang sama: %(slug)s.") % {"slug": lesson.slug})
            seen.add(lesson.slug)
            lessons.append(lesson)
    listed = {f"lessons/{n}" for n in names}
    for path in files:
        if path.startswith("lessons/") and path not in listed:
            problems.append(Problem(prefix + path, None, _("Berkas pelajaran ini tidak tercantum di lessons pada course.yaml.")))

    quizzes = {}
    quiz_data = data.get("quizzes") or {}
    if not isinstance(quiz_data, dict):
        doc.error(["quizzes"], _("quizzes harus memuat pretest dan/atau final."))
        quiz_data = {}
    _check_keys(doc, quiz_data, QUIZ_KINDS, ["quizzes"])
    for kind in QUIZ_KINDS:
        if kind in quiz_data:
            quiz = _quiz(doc, kind, quiz_data[kind])
            if quiz:
                quizzes[kind] = quiz

    package = CoursePackage(
        slug=slug,
        title=_text(doc, data, "title", [], max_length=255),
        summary=_text(doc, data, "summary", [], max_length=600),
        objectives=[o.strip() for o in objectives],
        category=category if category in CATEGORIES else "umum",
        jp=_int(doc, data, "jp", [], low=0, high=200, default=0),
        mandatory=_bool(doc, data, "mandatory", [], False),
        for_opd_heads=_bool(doc, data, "for_opd_heads", [], False),
        audience_opds=list(opds),
        employment_types=[t for t in EMPLOYMENT_TYPES if t in types],
        opens_on=opens_on,
        closes_on=closes_on,
        certificate_validity_months=_int(doc, data, "certificate_validity_months", [], low=1, high=120, null=True),
        cover=cover,
        lessons=lessons,
        quizzes=quizzes,
        questions=[],
        media=media,
        root=root,
        jp_line=doc.lines.get(("jp",)),
    )
    if "questions.csv" in files:
        package.questions = _questions(files["questions.csv"], slug, prefix + "questions.csv", problems)
    elif quizzes:
        problems.append(Problem(prefix + "questions.csv", None, _("Paket dengan kuis perlu questions.csv.")))
    _check_banks(package, doc, problems, prefix)
    if problems:
        raise PackageError(problems)
    return package


def _questions(content: bytes, slug: str, path: str, problems: list[Problem]) -> list[QuestionSpec]:
    from core.tables import TableFileError, table_read

    from ..importing import SPEC, question_row_check

    try:
        records, _notices = table_read(filename="questions.csv", content=content, spec=SPEC)
    except TableFileError as exc:
        problems.append(Problem(path, None, str(exc.message)))
        return []
    questions, seen = [], set()
    for line, record in records:
        row = question_row_check(record=record, line=line)
        if (record.get("kursus") or "").strip() != slug:
            row.errors.append(_("Kolom kursus harus “%(slug)s” (slug paket ini).") % {"slug": slug})
        for name, value in record.items():
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                row.errors.append(_("Sel %(col)s diawali “%(ch)s”; tidak boleh (rumus spreadsheet).") % {"col": name, "ch": value[:1]})
        if row.text in seen:
            row.errors.append(_("Pertanyaan yang sama muncul dua kali dalam berkas."))
        seen.add(row.text)
        for error in row.errors:
            problems.append(Problem(path, line, error))
        questions.append(
            QuestionSpec(line=line, category=row.category, type=row.type, text=row.text, explanation=row.explanation, choices=row.choices)
        )
    return questions


def _check_banks(package: CoursePackage, doc, problems, prefix):
    """Each quiz must be able to draw its questions from the bank the package brings."""
    for kind, quiz in package.quizzes.items():
        pool = [q for q in package.questions if not quiz.categories or q.category in quiz.categories]
        if len(pool) < quiz.question_count:
            doc.error(
                ["quizzes", kind, "question_count"],
                _("Kuis %(kind)s mengambil %(n)s soal, tetapi questions.csv hanya memuat %(have)s soal dari kategori %(cats)s.")
                % {"kind": kind, "n": quiz.question_count, "have": len(pool), "cats": ", ".join(quiz.categories) or _("mana pun")},
            )
