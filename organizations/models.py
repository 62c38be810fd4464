from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import validate_plain_text

from .nip import normalize_nip, validate_nip


class OpdKind(models.TextChoices):
    SEKRETARIAT = "sekretariat", _("Sekretariat")
    INSPEKTORAT = "inspektorat", _("Inspektorat")
    BADAN = "badan", _("Badan")
    DINAS = "dinas", _("Dinas")
    SATPOL = "satpol", _("Satuan Polisi Pamong Praja")
    RSUD = "rsud", _("Rumah Sakit Daerah")
    KECAMATAN = "kecamatan", _("Kecamatan")
    KELURAHAN = "kelurahan", _("Kelurahan")
    LAINNYA = "lainnya", _("Lainnya")


class Opd(models.Model):
    """An Organisasi Perangkat Daerah or one of its units (Bagian, kelurahan).

    `code` is stable: roster files, reports and certificate archives refer to it.
    """

    code = models.CharField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    kind = models.CharField(_("jenis"), max_length=20, choices=OpdKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("induk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    active = models.BooleanField(_("aktif"), default=True)
    # KPK indicator "Komitmen antikorupsi Kepala Daerah dan Kepala OPD": who heads the OPD.
    head = models.ForeignKey(
        "Employee",
        verbose_name=_("kepala OPD"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_opds",
    )

    class Meta:
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(code=""), name="organizations_opd_code_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def parent_code(self) -> str:
        """The parent's code, or "" for a top-level OPD (exports must not stop at a missing parent)."""
        return self.parent.code if self.parent_id else ""

    def clean(self):
        super().clean()
        if self.head_id and self.pk and self.head.opd_id != self.pk:
            raise ValidationError({"head": _("Kepala OPD harus pegawai OPD ini.")})


class EmploymentType(models.TextChoices):
    PNS = "PNS", _("PNS")
    PPPK = "PPPK", _("PPPK")
    NON_ASN = "NON_ASN", _("Non-ASN")


class Employee(models.Model):
    """A row of the roster (from BKPSDM). It exists before the person ever logs in, and it is
    the denominator of every coverage figure: coverage counts active employees, not users.
    """

    # NULL, not "", for staff without a NIP: the unique constraint then ignores them.
    nip = models.CharField(  # noqa: DJ001
        _("NIP"),
        max_length=18,
        null=True,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 digit. Pegawai non-ASN boleh tanpa NIP."),
    )
    full_name = models.CharField(_("nama lengkap"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    opd = models.ForeignKey(
        Opd, verbose_name=_("OPD"), on_delete=models.PROTECT, related_name="employees"
    )
    position = models.CharField(_("jabatan"), max_length=255, blank=True)
    pangkat_golongan = models.CharField(
        _("pangkat/golongan"), max_length=100, blank=True, validators=[validate_plain_text],
        help_text=_("Misalnya: Penata Muda Tingkat I, III/b. Dicetak pada sertifikat bila diisi."),
    )
    employment_type = models.CharField(
        _("jenis pegawai"), max_length=10, choices=EmploymentType.choices
    )
    active = models.BooleanField(_("aktif"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("akun"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employee",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["nip"], condition=Q(nip__isnull=False), name="organizations_employee_nip_unique"
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="organizations_employee_email_ci_unique",
            ),
            models.CheckConstraint(
                condition=Q(nip__isnull=True) | Q(nip__regex=r"^[0-9]{18}$"),
                name="organizations_employee_nip_18_digits",
            ),
            models.CheckConstraint(
                condition=~Q(employment_type__in=["PNS", "PPPK"]) | Q(nip__isnull=False),
                name="organizations_employee_asn_has_nip",
            ),
        ]
        indexes = [models.Index(fields=["opd", "active"])]

    def __str__(self):
        return f"{self.full_name} ({self.nip})" if self.nip else self.full_name

    def clean(self):
        self.nip = normalize_nip(self.nip) if self.nip else None
        self.email = (self.email or "").strip().lower()
        if self.employment_type in (EmploymentType.PNS, EmploymentType.PPPK) and not self.nip:
            raise ValidationError({"nip": _("NIP wajib diisi untuk PNS dan PPPK.")})

    def save(self, *args, **kwargs):
        if not self.nip:
            self.nip = None
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    HR = "hr", _("HR (BKPSDM)")
    COORDINATOR = "coordinator", _("Koordinator OPD")
    AUDITOR = "auditor", _("Auditor Inspektorat")
    EDITOR = "editor", _("Editor konten")
    OBSERVER = "observer", _("Pengamat (hanya baca)")
    # Not a permission set of its own: approving it sets User.is_superuser, revoking clears it
    # (organizations.services); requested and approved by superusers only.
    SUPERUSER = "superuser", _("Superuser (pengelola sistem)")


class RoleAssignmentQuerySet(models.QuerySet):
    def active(self, at=None):
        """Approved and not expired: the only assignments that grant anything."""
        at = at or timezone.now()
        return self.filter(approved_at__isnull=False).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at))

    def pending(self, at=None):
        """Waiting for a second person's approval, and not yet too old to be approved."""
        at = at or timezone.now()
        return self.filter(approved_at__isnull=True, pending_until__gt=at)


class RoleAssignment(models.Model):
    """A staff role held by a user. Coordinators are scoped to `opds`; observers must have an
    expiry (`valid_until`) after which the role grants nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(_("peran"), max_length=20, choices=Role.choices)
    opds = models.ManyToManyField(
        Opd,
        verbose_name=_("OPD yang dikoordinasi"),
        blank=True,
        related_name="coordinator_roles",
        help_text=_("Hanya untuk Koordinator OPD."),
    )
    valid_until = models.DateTimeField(
        _("berlaku sampai"),
        null=True,
        blank=True,
        help_text=_("Wajib untuk Pengamat: sesudah waktu ini akses berakhir."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diberikan oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # Separation of duties (services.role_assign): HR and auditor grants wait for a second
    # HR holder or superuser. Until `approved_at` is set the row grants nothing; a request
    # not approved before `pending_until` lapses.
    approved_at = models.DateTimeField(_("disetujui"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disetujui oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pending_until = models.DateTimeField(_("menunggu persetujuan sampai"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("peran staf")
        verbose_name_plural = _("peran staf")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="organizations_role_once_per_user"),
            models.CheckConstraint(
                condition=~Q(role="observer") | Q(valid_until__isnull=False),
                name="organizations_observer_expires",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=False) | Q(pending_until__isnull=False),
                name="organizations_role_pending_expires",
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.approved_at is not None and (self.valid_until is None or self.valid_until > timezone.now())

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None

    @property
    def status_label(self) -> str:
        if self.approved_at is None:
            if self.pending_until and self.pending_until <= timezone.now():
                return _("Permintaan kedaluwarsa")
            return _("Menunggu persetujuan")
        return _("Aktif") if self.is_active else _("Berakhir")


class RosterImportStatus(models.TextChoices):
    # Large files are read and applied by a task (organizations.tasks), not in the request.
    READING = "reading", _("Sedang dibaca")
    PREVIEWED = "previewed", _("Pratinjau")
    APPLYING = "applying", _("Sedang diterapkan")
    APPLIED = "applied", _("Diterapkan")
    REJECTED = "rejected", _("Ditolak")


class RosterImport(models.Model):
    """One uploaded roster file: kept for the confirm step and as evidence of what was applied."""

    filename = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(_("isi berkas"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    deactivate_missing = models.BooleanField(_("nonaktifkan yang tidak ada di berkas"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=RosterImportStatus.choices, default=RosterImportStatus.PREVIEWED
    )
    counts = models.JSONField(_("jumlah"), default=dict, blank=True)
    # The rows as read once at upload (roster.roster_parsed_pack); the preview and the
    # confirm step check them against the database without parsing the file again.
    parsed = models.JSONField(_("isi terbaca"), null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diunggah oleh"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    applied_at = models.DateTimeField(_("diterapkan"), null=True, blank=True)
    # Background work on a large file: who confirmed it, where the task is, and why it was
    # refused (a file that cannot be read, data changed since the preview).
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dikonfirmasi oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage = models.CharField(_("tahap"), max_length=40, blank=True)
    queued_at = models.DateTimeField(_("diantrekan"), null=True, blank=True)
    error = models.TextField(_("alasan"), blank=True)

    class Meta:
        verbose_name = _("impor data pegawai")
        verbose_name_plural = _("impor data pegawai")
        ordering = ["-created_at"]
        permissions = [("import_roster", _("Dapat mengimpor data pegawai"))]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def in_progress(self) -> bool:
        return self.status in (RosterImportStatus.READING, RosterImportStatus.APPLYING)
