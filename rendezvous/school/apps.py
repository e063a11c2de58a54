from django.apps import AppConfig


class SchoolConfig(AppConfig):
    name = "rendezvous.school"

    def ready(self) -> None:
        from rendezvous.notifications.worker import register_job
        from rendezvous.school.credentials import send_requested_credentials

        register_job(send_requested_credentials)
