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


def test_bkpsdm_sets_minutes_per_jp_in_the_admin(client, make_staff):
    """HR (BKPSDM) edits Pengaturan program; the change is what the JP basis then reads."""
    from django.test import override_settings

    from organizations.models import Role

    hr = make_staff(Role.HR, mfa=False)
    program = ProgramSettings.load()
    client.force_login(hr)
    with override_settings(STAFF_MFA_REQUIRED=False):
        url = f"/admin/settings/core/programsettings/{program.pk}/"
        assert client.get(url).status_code == 200
        response = client.post(url, {"minutes_per_jp": "50", "upg_name": "", "upg_contact": "", "whistleblowing_channel": "",
                                     "program_basis": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ProgramSettings.load().minutes_per_jp == 50
