"""Item 6 of issue 14: the client IP that rate limits count, behind reverse proxies."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.client_ip import client_ip, trusted_proxies_parse

PROXY = "10.0.0.5"


def request(remote, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff is not None:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    "trusted, remote, xff, expected",
    [
        # default: nobody is trusted, the header is ignored
        (0, "203.0.113.7", "1.2.3.4", "203.0.113.7"),
        (0, PROXY, "203.0.113.7", PROXY),
        # one proxy by count: the entry it appended
        (1, PROXY, "203.0.113.7", "203.0.113.7"),
        (1, PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # client-prepended entry ignored
        (1, PROXY, None, PROXY),  # no header: the peer
        (2, PROXY, "203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # by address: the header counts only from our proxy
        ([PROXY], PROXY, "203.0.113.7", "203.0.113.7"),
        ([PROXY], PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        ([PROXY], "198.51.100.9", "1.2.3.4", "198.51.100.9"),  # spoofed by a direct client
        (["10.0.0.0/8"], PROXY, "203.0.113.7, 10.1.2.3", "203.0.113.7"),  # two of ours
        (["10.0.0.0/8"], PROXY, "10.1.2.3", "10.1.2.3"),  # all ours: the leftmost
        ([PROXY], PROXY, "garbage, 203.0.113.7", "203.0.113.7"),
        ([PROXY], PROXY, "203.0.113.7:5555", "203.0.113.7"),
        (["::1"], "::1", "2001:db8::7", "2001:db8::7"),
    ],
)
def test_client_ip(settings, trusted, remote, xff, expected):
    settings.TRUSTED_PROXIES = trusted
    assert client_ip(request(remote, xff)) == expected


def test_trusted_proxies_setting_is_parsed_or_refused():
    assert trusted_proxies_parse("") == 0
    assert trusted_proxies_parse("2") == 2
    assert trusted_proxies_parse("10.0.0.5, 10.1.0.0/16") == ["10.0.0.5", "10.1.0.0/16"]
    with pytest.raises(ValueError):
        trusted_proxies_parse("proxy.local")


def failed_login(client, remote, xff, who="tidakada@example.test"):
    return client.post(
        reverse("account_login"),
        {"login": who, "password": "salah-salah"},
        REMOTE_ADDR=remote,
        HTTP_X_FORWARDED_FOR=xff,
    )


def failed_login_ip_limit(settings) -> int:
    """Failed logins allowed per IP and minute ("30/m/ip,5/5m/key" -> 30)."""
    return int(settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[0].split("/")[0])


def test_behind_our_proxy_each_client_has_its_own_login_bucket(client, db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for i in range(failed_login_ip_limit(settings)):
        failed_login(client, PROXY, "203.0.113.7", who=f"orang{i}@example.test")
    assert "Terlalu banyak percobaan masuk" in failed_login(client, PROXY, "203.0.113.7").content.decode()
    # another user behind the same proxy is not locked out with the first
    assert "Terlalu banyak percobaan masuk" not in failed_login(client, PROXY, "203.0.113.8").content.decode()


def test_a_direct_client_cannot_escape_its_bucket_by_spoofing_the_header(client, db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    for i in range(failed_login_ip_limit(settings)):
        failed_login(client, "198.51.100.9", f"1.1.1.{i}", who=f"orang{i}@example.test")
    response = failed_login(client, "198.51.100.9", "1.1.1.200")
    assert "Terlalu banyak percobaan masuk" in response.content.decode()


def test_certificate_verification_limit_counts_the_forwarded_client(client, db, settings):
    settings.TRUSTED_PROXIES = 1
    limit = int(settings.ACCOUNT_RATE_LIMITS["verify_certificate"].split("/")[0])
    for _ in range(limit):
        client.get("/verifikasi/tidakada12345678/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client.get("/verifikasi/tidakada12345678/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    assert client.get("/verifikasi/tidakada12345678/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 404
