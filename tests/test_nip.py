import datetime

import pytest
from django.core.exceptions import ValidationError

from organizations.nip import normalize_nip, parse_nip

TODAY = datetime.date(2026, 11, 28)


def test_parse_nip_returns_its_parts():
    parts = parse_nip("198501012010011001", today=TODAY)
    assert parts.birth_date == datetime.date(1985, 1, 1)
    assert (parts.tmt_year, parts.tmt_month) == (2010, 1)
    assert parts.gender == "L"
    assert parts.sequence == 1


def test_parse_nip_accepts_the_spaced_form_people_type():
    assert normalize_nip("19850101 201001 2 003") == "198501012010012003"
    assert parse_nip("19850101 201001 2 003", today=TODAY).gender == "P"


@pytest.mark.parametrize(
    "nip, code, fragment",
    [
        ("19850101201001100", "nip_length", "18 digit, bukan 17"),
        ("1985010120100110011", "nip_length", "bukan 19"),
        ("19850101201001100A", "nip_not_digits", "hanya boleh berisi angka"),
        ("198502302010011001", "nip_birth_date", "bukan tanggal yang sah"),  # 30 February
        ("198513012010011001", "nip_birth_date", "bukan tanggal yang sah"),  # month 13
        ("190001012010011001", "nip_birth_date", "tidak masuk akal"),
        ("198501012010131001", "nip_tmt", "01 sampai 12"),
        ("198501012030011001", "nip_tmt", "masa depan"),
        ("198501011990011001", "nip_tmt", "terlalu dekat"),
        ("198501012010013001", "nip_gender", "harus 1 atau 2"),
        ("198501012010011000", "nip_sequence", "tidak boleh 000"),
    ],
)
def test_parse_nip_says_what_is_wrong(nip, code, fragment):
    with pytest.raises(ValidationError) as excinfo:
        parse_nip(nip, today=TODAY)
    assert excinfo.value.code == code
    assert fragment in excinfo.value.messages[0]
