from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "rendezvous.scheduling"
