from django.conf import settings
from django.contrib import admin
from django.shortcuts import render
from django.urls import include, path

from rendezvous.accounts import views as account_views
from rendezvous.api.api import api
from rendezvous.calendars import views as calendar_views
from rendezvous.lib.health import healthz
from rendezvous.organisations import views as organisation_views


def too_many_requests(request, exception=None):
    """Allauth's rate limits answer with this page."""
    return render(request, "429.html", status=429)


handler429 = too_many_requests
admin.site.login = account_views.admin_login

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("language/", account_views.set_language, name="set-language"),
    path("theme/<slug:slug>.css", organisation_views.theme_css, name="organisation-theme"),
    path(
        f"{settings.MEDIA_URL.lstrip('/')}logos/<str:name>",
        organisation_views.logo,
        name="organisation-logo",
    ),
    # Before allauth's: its email page would let anyone add and switch addresses.
    path("accounts/email/", account_views.email_change, name="account_email"),
    path(
        "accounts/email/confirm/<str:token>/",
        account_views.email_confirm,
        name="account_email_confirm",
    ),
    path("accounts/tokens/", account_views.access_tokens, name="access-tokens"),
    path(
        "accounts/tokens/<int:token_id>/revoke/",
        account_views.access_token_revoke,
        name="access-token-revoke",
    ),
    path("accounts/calendar/", calendar_views.calendar_feed_page, name="calendar-feed-page"),
    path("accounts/", include("allauth.urls")),
    path("", include("rendezvous.bookings.urls")),  # parent/… and teacher/…
    path("teacher/", include("rendezvous.scheduling.urls")),
    path("office/", include("rendezvous.office.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
