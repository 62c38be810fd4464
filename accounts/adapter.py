from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied

from core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Accounts come from the roster: nobody signs up freely (see accounts.views.activate)."""

    def is_open_for_signup(self, request):
        return False

    def get_client_ip(self, request) -> str:
        """Every rate limit (allauth's and ours) counts per this address; see core.client_ip
        for the trusted proxies setting."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth counts failed logins per account ("5/5m/key"): five wrong passwords from
        # anyone would lock the owner out. The key also carries the client IP, so the limit
        # holds per (account, IP): the guesser waits, the owner elsewhere still logs in.
        # The per-IP limit in ACCOUNT_RATE_LIMITS["login_failed"] still caps each address.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{self.get_client_ip(request)}"
