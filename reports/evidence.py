"""The evidence pack for KPK observers: one ZIP with the summary PDF, the recap, the
participants, the certificate manifest and the certificate PDFs, and its SHA-256.

    00_ringkasan.pdf   city coverage, the per-OPD table, filters, as-of date, generated-at,
                       signatory, and the SHA-256 of manifest.csv
    rekap.xlsx         per-OPD figures (all mandatory courses, then one sheet per course)
    peserta.csv        every employee in scope with their status
    manifest.csv       every certificate in scope with its SHA-256 and verification URL
    sertifikat/<OPD>/  the certificate PDFs as issued
"""

import csv
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from certificates.admin_views import certificates_write
from certificates.models import Certificate, CertificateSettings
from certificates.pdf import render_html_to_pdf, tanggal
from core.audit import audit_record
from core.exports import spreadsheet_safe
from courses.models import CoursePage, Enrollment

from .selectors import (
    STATUS_COMPLETED,
    ReportFilters,
    _mandatory_states,
    completion_report,
    heads_attach,
    mandatory_report,
)

logger = logging.getLogger(__name__)


class EvidenceScopeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class EvidencePack:
    sha256: str
    manifest_sha256: str
    opds: int
    employees: int
    certificates: int


STATUS_WORDS = {"completed": "selesai", "in_progress": "sedang berjalan", "not_started": "belum mulai", "not_enrolled": "belum terdaftar"}


def evidence_input_problem(*, scope, as_of) -> str:
    """Why a pack for `scope` as of `as_of` would be empty, or "" (message marked for translation)."""
    if not scope.exists():
        return gettext_noop("Cakupan kosong: tidak ada OPD untuk dimasukkan ke paket bukti.")
    if not Enrollment.objects.filter(enrolled_at__lt=ReportFilters(course=None, as_of=as_of).cutoff).exists():
        return gettext_noop("Belum ada data pelatihan sampai tanggal itu: pilih tanggal yang lebih baru.")
    return ""


def _no_progress(done: int, total: int, stage: str) -> None:
    pass


def _counted(items, total: int, progress, every: int = 25):
    """Pass `items` through, reporting progress every `every` items (steps 2..total+1)."""
    done = 0
    for item in items:
        yield item
        done += 1
        if done % every == 0:
            progress(2 + done, total + 3, "sertifikat")


def evidence_pack_build(*, out, scope, courses: list[CoursePage], as_of, acting_user=None, progress=_no_progress) -> EvidencePack:
    """Write the pack for the OPDs of `scope` (a queryset, already limited to what the
    requester may see) to `out` (a path or a seekable binary file).

    `progress(done, total, stage)` is called as the work advances: two steps for the
    figures, one per certificate, one for the summary."""
    problem = evidence_input_problem(scope=scope, as_of=as_of)
    if problem:
        raise EvidenceScopeError(problem)
    cutoff = ReportFilters(course=None, as_of=as_of).cutoff
    progress(0, 1, "rekap")
    mandatory = mandatory_report(user=None, filters=ReportFilters(course=None, as_of=as_of), scope=scope)
    per_course = [completion_report(user=None, filters=ReportFilters(course=course, as_of=as_of), scope=scope) for course in courses]
    states = _mandatory_states(user=None, filters=ReportFilters(course=None, as_of=as_of), scope=scope)
    certificates = Certificate.objects.filter(opd__in=scope, issued_at__lt=cutoff).order_by("opd_code", "number")
    if courses:
        certificates = certificates.filter(course__in=courses)
    total = certificates.count()
    heads_attach(mandatory)
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("rekap.xlsx", _recap_xlsx(mandatory, per_course, as_of))
        progress(1, total + 3, "peserta")
        archive.writestr("peserta.csv", _participants_csv(states))
        progress(2, total + 3, "sertifikat")
        manifest = certificates_write(archive, _counted(certificates.iterator(chunk_size=200), total, progress), prefix="sertifikat/")
        manifest_bytes = manifest.encode("utf-8")
        archive.writestr("manifest.csv", manifest_bytes)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        progress(total + 2, total + 3, "ringkasan")
        archive.writestr("00_ringkasan.pdf", _summary_pdf(mandatory, as_of=as_of, manifest_sha=manifest_sha, certificates=total))
    sha = _sha256_of(out)
    audit_record(
        instance=acting_user or scope.first(), action="integritas.evidence_pack", user=acting_user,
        data={"sha256": sha, "manifest_sha256": manifest_sha, "opds": sorted(scope.values_list("code", flat=True)),
              "courses": [c.slug for c in courses], "as_of": as_of.isoformat(), "certificates": total},
    )
    return EvidencePack(sha256=sha, manifest_sha256=manifest_sha, opds=len(mandatory.rows), employees=len(states), certificates=total)


def _sha256_of(out) -> str:
    digest = hashlib.sha256()
    if hasattr(out, "seek"):
        out.seek(0)
        while block := out.read(1024 * 1024):
            digest.update(block)
        return digest.hexdigest()
    with open(out, "rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _recap_xlsx(mandatory, per_course, as_of) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    header = ["kode_opd", "opd", "pegawai_aktif", "terdaftar", "sedang_berjalan", "selesai", "persen_selesai"]
    for index, report in enumerate([mandatory, *per_course]):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = ("Semua wajib" if index == 0 else report.filters.course.title)[:31].replace("/", "-")
        for key, value in report.filters.describe():
            sheet.append([key, spreadsheet_safe(value)])
        sheet.append([])
        sheet.append(header + (HEAD_HEADER if index == 0 else []))
        for row in [*report.rows, report.totals]:
            values = [row.code, row.name, row.employees, row.enrolled, row.in_progress, row.completed, row.percent]
            if index == 0:
                values += _head_cells(getattr(row, "head", None), row is report.totals)
            sheet.append([spreadsheet_safe(v) for v in values])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HEAD_HEADER = ["kepala_opd", "kepala_selesai_semua_wajib", "tinjauan_terakhir_kepala"]


def _head_cells(head: dict | None, totals: bool) -> list[str]:
    if totals:
        return ["", "", ""]
    if head is None:
        return ["(belum ditetapkan)", "", ""]
    last = timezone.localtime(head["last_review"]).strftime("%Y-%m-%d %H:%M") if head["last_review"] else "belum pernah"
    return [head["name"], "ya" if head["completed"] else "belum", last]


def _participants_csv(states) -> bytes:
    from organizations.models import Employee

    status_of = {employee_id: state for employee_id, _opd, state in states}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["nip", "nama", "jabatan", "jenis_pegawai", "opd_kode", "opd", "status_semua_kursus_wajib"])
    for employee in Employee.objects.filter(pk__in=status_of).select_related("opd").order_by("opd__code", "full_name").iterator(chunk_size=1000):
        writer.writerow([spreadsheet_safe(v) for v in (
            employee.nip or "", employee.full_name, employee.position, employee.employment_type, employee.opd.code, employee.opd.name,
            STATUS_WORDS[status_of[employee.pk]],
        )])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _summary_pdf(mandatory, *, as_of, manifest_sha, certificates) -> bytes:
    settings_obj = CertificateSettings.load()
    html = render_to_string(
        "reports/evidence_summary.html",
        {
            "report": mandatory, "as_of": tanggal(as_of), "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M WITA"),
            "manifest_sha": manifest_sha, "certificates": certificates, "settings": settings_obj, "completed": STATUS_COMPLETED,
        },
    )
    return render_html_to_pdf(html)


# --- packs requested from the admin, built in the background -------------------------------------


def can_build_evidence(user) -> bool:
    """Auditors and HR (every OPD) and coordinators (their OPDs); observers only read."""
    from organizations.models import Role
    from organizations.permissions import has_role, is_read_only, sees_all_opds

    return (sees_all_opds(user) or has_role(user, Role.COORDINATOR)) and not is_read_only(user)


def evidence_pack_request(*, user, opd_ids: list[int], course_ids: list[int], as_of):
    """Record the request and queue the task once the request is committed."""
    from django.db import transaction

    from .models import EvidencePack
    from .tasks import evidence_pack_task

    pack = EvidencePack.objects.create(requested_by=user, opd_ids=sorted(opd_ids), course_ids=sorted(course_ids), as_of=as_of)
    transaction.on_commit(lambda: evidence_pack_task.enqueue(pack.pk))
    return pack


def evidence_pack_run(pack_id: int) -> str:
    """Build a requested pack: the requester's scope is read again now, not trusted from the
    request, so a coordinator moved to another OPD meanwhile gets only what they may see."""
    import tempfile
    from datetime import timedelta

    from django.conf import settings
    from django.core.files import File

    from organizations.selectors import opds_visible_to

    from .models import EvidencePack, EvidencePackStatus

    # Claiming is one UPDATE, so a duplicated task cannot build the same pack twice.
    if not EvidencePack.objects.filter(pk=pack_id, status=EvidencePackStatus.QUEUED).update(status=EvidencePackStatus.RUNNING, stage="rekap"):
        return ""
    pack = EvidencePack.objects.select_related("requested_by").get(pk=pack_id)
    user = pack.requested_by

    def fail(message: str) -> str:
        EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePackStatus.FAILED, error=message, finished_at=timezone.now())
        return ""

    if not user.is_active or not can_build_evidence(user):
        return fail(gettext_noop("Peminta tidak lagi berwenang membuat paket bukti."))
    visible = opds_visible_to(user)
    scope = visible.filter(pk__in=pack.opd_ids) if pack.opd_ids else visible.filter(active=True)
    courses = list(CoursePage.objects.filter(pk__in=pack.course_ids).order_by("title"))

    def progress(done: int, total: int, stage: str) -> None:
        EvidencePack.objects.filter(pk=pack.pk).update(done=done, total=total, stage=stage)

    with tempfile.TemporaryFile() as handle:
        try:
            result = evidence_pack_build(out=handle, scope=scope, courses=courses, as_of=pack.as_of, acting_user=user, progress=progress)
        except EvidenceScopeError as exc:
            return fail(exc.message)
        except Exception:
            logger.exception("evidence pack %s failed", pack.pk)
            fail(gettext_noop("Terjadi kesalahan saat membuat paket; tim teknis dapat melihat lognya. Silakan coba lagi."))
            raise
        handle.seek(0)
        pack.file.save(f"paket-bukti-{pack.as_of:%Y%m%d}-{pack.pk}.zip", File(handle), save=False)
    now = timezone.now()
    EvidencePack.objects.filter(pk=pack.pk).update(
        status=EvidencePackStatus.DONE, file=pack.file.name, size=pack.file.size, sha256=result.sha256, manifest_sha256=result.manifest_sha256,
        summary={"opds": result.opds, "employees": result.employees, "certificates": result.certificates},
        finished_at=now, expires_at=now + timedelta(hours=settings.EVIDENCE_PACK_TTL_HOURS), stage="",
    )
    return result.sha256


def evidence_packs_expire(now=None) -> int:
    """Delete the files of packs past their expiry; the row stays, marked expired."""
    from .models import EvidencePack, EvidencePackStatus

    now = now or timezone.now()
    expired = 0
    for pack in EvidencePack.objects.filter(status=EvidencePackStatus.DONE, expires_at__lte=now):
        if pack.file:
            pack.file.delete(save=False)
        EvidencePack.objects.filter(pk=pack.pk).update(status=EvidencePackStatus.EXPIRED, file="")
        expired += 1
    return expired
