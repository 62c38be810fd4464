from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Akun"


class IntegritasUsersAppConfig(WagtailUsersAppConfig):
    """wagtail.users with our user viewset (no superuser tick box; see accounts.users_admin)."""

    user_viewset = "accounts.users_admin.UserViewSet"
