from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from core import views as core_views


class LoginRedirect(RedirectView):
    """Both admins log in through allauth, so nobody bypasses MFA or the rate limits."""

    permanent = False
    query_string = True
    pattern_name = "account_login"


urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/login/", LoginRedirect.as_view(), name="wagtail_login_redirect"),
    path("django-admin/login/", LoginRedirect.as_view(), name="django_admin_login_redirect"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("akun/", include("organizations.urls")),
    path("akun/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", core_views.home, name="home"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
