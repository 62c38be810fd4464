from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.views.reports.audit_logging import LogEntriesView
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views
from courses.views import serve_page
from organizations.access import require_all_opd_reader


class LoginRedirect(RedirectView):
    """Both admins log in through allauth, so nobody bypasses MFA or the rate limits."""

    permanent = False
    query_string = True
    pattern_name = "account_login"


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("", include("operations.urls")),
    path("admin/login/", LoginRedirect.as_view(), name="wagtail_login_redirect"),
    path("django-admin/login/", LoginRedirect.as_view(), name="django_admin_login_redirect"),
    # Wagtail's front-end login (private pages) would bypass allauth too.
    path("_util/login/", LoginRedirect.as_view(), name="wagtail_frontend_login_redirect"),
    # The audit trail spans every OPD: only roles that see every OPD may read it.
    path(
        "admin/reports/site-history/",
        require_all_opd_reader(LogEntriesView.as_view()),
        name="integritas_site_history",
    ),
    path(
        "admin/reports/site-history/results/",
        require_all_opd_reader(LogEntriesView.as_view(results_only=True)),
        name="integritas_site_history_results",
    ),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("akun/", include("organizations.urls")),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("api.urls")),
    path("", include("reports.urls")),
    path("", include("courses.urls")),
    path("", include("quizzes.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's URLs, with its page view wrapped so a page request reads the content version once
# and finds its Site without a query (courses.views.serve_page).
urlpatterns += [
    *wagtail_urls.urlpatterns[:-1],
    re_path(wagtail_urls.serve_pattern, serve_page, name="wagtail_serve"),
]
