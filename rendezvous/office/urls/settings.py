from django.urls import path

from rendezvous.office.views import settings

urlpatterns: list = [
    path("settings/", settings.organisation_settings, name="settings"),
]
