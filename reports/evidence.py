"""The evidence pack for KPK observers: one ZIP that an observer can read and check with
common tools (DESIGN.md invariant 12).

    00_ringkasan.pdf     the summary: legal basis, city coverage, per course, every OPD in
                         scope, OPD heads, who has not finished, revoked certificates, the
                         SHA-256 of manifest.csv and of the other data files, signatory;
                         signed electronically when a signing key is configured
    rekap.xlsx           all mandatory courses, one sheet per course, the OPD heads' sheet
    belum-selesai.xlsx   per OPD, who has not completed which mandatory course
    peserta.csv          every employee in scope with their status
    manifest.csv         one row per certificate: SHA-256, verification URL, file in the pack
    sertifikat/<OPD>/    the valid certificate PDFs as issued
    sertifikat-dicabut/<OPD>/  the revoked ones, as issued (the stored file never changes)
    BACA-SAYA.txt        how to check the pack
    SHA256SUMS           the SHA-256 of every other file, as `sha256sum -c SHA256SUMS` reads
"""

import csv
import hashlib
import io
import logging
import zipfile
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_noop

from certificates.admin_views import certificates_write
from certificates.models import Certificate, CertificateSettings
from core.audit import audit_record
from core.exports import spreadsheet_safe
from courses.models import CoursePage, Enrollment

from .evidence_pdf import SummaryCourse, SummaryData, SummaryOpd, SummaryRevoked, summary_pdf
from .evidence_xlsx import STATUS_WORDS, not_done_xlsx, recap_xlsx
from .selectors import (
    ReportFilters,
    _mandatory_states,
    completion_report,
    heads_attach,
    mandatory_gaps,
    mandatory_report,
    report_include_every_opd,
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
    signed: bool = False
    revoked: int = 0
    signing_problem: str = ""  # a key is configured but could not sign: why


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


def sha256sums_line(sha: str, name: str) -> str:
    """One line of GNU `sha256sum` output (text mode); a name with a backslash or a newline
    is escaped the way `sha256sum -c` expects."""
    if "\\" in name or "\n" in name or "\r" in name:
        escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{sha}  {escaped}\n"
    return f"{sha}  {name}\n"


def _summary_signer():
    """(`sign_pdf`, status) when the certificates' signing key can sign now; (None, status)
    otherwise (`status.problem` says why when a key is configured but unusable)."""
    from certificates import signing

    status = signing.signer_status()
    return (signing.sign_pdf if status.configured and status.ok else None), status


def evidence_pack_build(*, out, scope, courses: list[CoursePage], as_of, acting_user=None, progress=_no_progress) -> EvidencePack:
    """Write the pack for the OPDs of `scope` (a queryset, already limited to what the
    requester may see) to `out` (a path or a seekable binary file).

    `courses` limits the certificates and gets a recap sheet each; without any, every
    live mandatory course does. `progress(done, total, stage)` is called as the work
    advances: two steps for the figures, one per certificate, one for the summary.
    The number of queries does not grow with the OPDs, employees or certificates."""
    from courses.selectors import courses_with_audience

    problem = evidence_input_problem(scope=scope, as_of=as_of)
    if problem:
        raise EvidenceScopeError(problem)
    filters = ReportFilters(course=None, as_of=as_of)
    cutoff = filters.cutoff
    generated = timezone.now()
    progress(0, 1, "rekap")
    mandatory = mandatory_report(user=None, filters=filters, scope=scope)
    roster = report_include_every_opd(mandatory, scope)
    heads_attach(mandatory)
    live = courses_with_audience()
    sheet_courses = courses or [c for c in live if c.mandatory]
    per_course = [completion_report(user=None, filters=ReportFilters(course=course, as_of=as_of), scope=scope) for course in sheet_courses]
    states = _mandatory_states(user=None, filters=filters, scope=scope)
    gaps = mandatory_gaps(filters=filters, scope=scope)
    certificates = Certificate.objects.filter(opd__in=scope, issued_at__lt=cutoff).order_by("opd_code", "number")
    if courses:
        certificates = certificates.filter(course__in=courses)
    total = certificates.count()
    per_course_certificates = dict(certificates.filter(revoked_at__isnull=True).values("course_id").annotate(n=Count("pk")).order_by().values_list("course_id", "n"))
    revoked = list(
        certificates.filter(revoked_at__isnull=False).select_related("replaced_by").order_by("revoked_at", "number")
        .only("number", "full_name", "opd_code", "opd_name", "course_title", "revoked_at", "revocation_reason", "replaced_by__number")
    )
    sums: dict[str, str] = {}

    def put(archive, name: str, data: bytes) -> None:
        archive.writestr(name, data)
        sums[name] = hashlib.sha256(data).hexdigest()

    mandatory_titles = {c.pk: c.title for c in live if c.mandatory}
    with zipfile.ZipFile(out, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        put(archive, "rekap.xlsx", recap_xlsx(mandatory=mandatory, per_course=per_course, roster=roster, as_of=as_of, generated=generated))
        put(archive, "belum-selesai.xlsx", not_done_xlsx(opds=mandatory.rows, gaps=gaps, courses=mandatory_titles, as_of=as_of, generated=generated))
        progress(1, total + 3, "peserta")
        put(archive, "peserta.csv", _participants_csv(states))
        progress(2, total + 3, "sertifikat")
        certificate_sums: dict[str, str] = {}
        manifest = certificates_write(archive, _counted(certificates.iterator(chunk_size=200), total, progress), prefix="sertifikat/", sums=certificate_sums)
        manifest_bytes = manifest.encode("utf-8")
        put(archive, "manifest.csv", manifest_bytes)
        manifest_sha = sums["manifest.csv"]
        progress(total + 2, total + 3, "ringkasan")
        data_files = [(name, sums[name]) for name in ("manifest.csv", "rekap.xlsx", "belum-selesai.xlsx", "peserta.csv")]
        demo_key = _summary_signer()[1].is_demo
        summary, signed, signing_problem = _summary(
            mandatory=mandatory, roster=roster, per_course=per_course, per_course_certificates=per_course_certificates, gaps=gaps,
            mandatory_titles=mandatory_titles, revoked=revoked, scope_label=_scope_label(mandatory, courses), as_of=as_of,
            generated=generated, files=data_files, manifest_sha=manifest_sha, certificates=total,
        )
        put(archive, "00_ringkasan.pdf", summary)
        put(archive, "BACA-SAYA.txt", _readme(signed=signed, certificates=total, revoked=len(revoked), problem=signing_problem, demo_key=signed and demo_key).encode("utf-8"))
        sums.update(certificate_sums)
        archive.writestr("SHA256SUMS", "".join(sha256sums_line(sums[name], name) for name in sorted(sums)).encode("utf-8"))
    sha = _sha256_of(out)
    audit_record(
        instance=acting_user or scope.first(), action="integritas.evidence_pack", user=acting_user,
        data={"sha256": sha, "manifest_sha256": manifest_sha, "opds": sorted(scope.values_list("code", flat=True)),
              "courses": [c.slug for c in courses], "as_of": as_of.isoformat(), "certificates": total, "signed": signed, "signing_problem": signing_problem},
    )
    return EvidencePack(sha256=sha, manifest_sha256=manifest_sha, opds=len(mandatory.rows), employees=len(states), certificates=total,
                        signed=signed, revoked=len(revoked), signing_problem=signing_problem)


def _scope_label(mandatory, courses) -> str:
    label = f"{len(mandatory.rows)} OPD"
    if courses:
        label += "; sertifikat kursus: " + ", ".join(c.title for c in courses)
    else:
        label += "; sertifikat semua kursus"
    return label


def _summary(*, mandatory, roster, per_course, per_course_certificates, gaps, mandatory_titles, revoked, scope_label, as_of, generated,
             files, manifest_sha, certificates) -> tuple[bytes, bool, str]:
    from certificates import signing
    from core.models import ProgramSettings

    settings_obj = CertificateSettings.load()
    program = ProgramSettings.load()
    not_done: dict[int, set] = {}
    per_opd_course: dict[int, dict[str, int]] = {}
    for gap in gaps:
        not_done.setdefault(gap.opd_id, set()).add(gap.employee_id)
        counts = per_opd_course.setdefault(gap.opd_id, {})
        title = mandatory_titles.get(gap.course_id, "")
        counts[title] = counts.get(title, 0) + 1
    opds = [
        SummaryOpd(code=row.code, name=row.name, roster=roster.get(row.opd_id, 0), employees=row.employees, enrolled=row.enrolled,
                   in_progress=row.in_progress, completed=row.completed, head=row.head,
                   gaps={t: per_opd_course.get(row.opd_id, {}).get(t, 0) for t in mandatory_titles.values()},
                   not_done=len(not_done.get(row.opd_id, ())))
        for row in mandatory.rows
    ]
    course_rows = []
    for report in per_course:
        course, t = report.filters.course, report.totals
        course_rows.append(SummaryCourse(title=course.title, jp=course.jp_hours, mandatory=course.mandatory, employees=t.employees, enrolled=t.enrolled,
                                         in_progress=t.in_progress, completed=t.completed, certificates=per_course_certificates.get(course.pk, 0)))
    signer, status = _summary_signer()
    problem = status.problem if status.configured and not status.ok else ""
    # The demo's fictional signatory (marked "(demo)") only while the site runs the demo, as on
    # the certificates (certificates.services._signatory).
    name, nip = settings_obj.signatory_name, settings_obj.signatory_nip
    if "(demo)" in name.lower() and not program.demo_site:
        name, nip = "", ""
    data = SummaryData(
        issuer=settings_obj.issuer, as_of=as_of, generated_at=generated, scope_label=scope_label, opds=opds, courses=course_rows,
        revoked=[SummaryRevoked(number=c.number, full_name=c.full_name, opd=f"{c.opd_code} · {c.opd_name}", course=c.course_title,
                                revoked_at=c.revoked_at, reason=c.revocation_reason, replaced_by=c.replaced_by.number if c.replaced_by_id else "")
                 for c in revoked],
        basis=program.program_basis_paragraphs, files=files, manifest_sha=manifest_sha, certificates=certificates,
        certificates_revoked=len(revoked), city=settings_obj.city, signatory_title=settings_obj.signatory_title,
        signatory_name=name, signatory_nip=nip, signed=signer is not None, signature_issuer=status.issuer if signer else "",
    )
    pdf = summary_pdf(data)
    if signer is None:
        return pdf, False, problem
    try:
        return signer(pdf, reason="Ringkasan paket bukti pelatihan integritas ASN"), True, ""
    except (signing.SigningUnavailable, signing.SigningError) as exc:
        # The key went missing or became unusable between the check and now: hand over an
        # honest unsigned summary (without the signed statement) and say why.
        logger.warning("evidence summary could not be signed: %s", exc)
        data.signed = False
        return summary_pdf(data), False, getattr(exc, "message", str(exc))


def _readme(*, signed: bool, certificates: int, revoked: int, problem: str = "", demo_key: bool = False) -> str:
    signature = (
        ("PERHATIAN: penanda tangannya sertifikat DEMO, bukan sertifikat elektronik resmi; paket ini hanya contoh.\n   " if demo_key else "")
        + "00_ringkasan.pdf ditandatangani secara elektronik, juga sertifikat yang diterbitkan dengan kunci penandatanganan.\n"
        "   Buka di pembaca PDF (misalnya Adobe Acrobat Reader)\n"
        "   dan lihat panel tanda tangan: tanda tangan sah bila berkas tidak berubah sejak ditandatangani; percayai sertifikat\n"
        "   penanda tangan dari otoritas sertifikasinya (BSrE untuk instansi pemerintah)."
        if signed else
        "00_ringkasan.pdf dalam paket ini TIDAK ditandatangani secara elektronik: "
        + (f"kunci penandatanganan tidak dapat dipakai ({problem}).\n" if problem else "kunci penandatanganan belum dipasang di\n   server Integritas.\n")
        + "   Keasliannya diperiksa dengan SHA256SUMS dan SHA-256 paket yang tercatat di Integritas. Sertifikat yang diterbitkan\n"
        "   dengan kunci penandatanganan tetap bertanda tangan; periksa masing-masing di pembaca PDF."
    )
    return (
        "PAKET BUKTI PELATIHAN INTEGRITAS ASN\r\n"
        "=====================================\r\n\r\n"
        "Isi paket\r\n"
        "  00_ringkasan.pdf     ringkasan untuk dibaca lebih dulu\r\n"
        "  rekap.xlsx           rekap per OPD: semua kursus wajib, per kursus, kepala OPD\r\n"
        "  belum-selesai.xlsx   per OPD, pegawai yang belum menyelesaikan kursus wajib\r\n"
        "  peserta.csv          setiap pegawai dalam cakupan dengan statusnya\r\n"
        f"  manifest.csv         satu baris per sertifikat ({certificates}): SHA-256, alamat verifikasi, letak berkas\r\n"
        "  sertifikat/          sertifikat yang berlaku, per OPD, sebagaimana diterbitkan\r\n"
        f"  sertifikat-dicabut/  sertifikat yang dicabut ({revoked}), sebagaimana diterbitkan; tidak berlaku\r\n"
        "  SHA256SUMS           SHA-256 setiap berkas lain dalam paket\r\n\r\n"
        "Cara memeriksa\r\n"
        "1. Keutuhan berkas. Di folder hasil ekstrak jalankan:\r\n"
        "       sha256sum -c SHA256SUMS\r\n"
        "   Setiap baris harus berakhiran OK. Di Windows: certutil -hashfile NAMA-BERKAS SHA256, lalu bandingkan.\r\n"
        "   SHA-256 manifest.csv juga tercetak di 00_ringkasan.pdf.\r\n"
        "2. Tanda tangan elektronik. " + signature.replace("\n", "\r\n") + "\r\n"
        "3. Setiap sertifikat. Pindai kode QR-nya atau buka alamat verifikasi di manifest.csv: halaman verifikasi\r\n"
        "   menunjukkan data yang dibekukan saat terbit, SHA-256 berkas, dan status (VALID / DICABUT).\r\n"
    )


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
        summary={"opds": result.opds, "employees": result.employees, "certificates": result.certificates, "revoked": result.revoked,
                 "signed": result.signed, "signing_problem": result.signing_problem},
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
