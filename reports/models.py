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
