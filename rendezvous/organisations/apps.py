from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "rendezvous.organisations"
