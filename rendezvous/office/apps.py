from django.apps import AppConfig


class OfficeConfig(AppConfig):
    name = "rendezvous.office"
