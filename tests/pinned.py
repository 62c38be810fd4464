"""What a pinned query or cache count owes to the session engine: one query with the database
engine (the SQLite run) and one cache read instead with cached_db, which the settings choose
when the cache is Redis (the PostgreSQL run of .ci/run)."""

from django.conf import settings

SESSION_QUERY, SESSION_CACHE = (
    (0, 1) if settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db" else (1, 0)
)
