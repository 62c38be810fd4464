"""Site-wide programme settings that the city supplies.

Local facts (the UPG's contact, the Inspektorat's whistleblowing channel, the Wali Kota's
instruction) are never written into course text: lessons, certificates and the evidence
summary render them from here. The length of a JP is BKPSDM's decision, not ours: the
product only divides a course's learning time by the value set here.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


def validate_plain_text(value: str) -> None:
    """Settings text is printed on pages and PDFs as plain text; markup is refused, not
    silently stripped, so what the admin typed is what the documents show."""
    if value and _TAG.search(value):
        raise ValidationError(_("Teks ini tidak boleh memuat HTML. Tulis sebagai teks biasa."), code="html")


@register_setting(icon="site")
class ProgramSettings(BaseGenericSetting):
    """The city's programme: local contacts, legal basis, and BKPSDM's JP setting."""

    upg_name = models.CharField(
        _("nama UPG"), max_length=200, blank=True, validators=[validate_plain_text],
        help_text=_("Misalnya: Unit Pengendalian Gratifikasi Pemerintah Kota Banjarbaru."),
    )
    upg_contact = models.TextField(
        _("kontak UPG"), blank=True, max_length=1000, validators=[validate_plain_text],
        help_text=_("Alamat, telepon, email, atau tautan pelaporan UPG. Satu baris per kontak."),
    )
    whistleblowing_channel = models.TextField(
        _("saluran pengaduan (whistleblowing) Inspektorat"), blank=True, max_length=1000,
        validators=[validate_plain_text],
        help_text=_("Cara melapor dugaan pelanggaran ke Inspektorat Daerah. Satu baris per saluran."),
    )
    program_basis = models.TextField(
        _("dasar hukum dan program"), blank=True, max_length=4000, validators=[validate_plain_text],
        help_text=_(
            "Dicetak pada ringkasan paket bukti, misalnya instruksi Wali Kota tentang pelatihan integritas. "
            "Satu paragraf per baris."
        ),
    )
    minutes_per_jp = models.PositiveSmallIntegerField(
        _("menit per JP"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(240)],
        help_text=_(
            "Ditetapkan oleh BKPSDM. Integritas tidak menetapkan lamanya satu jam pelajaran: JP sebuah kursus "
            "dihitung dari waktu belajarnya dibagi nilai ini."
        ),
    )
    minutes_per_jp_is_demo = models.BooleanField(
        _("nilai contoh (demo)"), default=False,
        help_text=_("Dicentang oleh data demo: nilai menit per JP di atas belum ditetapkan oleh BKPSDM."),
    )
    demo_site = models.BooleanField(
        _("situs demo"), default=False,
        help_text=_("Dicentang oleh data demo. Dokumen resmi hanya memuat tanda '(demo)' bila ini dicentang."),
    )

    panels = [
        MultiFieldPanel([FieldPanel("upg_name"), FieldPanel("upg_contact"), FieldPanel("whistleblowing_channel")],
                        heading=_("Kontak lokal")),
        FieldPanel("program_basis"),
        MultiFieldPanel([FieldPanel("minutes_per_jp"), FieldPanel("minutes_per_jp_is_demo")], heading=_("Jam pelajaran (JP)")),
        FieldPanel("demo_site"),
    ]

    class Meta:
        verbose_name = _("pengaturan program")

    @property
    def upg_contact_lines(self) -> list[str]:
        return _lines(self.upg_contact)

    @property
    def whistleblowing_lines(self) -> list[str]:
        return _lines(self.whistleblowing_channel)

    @property
    def program_basis_paragraphs(self) -> list[str]:
        return _lines(self.program_basis)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
