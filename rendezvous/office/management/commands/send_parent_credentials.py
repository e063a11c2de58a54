import os
import stat
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import translation

from rendezvous.accounts.models import Role, User
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Event
from rendezvous.school.credentials import send_parent_credentials
from rendezvous.school.models import SchoolClass
from rendezvous.school.selectors import parents_of


class Command(BaseCommand):
    help = (
        "Send parents their login code and a new temporary password. "
        "Chooses the parents of one event's classes (--event), of one class (--class), or of "
        "the whole organisation; by default only those who have never had credentials, so "
        "running it twice sends nothing new. --resend includes parents who already had "
        "credentials: their old password stops working. Parents with an email address get an "
        "email in their language. Parents without one get a printable letter only with "
        "--letters-to FILE.html; without it they are left unchanged and listed, to be printed "
        "from the office page (Staff → Parents' sign-in)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisation", metavar="SLUG", help="The organisation's short name."
        )
        parser.add_argument("--event", type=int, metavar="ID", help="Parents of this event.")
        parser.add_argument("--class", dest="class_name", metavar="NAME", help="One class.")
        parser.add_argument(
            "--resend",
            action="store_true",
            help="Also parents who already have credentials (issues new passwords).",
        )
        parser.add_argument(
            "--letters-to",
            metavar="FILE.html",
            help="Write printable letters for parents without email to this file.",
        )

    def handle(self, *args, **options):
        organisation, event = self._organisation_and_event(options)
        school_class = self._school_class(organisation, options["class_name"])
        parents = parents_of(
            User.objects.filter(organisation=organisation, role=Role.PARENT),
            school_class=school_class,
            event=event,
            without_credentials=not options["resend"],
        ).select_related("organisation")
        letters_to = options["letters_to"]
        if not letters_to:
            self._list_parents_without_email(parents.filter(email=""))
            parents = parents.exclude(email="")
        result = send_parent_credentials(parents=list(parents))
        self.stdout.write(f"Credentials emailed to {len(result.emailed)} parent(s).")
        if result.letters:
            self._write_letters(Path(letters_to), organisation, result.letters)

    def _organisation_and_event(self, options) -> tuple[Organisation, Event | None]:
        slug, event_id = options["organisation"], options["event"]
        event = None
        if event_id is not None:
            event = Event.objects.select_related("organisation").filter(pk=event_id).first()
            if event is None or (slug and event.organisation.slug != slug):
                raise CommandError(f"No event {event_id}.")
            return event.organisation, event
        if slug:
            organisation = Organisation.objects.filter(slug=slug).first()
            if organisation is None:
                raise CommandError(f"No organisation '{slug}'.")
            return organisation, None
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError("Name the organisation with --organisation SLUG (or --event ID).")
        return organisations[0], None

    def _school_class(self, organisation, name: str | None) -> SchoolClass | None:
        if name is None:
            return None
        school_class = SchoolClass.objects.filter(organisation=organisation, name=name).first()
        if school_class is None:
            raise CommandError(f"No class '{name}' in {organisation.slug}.")
        return school_class

    def _list_parents_without_email(self, parents) -> None:
        names = [parent.full_name or str(parent) for parent in parents]
        if not names:
            return
        self.stdout.write(
            f"{len(names)} parent(s) have no email address and were left unchanged. "
            "Print their letters from the office page (Staff → Parents' sign-in), "
            "or run again with --letters-to FILE.html:"
        )
        for name in names:
            self.stdout.write(f"  {name}")

    def _write_letters(self, path: Path, organisation, letters) -> None:
        with translation.override(organisation.language):
            html = render_to_string(
                "office/credentials_letters_print.html",
                {"organisation": organisation, "letters": letters},
            )
        write_private(path, html)
        self.stdout.write(f"{len(letters)} letter(s) written to {path}. Print them now.")


def write_private(path: Path, text: str) -> None:
    """Only the owner may read the file: it holds passwords. An existing file is made private
    before anything is written to it; a pipe or a device (a printer's, /dev/stdout) is written
    to as it is, as changing its mode would change it for everyone."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    if stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
