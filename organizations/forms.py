from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


class ActivationRequestForm(forms.Form):
    nip = forms.CharField(
        label=_("NIP"),
        required=False,
        max_length=30,
        help_text=_("18 digit, tanpa spasi. Kosongkan hanya jika Anda pegawai non-ASN tanpa NIP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Alamat email"),
        help_text=_("Email yang tercatat di data kepegawaian (BKPSDM)."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_nip(self):
        return "".join(self.cleaned_data["nip"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class ActivationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Kata sandi baru"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned
