"""Test settings: only speed and isolation differ from base."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")
os.environ.setdefault("CACHE_URL", "locmem://integritas-tests")
os.environ.setdefault("TASK_BACKEND", "immediate")
os.environ.setdefault("EMAIL_URL", "locmem://")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
PRIVATE_ROOT = BASE_DIR / "var" / "test-private"  # noqa: F405
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
STATIC_ROOT = None  # tests serve static files from the finders
STAFF_MFA_REQUIRED = True  # the suite always runs with the production rule; tests relax it locally
