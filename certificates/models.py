"""Certificates: issued once per completed enrollment, frozen, hash-stamped, verifiable.

Everything printed on a certificate is copied onto the row at issue (name, NIP, OPD,
position, course, JP, score, date, signatory), and the PDF is rendered once and stored with
its SHA-256. Nothing recomputes either afterwards: a transfer, a name fix or a new logo
changes only certificates issued later.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from core.files import private_name, private_storage
from core.models import validate_plain_text

DEFAULT_NUMBER_PATTERN = "{seq:05d}/SERT-INT/{year}"


class SigningStatusPanel(HelpPanel):
    """Says at the top of the certificate settings whether new certificates will be signed."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            from django.template.loader import render_to_string

            from .signing import signer_status

            self.content = render_to_string("certificates/admin/signing_banner.html", {"status": signer_status()})

DEFAULT_PREDICATES = "90: Sangat Memuaskan\n80: Memuaskan\n70: Cukup Memuaskan\n0: Kurang Memuaskan"
MAX_IMAGE_BYTES = 2 * 1024 * 1024


def predicate_thresholds_parse(text: str) -> list[tuple[Decimal, str]]:
    """ "90: Sangat Memuaskan" per line -> [(90, "Sangat Memuaskan"), ...], strictly descending.
    Raises ValidationError naming the first bad line."""
    levels: list[tuple[Decimal, str]] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        minimum, sep, label = line.partition(":")
        label = " ".join(label.split())
        try:
            value = Decimal(minimum.strip().replace(",", "."))
        except InvalidOperation:
            value = None
        if not sep or value is None or not label or not (0 <= value <= 100) or len(label) > 40:
            raise ValidationError(
                _("Baris %(line)d tidak sah: tulis nilai minimum 0–100, titik dua, lalu predikat, misalnya \"90: Sangat Memuaskan\".")
                % {"line": number}
            )
        if levels and value >= levels[-1][0]:
            raise ValidationError(
                _("Baris %(line)d: nilai minimum harus lebih kecil dari baris sebelumnya (urut dari yang tertinggi).")
                % {"line": number}
            )
        levels.append((value, label))
    return levels


def predicate_for(score, levels: list[tuple[Decimal, str]]) -> str:
    if score is None:
        return ""
    for minimum, label in levels:
        if Decimal(score) >= minimum:
            return label
    return ""


def _image_problem(image) -> str:
    """Why a Wagtail image cannot go on a certificate, or "" when it can."""
    if image is None:
        return ""
    try:
        size = image.file.size
    except (OSError, ValueError):
        return _("Berkas gambar tidak ditemukan; unggah ulang.")
    if size > MAX_IMAGE_BYTES:
        return _("Gambar terlalu besar (%(size)s MB); maksimum 2 MB.") % {"size": f"{size / 1024 / 1024:.1f}".replace(".", ",")}
    try:
        from PIL import Image as PILImage

        with image.file.open("rb") as handle, PILImage.open(handle) as picture:
            picture.verify()
            if picture.format not in {"PNG", "JPEG", "GIF", "WEBP"}:
                raise ValueError(picture.format)
    except Exception:
        return _("Berkas ini bukan gambar PNG, JPEG, GIF atau WebP yang dapat dibaca.")
    finally:
        try:
            image.file.close()
        except Exception:  # noqa: S110 - closing a storage file is best effort
            pass
    return ""


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """What the Inspektorat puts on new certificates. Issued ones keep what they had."""

    issuer = models.CharField(
        _("pemerintah daerah (baris pertama kop)"), max_length=200, default="Pemerintah Kota Banjarbaru",
        validators=[validate_plain_text],
    )
    issuing_unit = models.CharField(
        _("unit penerbit"), max_length=200, default="Inspektorat Daerah", validators=[validate_plain_text]
    )
    address = models.CharField(
        _("alamat unit penerbit"), max_length=300, blank=True, validators=[validate_plain_text],
        help_text=_("Dicetak di bawah kop, misalnya alamat kantor, telepon dan laman."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("lambang daerah"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("PNG atau JPEG, paling besar 2 MB."),
    )
    title = models.CharField(_("judul sertifikat"), max_length=120, default="SERTIFIKAT", validators=[validate_plain_text])
    statement = models.CharField(
        _("kalimat pengantar"), max_length=300, default="telah menyelesaikan pelatihan integritas daring",
        validators=[validate_plain_text],
    )
    organiser = models.CharField(
        _("penyelenggara"), max_length=255, default="Inspektorat Daerah Kota Banjarbaru", validators=[validate_plain_text]
    )
    city = models.CharField(_("kota penerbitan"), max_length=80, default="Banjarbaru", validators=[validate_plain_text])
    predicate_thresholds = models.TextField(
        _("predikat menurut nilai"), max_length=1000, default=DEFAULT_PREDICATES, validators=[validate_plain_text],
        help_text=_("Satu baris per predikat, dari nilai tertinggi: nilai minimum, titik dua, predikat. Misalnya \"90: Sangat Memuaskan\"."),
    )
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True, validators=[validate_plain_text])
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    signatory_title = models.CharField(
        _("jabatan penanda tangan"), max_length=200, default="Inspektur Daerah Kota Banjarbaru", validators=[validate_plain_text]
    )
    signature = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("gambar tanda tangan"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number_pattern = models.CharField(
        _("pola nomor"),
        max_length=80,
        default=DEFAULT_NUMBER_PATTERN,
        help_text=_("Gunakan {seq} (nomor urut per tahun, misalnya {seq:05d}) dan {year}."),
    )

    panels = [
        SigningStatusPanel(heading=_("Tanda tangan elektronik")),
        MultiFieldPanel(
            [FieldPanel("issuer"), FieldPanel("issuing_unit"), FieldPanel("address"), FieldPanel("logo"), FieldPanel("city")],
            heading=_("Penerbit (kop)"),
        ),
        MultiFieldPanel(
            [FieldPanel("title"), FieldPanel("statement"), FieldPanel("organiser"), FieldPanel("number_pattern"),
             FieldPanel("predicate_thresholds")],
            heading=_("Teks"),
        ),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_nip"), FieldPanel("signatory_title"), FieldPanel("signature")],
            heading=_("Penanda tangan"),
        ),
    ]

    class Meta:
        verbose_name = _("pengaturan sertifikat")

    @property
    def predicate_levels(self) -> list[tuple[Decimal, str]]:
        try:
            return predicate_thresholds_parse(self.predicate_thresholds)
        except ValidationError:
            return predicate_thresholds_parse(DEFAULT_PREDICATES)

    def clean(self):
        errors = {}
        try:
            predicate_thresholds_parse(self.predicate_thresholds)
        except ValidationError as exc:
            errors["predicate_thresholds"] = exc.messages
        if self.signatory_nip and not (self.signatory_nip.isdigit() and len(self.signatory_nip) == 18):
            errors["signatory_nip"] = [_("NIP penanda tangan harus 18 digit angka.")]
        for name in ("logo", "signature"):
            problem = _image_problem(getattr(self, name))
            if problem:
                errors[name] = [problem]
        if errors:
            raise ValidationError(errors)
        try:
            sample = self.number_pattern.format(seq=1, year=2026)
        except (KeyError, IndexError, ValueError):
            raise ValidationError({"number_pattern": _("Pola nomor tidak sah: gunakan {seq} dan {year}.")}) from None
        if "{seq" not in self.number_pattern or "{year" not in self.number_pattern or len(sample) > 60:
            raise ValidationError({"number_pattern": _("Pola nomor harus memuat {seq} dan {year}.")})


class CertificateSequence(models.Model):
    """The last number used in a year; locked while a number is taken, so numbers have no
    gaps and no duplicates."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


def certificate_pdf_name(instance, filename: str) -> str:
    """certificates/<year>/<random>.pdf in private storage: not the verification code, which
    is printed on the certificate and so known to whoever holds a copy."""
    return private_name("certificates", filename)


class Certificate(models.Model):
    enrollment = models.ForeignKey("courses.Enrollment", on_delete=models.PROTECT, related_name="certificates")
    employee = models.ForeignKey("organizations.Employee", on_delete=models.PROTECT, related_name="certificates")
    course = models.ForeignKey("courses.CoursePage", on_delete=models.PROTECT, related_name="certificates")
    number = models.CharField(_("nomor"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField()
    sequence = models.PositiveIntegerField()
    code = models.CharField(_("kode verifikasi"), max_length=32, unique=True)
    # the facts as they were at issue
    full_name = models.CharField(_("nama"), max_length=200)
    nip = models.CharField(_("NIP"), max_length=18, blank=True)
    opd = models.ForeignKey("organizations.Opd", verbose_name=_("OPD saat terbit"), on_delete=models.PROTECT, related_name="+")
    opd_code = models.CharField(max_length=40)
    opd_name = models.CharField(_("nama OPD"), max_length=255)
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    pangkat_golongan = models.CharField(_("pangkat/golongan"), max_length=100, blank=True)
    course_title = models.CharField(_("judul kursus"), max_length=255)
    course_slug = models.SlugField(max_length=255, allow_unicode=True)
    jp_hours = models.PositiveSmallIntegerField(_("JP"))
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True, blank=True)
    pretest_score = models.DecimalField(_("nilai tes awal"), max_digits=5, decimal_places=2, null=True, blank=True)
    predicate = models.CharField(_("predikat"), max_length=40, blank=True)
    started_at = models.DateTimeField(_("mulai pelatihan"), null=True, blank=True)
    completed_at = models.DateTimeField(_("tanggal selesai"))
    organiser = models.CharField(_("penyelenggara"), max_length=255, blank=True)
    issuer_lines = models.JSONField(
        _("kop"), default=dict, blank=True, help_text="issuer, unit, address and city as printed at issue"
    )
    transcript = models.JSONField(
        _("transkrip"), default=dict, blank=True,
        help_text="lessons [{title, minutes}], total_minutes and predicate thresholds as printed at issue",
    )
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    pdf = models.FileField(upload_to=certificate_pdf_name, max_length=255, storage=private_storage)
    sha256 = models.CharField(_("SHA-256"), max_length=64, help_text="of the stored (signed) file")
    signed_by = models.CharField(_("ditandatangani secara elektronik oleh"), max_length=255, blank=True)
    signed_at = models.DateTimeField(_("waktu tanda tangan elektronik"), null=True, blank=True)
    # revocation
    is_current = models.BooleanField(default=True, help_text="False once replaced by a re-issued certificate.")
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True)
    replaced_by = models.ForeignKey(
        "self", verbose_name=_("diganti oleh"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )

    # A certificate is a frozen record, never edited in Wagtail's admin: indexing its links to
    # the course (4 rows in 3 queries per issue, issue 17) bought only a "used by" count of
    # certificates on the course, which the PROTECT foreign key already guards.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("sertifikat")
        verbose_name_plural = _("sertifikat")
        ordering = ["-issued_at"]
        constraints = [
            # one certificate per completed enrollment; a re-issue retires the old one first
            models.UniqueConstraint(fields=["enrollment"], condition=Q(is_current=True), name="certificates_one_current_per_enrollment"),
            models.UniqueConstraint(fields=["year", "sequence"], name="certificates_sequence_once_per_year"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""), name="certificates_revocation_has_reason"
            ),
        ]
        permissions = [("revoke_certificate", _("Dapat mencabut dan menerbitkan ulang sertifikat"))]

    def __str__(self):
        return f"{self.number} · {self.full_name}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, today=None) -> bool:
        return self.valid_until is not None and (today or timezone.localdate()) > self.valid_until

    @property
    def status(self) -> str:
        if self.is_revoked:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "valid"

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_by)

    @property
    def masked_nip(self) -> str:
        if len(self.nip) == 18:
            return f"{self.nip[:4]}{'*' * 10}{self.nip[-4:]}"
        return self.nip and "*" * len(self.nip)

    def get_status_display(self) -> str:
        return {"revoked": _("DICABUT"), "expired": _("KEDALUWARSA"), "valid": _("VALID")}[self.status]
