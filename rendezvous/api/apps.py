from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rendezvous.api"
    verbose_name = "API"
