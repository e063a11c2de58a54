"""Roster import: classes, pupils and parents from a CSV file, all or nothing.

The file is read completely and every line checked before anything is written; a file with
any bad line raises RosterRejected listing each one. Rows are matched to what exists, so
importing the same file twice changes nothing:

- classes by name (case-insensitive); unknown classes go to the department "Imported classes"
  (named in the organisation's language), which is created when first needed;
- pupils by class and first and last name;
- parents by email within the organisation, or, without an email, by first and last name among
  the parents of the same pupil.
"""

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from rendezvous.accounts.models import Role, User
from rendezvous.organisations.models import Organisation
from rendezvous.school import services
from rendezvous.school.errors import RosterRejected
from rendezvous.school.models import Guardianship, Pupil, SchoolClass

REQUIRED_COLUMNS = (
    "class",
    "pupil_first_name",
    "pupil_last_name",
    "parent_first_name",
    "parent_last_name",
    "parent_email",
)
OPTIONAL_COLUMNS = ("parent_language",)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# parent_email is a required column, but its value may be empty (such parents get a letter).
REQUIRED_VALUES = REQUIRED_COLUMNS[:-1]
MAX_LENGTHS = {
    "class": 100,
    "pupil_first_name": 150,
    "pupil_last_name": 150,
    "parent_first_name": 150,
    "parent_last_name": 150,
    "parent_email": 254,
}
SEPARATORS = (";", ",", "\t")
# A UTF-8 sequence inside a file that is otherwise not UTF-8: the file mixes two encodings.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str


@dataclass(frozen=True)
class RosterRow:
    line: int
    class_name: str
    pupil_first_name: str
    pupil_last_name: str
    parent_first_name: str
    parent_last_name: str
    parent_email: str
    parent_language: str


@dataclass
class ImportResult:
    """How many distinct classes, pupils, parents and parent-child links were created or found."""

    classes_created: int = 0
    classes_existing: int = 0
    pupils_created: int = 0
    pupils_existing: int = 0
    parents_created: int = 0
    parents_existing: int = 0
    links_created: int = 0
    links_existing: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (self.classes_created, self.pupils_created, self.parents_created, self.links_created)
        )


def _line_of(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _not_readable(line: int) -> RosterRejected:
    return RosterRejected(
        [
            RowError(
                line,
                _(
                    "The file could not be read as text. "
                    "Save it from your spreadsheet as “CSV UTF-8” and upload it again."
                ),
            )
        ]
    )


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252 as German Excel saves it."""
    if not data.strip():
        raise RosterRejected([RowError(1, _("The file is empty."))])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _not_readable(1) from None
    if b"\x00" in data:
        raise _not_readable(_line_of(data, data.index(b"\x00")))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        utf8_error = error
    mixed = UTF8_SEQUENCE.search(data)
    if mixed:
        raise _not_readable(_line_of(data, mixed.start()))
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise _not_readable(_line_of(data, error.start)) from utf8_error


def sniff_separator(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max(SEPARATORS, key=header.count)


def _header_errors(header: list[str]) -> list[RowError]:
    expected = ", ".join(COLUMNS)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column not in COLUMNS]
    doubled = sorted({column for column in header if header.count(column) > 1})
    problems = []
    if missing:
        problems.append(
            _("The first line lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    if unknown:
        problems.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
    if doubled:
        problems.append(_("Columns named twice: %(columns)s.") % {"columns": ", ".join(doubled)})
    if not problems:
        return []
    problems.append(_("Expected columns: %(columns)s.") % {"columns": expected})
    return [RowError(1, " ".join(problems))]


def _language(value: str, default: str) -> str | None:
    if not value:
        return default
    value = value.lower()
    return value if value in dict(settings.LANGUAGES) else None


def _cell_errors(values: dict[str, str]) -> list[str]:
    problems = [
        _("“%(column)s” is empty.") % {"column": column}
        for column in REQUIRED_VALUES
        if not values.get(column)
    ]
    problems += [
        _("“%(column)s” is longer than %(length)d characters.")
        % {"column": column, "length": length}
        for column, length in MAX_LENGTHS.items()
        if len(values.get(column, "")) > length
    ]
    email = values.get("parent_email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(_("“%(email)s” is not a valid email address.") % {"email": email})
    return problems


def _row(line: int, header: list[str], cells: list[str], default_language: str):
    """A RosterRow, or the RowError that says what is wrong with the line."""
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        return RowError(line, _("The line has more values than the first line has columns."))
    values = dict.fromkeys(header, "")
    values.update(zip(header, (cell.strip() for cell in cells), strict=False))
    problems = _cell_errors(values)
    language = _language(values.get("parent_language", ""), default_language)
    if language is None:
        problems.append(
            _("“%(value)s” is not a language; use one of: %(choices)s.")
            % {"value": values["parent_language"], "choices": ", ".join(dict(settings.LANGUAGES))}
        )
    if problems:
        return RowError(line, " ".join(problems))
    return RosterRow(
        line=line,
        class_name=values["class"],
        pupil_first_name=values["pupil_first_name"],
        pupil_last_name=values["pupil_last_name"],
        parent_first_name=values["parent_first_name"],
        parent_last_name=values["parent_last_name"],
        parent_email=User.objects.normalize_email(values["parent_email"]),
        parent_language=language,
    )


def parse(text: str, *, default_language: str) -> list[RosterRow]:
    """Every row of the file, or RosterRejected with every bad line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_separator(text))
    rows: list[RosterRow] = []
    errors: list[RowError] = []
    try:
        header = [column.strip().lstrip("\ufeff").lower() for column in next(reader)]
        errors += _header_errors(header)
        for cells in [] if errors else reader:
            if not any(cell.strip() for cell in cells):
                continue
            row = _row(reader.line_num, header, cells, default_language)
            (errors if isinstance(row, RowError) else rows).append(row)
    except csv.Error:
        errors.append(RowError(reader.line_num, _("This line is not valid CSV.")))
    if not errors and not rows:
        errors.append(RowError(2, _("The file has a header line but no pupils.")))
    if errors:
        raise RosterRejected(errors)
    return rows


def _key(*names: str) -> tuple[str, ...]:
    return tuple(name.casefold() for name in names)


@dataclass
class _Tally:
    """What one kind of row the file named: created by this import, or there already."""

    created: set = field(default_factory=set)
    existing: set = field(default_factory=set)

    def count(self, key, *, created: bool) -> None:
        if created:
            self.created.add(key)
        elif key not in self.created:
            self.existing.add(key)


class _Importer:
    """What the organisation has, indexed as the file matches it, plus what the file adds.

    The file is planned in memory first and written with a few bulk inserts at the end, so the
    import's transaction (on SQLite: the whole database's write lock) lasts a moment whatever
    the file's size. The organisation is locked meanwhile, so what the indexes say stays true:
    class names and parents' addresses are free, and links are new.
    """

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        classes = list(SchoolClass.objects.filter(organisation=organisation))
        self.classes = {_key(c.name): c for c in classes}
        class_keys = {c.pk: _key(c.name) for c in classes}
        self.pupils = {
            (*class_keys[p.school_class_id], *_key(p.first_name, p.last_name)): p
            for p in Pupil.objects.filter(organisation=organisation)
        }
        parents = {
            p.pk: p for p in User.objects.filter(organisation=organisation, role=Role.PARENT)
        }
        self.parents_by_email = {p.email.casefold(): p for p in parents.values() if p.email}
        # Keyed by the pupil object's id(), since a pupil the file adds has no pk yet.
        self.parents_of_pupil: dict[int, list[User]] = defaultdict(list)
        pupils = {p.pk: p for p in self.pupils.values()}
        links = Guardianship.objects.filter(pupil__organisation=organisation)
        for pupil_id, parent_id in links.values_list("pupil_id", "parent_id"):
            self.parents_of_pupil[id(pupils[pupil_id])].append(parents[parent_id])
        self.new: dict[str, list] = defaultdict(list)
        self.tallies: dict[str, _Tally] = defaultdict(_Tally)

    def school_class(self, row: RosterRow) -> tuple[tuple[str, ...], SchoolClass]:
        key = _key(row.class_name)
        found = self.classes.get(key)
        if found is None:
            found = SchoolClass(organisation=self.organisation, name=row.class_name)
            self.classes[key] = found
            self.new["classes"].append(found)
            self.tallies["classes"].count(id(found), created=True)
        self.tallies["classes"].count(id(found), created=False)
        return key, found

    def pupil(self, row: RosterRow, class_key, school_class: SchoolClass) -> Pupil:
        key = (*class_key, *_key(row.pupil_first_name, row.pupil_last_name))
        found = self.pupils.get(key)
        if found is None:
            found = Pupil(
                organisation=self.organisation,
                school_class=school_class,
                first_name=row.pupil_first_name,
                last_name=row.pupil_last_name,
            )
            self.pupils[key] = found
            self.new["pupils"].append(found)
            self.tallies["pupils"].count(id(found), created=True)
        self.tallies["pupils"].count(id(found), created=False)
        return found

    def _known_parent(self, row: RosterRow, pupil: Pupil) -> User | None:
        if row.parent_email:
            return self.parents_by_email.get(row.parent_email.casefold())
        names = _key(row.parent_first_name, row.parent_last_name)
        for parent in self.parents_of_pupil[id(pupil)]:
            if _key(parent.first_name, parent.last_name) == names:
                return parent
        return None

    def parent(self, row: RosterRow, pupil: Pupil) -> User:
        found = self._known_parent(row, pupil)
        if found is None:
            found = services.new_parent(
                organisation=self.organisation,
                first_name=row.parent_first_name,
                last_name=row.parent_last_name,
                email=row.parent_email,
                language=row.parent_language,
            )
            if row.parent_email:
                self.parents_by_email[row.parent_email.casefold()] = found
            self.new["parents"].append(found)
            self.tallies["parents"].count(id(found), created=True)
        self.tallies["parents"].count(id(found), created=False)
        return found

    def link(self, pupil: Pupil, parent: User) -> None:
        key = (id(pupil), id(parent))
        known = self.parents_of_pupil[id(pupil)]
        if any(other is parent for other in known):
            self.tallies["links"].count(key, created=False)
            return
        known.append(parent)
        self.new["links"].append(Guardianship(pupil=pupil, parent=parent))
        self.tallies["links"].count(key, created=True)

    def write(self) -> None:
        """The planned rows, a bulk insert per kind; each kind's new primary keys are set on
        the objects, so the next kind's foreign keys follow them."""
        if self.new["classes"]:
            department = services.imported_department(self.organisation)
            for school_class in self.new["classes"]:
                school_class.department = department
        SchoolClass.objects.bulk_create(self.new["classes"])
        Pupil.objects.bulk_create(self.new["pupils"])
        User.objects.bulk_create(self.new["parents"])
        Guardianship.objects.bulk_create(self.new["links"])

    def result(self) -> ImportResult:
        counts = {}
        for kind in ("classes", "pupils", "parents", "links"):
            tally = self.tallies[kind]
            counts[f"{kind}_created"] = len(tally.created)
            counts[f"{kind}_existing"] = len(tally.existing)
        return ImportResult(**counts)


def import_roster(*, organisation: Organisation, data: bytes) -> ImportResult:
    """Import a roster file into the organisation, or raise RosterRejected and write nothing."""
    rows = parse(decode(data), default_language=organisation.language)
    with transaction.atomic():
        # One import at a time per organisation, so two uploads of one file cannot both create.
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        importer = _Importer(organisation)
        for row in rows:
            class_key, school_class = importer.school_class(row)
            pupil = importer.pupil(row, class_key, school_class)
            importer.link(pupil, importer.parent(row, pupil))
        importer.write()
    return importer.result()
