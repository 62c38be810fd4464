from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The login. Roster people log in with their email or their NIP (kept in `username`).

    The person's identity (NIP, OPD, position) lives on `organizations.Employee`, which
    points here one-to-one; a staff account (HR, auditor) may have no Employee row.
    Indonesian names do not split into first/last, so the whole name is in `first_name`.
    """

    email = models.EmailField(_("email"), unique=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def get_full_name(self):
        return (self.first_name + " " + self.last_name).strip() or self.username

    def __str__(self):
        return self.get_full_name()


def user_display(user) -> str:
    """How allauth names a user in its messages ("Berhasil masuk sebagai ..."): the person's
    name, never the NIP that doubles as the username."""
    return user.get_full_name()
