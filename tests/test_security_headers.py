"""Item 7 of issue 14: Content-Security-Policy, HSTS, secure cookies and a quiet
`check --deploy` under production settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_public_pages_run_under_a_strict_policy(client, db):
    response = client.get("/akun/login/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # nothing from another origin anywhere
    assert all(source.startswith("'") or source in ("data:", "blob:") for sources in policy.values() for source in sources)


def test_an_inline_script_needs_the_request_nonce(rf):
    from django.http import HttpResponse
    from django.template import engines

    from core.middleware import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string('<script nonce="{{ request.csp_nonce }}">1</script>')
    request = rf.get("/kursus/")
    middleware = ContentSecurityPolicyMiddleware(lambda r: HttpResponse(template.render({}, r)))
    response = middleware(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert f"'nonce-{nonce}'" in directives(response["Content-Security-Policy"])["script-src"]


def test_the_wagtail_admin_may_run_its_inline_scripts_and_nothing_else_changes(client, hr):
    client.force_login(hr)
    response = client.get("/admin/")
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"] and policy["default-src"] == ["'self'"]


def run_production(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "INTEGRITAS_"))
    }
    full_env.update(
        {
            "DJANGO_SETTINGS_MODULE": "elearning.settings.production",
            "DJANGO_ALLOWED_HOSTS": "integritas.example.test",
            "DATABASE_URL": "sqlite:///:memory:",
            "CACHE_URL": "locmem://",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        }
    )
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)


def test_check_deploy_under_production_settings_is_quiet():
    result = run_production(
        "import django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "no issues (1 silenced)" in result.stdout


@pytest.mark.parametrize("key", ["short-key", "x" * 60, "django-insecure-" + "a1b2c3d4e5" * 5])
def test_production_refuses_a_weak_secret_key(key):
    result = run_production("import django; django.setup()", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0 and "at least 50 random characters" in result.stderr


def test_production_cookies_are_secure_and_hsts_covers_subdomains():
    result = run_production(
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT)"
    )
    assert result.stdout.split() == ["True"] * 7, result.stderr[-2000:]
    relaxed = run_production(
        "from django.conf import settings as s; print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)",
        INTEGRITAS_HSTS_INCLUDE_SUBDOMAINS="0",
        INTEGRITAS_HSTS_PRELOAD="0",
    )
    assert relaxed.stdout.split() == ["False", "False"]


def test_production_answers_with_hsts_and_redirects_plain_http():
    result = run_production(
        "import django; django.setup(); from django.test import Client; c = Client(); "
        "r = c.get('/healthz', HTTP_HOST='integritas.example.test', HTTP_X_FORWARDED_PROTO='https'); "
        "print(r.status_code); print(r['Strict-Transport-Security']); "
        "print(c.get('/healthz', HTTP_HOST='integritas.example.test').status_code); "
        "r = c.get('/akun/login/', HTTP_HOST='integritas.example.test'); print(r.status_code, r['Location'])"
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 4, result.stderr[-3000:]
    assert lines[0] == "200"
    assert lines[1] == "max-age=31536000; includeSubDomains; preload"
    assert lines[2] == "200"  # the health check is answered over plain HTTP, for direct probes
    assert lines[3] == "301 https://integritas.example.test/akun/login/"  # anything else is redirected
