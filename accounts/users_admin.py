"""Wagtail's user admin without the "Administrator" (superuser) tick box.

Separation of duties (issue 14): making someone a superuser is a staff role like HR or
auditor, requested in Peran staf and approved by a second superuser
(`organizations.services.role_assign`). Wagtail's own user form would let one superuser make
another at once, so that field is taken out of both the creation and the edit form.
"""

from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet


class _WithoutSuperuserField:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.pop("is_superuser", None)


class IntegritasUserCreationForm(_WithoutSuperuserField, UserCreationForm):
    pass


class IntegritasUserEditForm(_WithoutSuperuserField, UserEditForm):
    pass


class UserViewSet(WagtailUserViewSet):
    def get_form_class(self, for_update=False):
        return IntegritasUserEditForm if for_update else IntegritasUserCreationForm
