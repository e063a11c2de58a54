"""`manage.py import_roster FILE.csv [--organisation SLUG]`, as the office upload page does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from rendezvous.organisations.models import Organisation
from rendezvous.school.errors import RosterRejected
from rendezvous.school.roster import import_roster


class Command(BaseCommand):
    help = "Import classes, pupils and parents from a CSV file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--organisation",
            metavar="SLUG",
            help="The organisation's short name; may be left out when there is only one.",
        )

    def handle(self, *args, file: Path, organisation: str | None, **options):
        target = self._organisation(organisation)
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        with translation.override(target.language):
            try:
                result = import_roster(organisation=target, data=data)
            except RosterRejected as rejected:
                lines = [str(rejected.message)]
                lines += [
                    _("Line %(line)d: %(message)s") % {"line": e.line, "message": e.message}
                    for e in rejected.errors
                ]
                raise CommandError("\n".join(lines)) from None
            for kind in ("classes", "pupils", "parents", "links"):
                created = getattr(result, f"{kind}_created")
                existing = getattr(result, f"{kind}_existing")
                self.stdout.write(f"{kind}: {created} created, {existing} existing")

    def _organisation(self, slug: str | None) -> Organisation:
        if slug:
            found = Organisation.objects.filter(slug=slug).first()
            if found is None:
                raise CommandError(f"There is no organisation {slug!r}.")
            return found
        organisations = list(Organisation.objects.all()[:2])
        if len(organisations) != 1:
            raise CommandError(
                "Name the organisation with --organisation SLUG "
                f"({Organisation.objects.count()} organisations exist)."
            )
        return organisations[0]
