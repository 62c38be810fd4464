"""Certificates: issued once per completed enrollment, frozen, hash-stamped, verifiable.

Everything printed on a certificate is copied onto the row at issue (name, NIP, OPD,
position, course, JP, score, date, signatory), and the PDF is rendered once and stored with
its SHA-256. Nothing recomputes either afterwards: a transfer, a name fix or a new logo
changes only certificates issued later.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

DEFAULT_NUMBER_PATTERN = "{seq:05d}/SERT-INT/{year}"


@register_setting(icon="doc-full")
class CertificateSettings(BaseGenericSetting):
    """What the Inspektorat puts on new certificates. Issued ones keep what they had."""

    issuer = models.CharField(
        _("penerbit"), max_length=200, default="Pemerintah Kota Banjarbaru · Inspektorat Daerah"
    )
    logo = models.ForeignKey("wagtailimages.Image", verbose_name=_("logo"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(_("judul sertifikat"), max_length=120, default="SERTIFIKAT")
    statement = models.CharField(
        _("kalimat pengantar"), max_length=300, default="telah menyelesaikan pelatihan integritas daring"
    )
    city = models.CharField(_("kota penerbitan"), max_length=80, default="Banjarbaru")
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=18, blank=True)
    signatory_title = models.CharField(_("jabatan penanda tangan"), max_length=200, default="Inspektur Daerah Kota Banjarbaru")
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
        MultiFieldPanel([FieldPanel("issuer"), FieldPanel("logo"), FieldPanel("city")], heading=_("Penerbit")),
        MultiFieldPanel([FieldPanel("title"), FieldPanel("statement"), FieldPanel("number_pattern")], heading=_("Teks")),
        MultiFieldPanel(
            [FieldPanel("signatory_name"), FieldPanel("signatory_nip"), FieldPanel("signatory_title"), FieldPanel("signature")],
            heading=_("Penanda tangan"),
        ),
    ]

    class Meta:
        verbose_name = _("pengaturan sertifikat")

    def clean(self):
        from django.core.exceptions import ValidationError

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
    course_title = models.CharField(_("judul kursus"), max_length=255)
    course_slug = models.SlugField(max_length=255, allow_unicode=True)
    jp_hours = models.PositiveSmallIntegerField(_("JP"))
    score = models.DecimalField(_("nilai"), max_digits=5, decimal_places=2, null=True, blank=True)
    completed_at = models.DateTimeField(_("tanggal selesai"))
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_nip = models.CharField(max_length=18, blank=True)
    signatory_title = models.CharField(max_length=200, blank=True)
    issued_at = models.DateTimeField(_("diterbitkan"), default=timezone.now)
    valid_until = models.DateField(_("berlaku sampai"), null=True, blank=True)
    pdf = models.FileField(upload_to="certificates/%Y/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # revocation
    is_current = models.BooleanField(default=True, help_text="False once replaced by a re-issued certificate.")
    revoked_at = models.DateTimeField(_("dicabut"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revocation_reason = models.TextField(_("alasan pencabutan"), blank=True)
    replaced_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces")

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
    def masked_nip(self) -> str:
        if len(self.nip) == 18:
            return f"{self.nip[:4]}{'*' * 10}{self.nip[-4:]}"
        return self.nip and "*" * len(self.nip)

    def get_status_display(self) -> str:
        return {"revoked": _("DICABUT"), "expired": _("KEDALUWARSA"), "valid": _("VALID")}[self.status]
