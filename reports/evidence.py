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
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from certificates.admin_views import certificates_write
from certificates.models import Certificate, CertificateSettings
from certificates.pdf import render_html_to_pdf, tanggal
from core.audit import audit_record
from core.exports import spreadsheet_safe
from courses.models import CoursePage

from .selectors import STATUS_COMPLETED, ReportFilters, _mandatory_states, completion_report, mandatory_report


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


def evidence_pack_build(*, out, scope, courses: list[CoursePage], as_of, acting_user=None) -> EvidencePack:
    """Write the pack for the OPDs of `scope` (a queryset, already limited to what the
    requester may see) to `out` (a path or a seekable binary file)."""
    if not scope.exists():
        raise EvidenceScopeError("Cakupan kosong: tidak ada OPD untuk dimasukkan ke paket bukti.")
    mandatory = mandatory_report(user=None, filters=ReportFilters(course=None, as_of=as_of), scope=scope)
    per_course = [completion_report(user=None, filters=ReportFilters(course=course, as_of=as_of), scope=scope) for course in courses]
    states = _mandatory_states(user=None, filters=ReportFilters(course=None, as_of=as_of), scope=scope)
    cutoff = ReportFilters(course=None, as_of=as_of).cutoff
    certificates = Certificate.objects.filter(opd__in=scope, issued_at__lt=cutoff).order_by("opd_code", "number")
    if courses:
        certificates = certificates.filter(course__in=courses)
    total = certificates.count()
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr("rekap.xlsx", _recap_xlsx(mandatory, per_course, as_of))
        archive.writestr("peserta.csv", _participants_csv(states))
        manifest = certificates_write(archive, certificates.iterator(chunk_size=200), prefix="sertifikat/")
        manifest_bytes = manifest.encode("utf-8")
        archive.writestr("manifest.csv", manifest_bytes)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
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
        sheet.append(header)
        for row in [*report.rows, report.totals]:
            sheet.append([spreadsheet_safe(v) for v in (row.code, row.name, row.employees, row.enrolled, row.in_progress, row.completed, row.percent)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
