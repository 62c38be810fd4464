from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the roster: nobody signs up freely (see accounts.views.activate)."""

    def is_open_for_signup(self, request):
        return False
