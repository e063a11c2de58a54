from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo school that `make run` loads: it uses every app, so it sits above them all."""

    name = "rendezvous.demo"
