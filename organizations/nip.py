"""NIP (Nomor Induk Pegawai): 18 digits, YYYYMMDD birth date, YYYYMM TMT (start of
service), a gender digit (1 = laki-laki, 2 = perempuan) and a 3-digit sequence number.
PPPK numbers follow the same shape. Each kind of error has its own message so HR can fix
the row without guessing.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NIP_LENGTH = 18
MIN_BIRTH_YEAR = 1940
MIN_AGE_AT_TMT = 15


@dataclass(frozen=True)
class NipParts:
    birth_date: datetime.date
    tmt_year: int
    tmt_month: int
    gender: str  # "L" or "P"
    sequence: int


def normalize_nip(value: str) -> str:
    """Remove the spaces and dots people type or paste ("19850101 201001 1 001")."""
    return "".join(ch for ch in str(value) if ch not in " .\u00a0\t")


def parse_nip(value: str, *, today: datetime.date | None = None) -> NipParts:
    """Return the parts of a valid NIP, or raise ValidationError saying what is wrong."""
    today = today or datetime.date.today()
    nip = normalize_nip(value)
    if not nip.isdigit():
        raise ValidationError(
            _("NIP hanya boleh berisi angka (ditemukan: %(value)s).") % {"value": value},
            code="nip_not_digits",
        )
    if len(nip) != NIP_LENGTH:
        raise ValidationError(
            _("NIP harus 18 digit, bukan %(n)d digit.") % {"n": len(nip)}, code="nip_length"
        )
    try:
        birth = datetime.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(
            _("Tanggal lahir pada NIP (digit 1–8: %(part)s) bukan tanggal yang sah.")
            % {"part": nip[0:8]},
            code="nip_birth_date",
        ) from None
    if birth.year < MIN_BIRTH_YEAR or birth > today:
        raise ValidationError(
            _("Tanggal lahir pada NIP (%(part)s) tidak masuk akal.") % {"part": nip[0:8]},
            code="nip_birth_date",
        )
    tmt_year, tmt_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= tmt_month <= 12:
        raise ValidationError(
            _("Bulan TMT pada NIP (digit 13–14: %(part)s) harus 01 sampai 12.")
            % {"part": nip[12:14]},
            code="nip_tmt",
        )
    if (tmt_year, tmt_month) > (today.year, today.month):
        raise ValidationError(
            _("TMT pada NIP (%(part)s) berada di masa depan.") % {"part": nip[8:14]},
            code="nip_tmt",
        )
    if tmt_year < birth.year + MIN_AGE_AT_TMT:
        raise ValidationError(
            _("TMT pada NIP (%(tmt)s) terlalu dekat dengan tanggal lahir (%(birth)s).")
            % {"tmt": nip[8:14], "birth": nip[0:8]},
            code="nip_tmt",
        )
    gender = nip[14]
    if gender not in "12":
        raise ValidationError(
            _("Digit ke-15 NIP (jenis kelamin) harus 1 atau 2, bukan %(d)s.") % {"d": gender},
            code="nip_gender",
        )
    sequence = int(nip[15:18])
    if sequence == 0:
        raise ValidationError(_("Nomor urut pada NIP (digit 16–18) tidak boleh 000."), code="nip_sequence")
    return NipParts(
        birth_date=birth,
        tmt_year=tmt_year,
        tmt_month=tmt_month,
        gender="L" if gender == "1" else "P",
        sequence=sequence,
    )


def validate_nip(value: str) -> None:
    """Model/form field validator."""
    parse_nip(value)
