import pytest
from django.core.exceptions import ValidationError

from core.models import ProgramSettings, validate_plain_text


@pytest.mark.parametrize("text", ["<b>UPG</b>", "Hubungi <script>alert(1)</script>", "<a href='x'>lapor</a>"])
def test_settings_text_with_html_is_refused(text):
    with pytest.raises(ValidationError):
        validate_plain_text(text)


def test_settings_plain_text_with_angle_signs_is_accepted_and_split_into_lines(db):
    validate_plain_text("Nilai < 5 dan > 2 bukan tag")
    settings = ProgramSettings.load()
    settings.upg_contact = "  Telepon 0511 000\n\nSurel upg@contoh.test  "
    settings.full_clean()
    assert settings.upg_contact_lines == ["Telepon 0511 000", "Surel upg@contoh.test"]
    settings.upg_contact = "<i>x</i>"
    with pytest.raises(ValidationError):
        settings.full_clean()
