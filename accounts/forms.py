from allauth.account.forms import LoginForm as AllauthLoginForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AllauthLoginForm):
    """allauth's login, labelled for our users: one field takes an email or an 18-digit NIP."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["login"]
        field.label = _("Email atau NIP")
        field.widget.attrs.update(
            {"placeholder": _("nama@banjarbarukota.go.id atau 18 digit NIP"), "autocomplete": "username"}
        )
        password = self.fields["password"]
        password.label = _("Kata sandi")
        password.widget.attrs["placeholder"] = ""
