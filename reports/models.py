from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FrozenRecap(models.Model):
    """The per-OPD numbers as shown on a given day, stored with a hash so the same figures
    can be shown again, unchanged, on observation day and after."""

    created_at = models.DateTimeField(_("dibekukan"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    as_of = models.DateField(_("per tanggal"))
    filters = models.JSONField(_("filter"))
    rows = models.JSONField(_("baris"))
    totals = models.JSONField(_("total"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("rekap beku")
        verbose_name_plural = _("rekap beku")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.as_of} · {self.sha256[:12]}"


class OpdReview(models.Model):
    """An OPD head's confirmation "Saya telah meninjau progres OPD" (KPK indicator on the
    commitment of OPD heads)."""

    opd = models.ForeignKey("organizations.Opd", on_delete=models.PROTECT, related_name="reviews")
    employee = models.ForeignKey("organizations.Employee", on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("ditinjau"), auto_now_add=True)
    completed = models.PositiveIntegerField(_("selesai saat ditinjau"))
    employees = models.PositiveIntegerField(_("pegawai saat ditinjau"))

    class Meta:
        verbose_name = _("tinjauan kepala OPD")
        verbose_name_plural = _("tinjauan kepala OPD")
        ordering = ["-reviewed_at"]

    def __str__(self):
        return f"{self.opd} · {self.reviewed_at:%Y-%m-%d}"
