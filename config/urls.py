from django.conf import settings
from django.contrib import admin
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import include, path

from rendezvous.accounts import views as account_views


def healthz(request):
    return JsonResponse({"status": "ok"})


def too_many_requests(request, exception=None):
    """Allauth's rate limits answer with this page (A5)."""
    return render(request, "429.html", status=429)


handler429 = too_many_requests

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("language/", account_views.set_language, name="set-language"),
    path("accounts/", include("allauth.urls")),
    path("parent/", include("rendezvous.bookings.urls")),
    path("teacher/", include("rendezvous.scheduling.urls")),
    path("office/", include("rendezvous.office.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
]
