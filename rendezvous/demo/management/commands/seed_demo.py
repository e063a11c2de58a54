from django.core.management.base import BaseCommand

from rendezvous.accounts.models import Role, User
from rendezvous.demo.school import (
    DEMO_PARENT_PASSWORD,
    DEMO_PASSWORD,
    SLUG,
    DemoSchool,
    refresh_demo,
)
from rendezvous.organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "Load the demo school (once), move its parents' evening forward when it is too close "
        "or past so that parents can book, and print one login per role."
    )

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(slug=SLUG).first()
        if organisation is None:
            organisation = DemoSchool().build()
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo school {organisation}."))
        for event in refresh_demo(organisation):
            self.stdout.write(
                f"Moved {event} to {event.starts_on:%Y-%m-%d} so that it can be booked."
            )
        users = User.objects.filter(organisation=organisation)
        admin = users.filter(role=Role.ADMIN).order_by("pk").first()
        teacher = users.filter(role=Role.TEACHER).order_by("pk").first()
        parents = users.filter(role=Role.PARENT).order_by("pk")[:2]
        self.stdout.write("Demo logins (sign in at /accounts/login/):")
        self.stdout.write(f"  office   {admin.email} / {DEMO_PASSWORD}")
        self.stdout.write(f"  teacher  {teacher.email} / {DEMO_PASSWORD}")
        for parent in parents:
            language = parent.get_language_display()
            self.stdout.write(
                f"  parent   code {parent.login_code} / {DEMO_PARENT_PASSWORD}  ({language})"
            )
