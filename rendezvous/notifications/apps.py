from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rendezvous.notifications"
