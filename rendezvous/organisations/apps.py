from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "rendezvous.organisations"

    def ready(self) -> None:
        # The first of our apps: what every database connection of every process gets.
        from rendezvous.lib.database import read_timestamps_compiled_everywhere

        read_timestamps_compiled_everywhere()
