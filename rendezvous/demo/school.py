"""The demo school loaded by `manage.py seed_demo`: a German Gymnasium with a parents' evening."""

import random
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from rendezvous.accounts.models import Role, User
from rendezvous.bookings.selectors import free_slots, teachers_of_pupil
from rendezvous.bookings.services import book_slot, decide_booking
from rendezvous.lib.errors import DomainError
from rendezvous.organisations.models import Organisation
from rendezvous.scheduling.models import Event, Phase, Slot
from rendezvous.school.models import Department, Guardianship, Pupil, SchoolClass

DEMO_PASSWORD = "rendezvous-demo"
DEMO_PARENT_PASSWORD = "Demo-Eltern-2026"
SLUG = "goethe"

DEPARTMENTS = {
    "Sprachen": ["Deutsch", "Englisch", "Französisch", "Latein"],
    "MINT": ["Mathematik", "Physik", "Chemie", "Biologie", "Informatik"],
    "Gesellschaftswissenschaften": ["Geschichte", "Erdkunde", "Politik"],
    "Musik und Kunst": ["Musik", "Kunst"],
    "Sport": ["Sport"],
}
TEACHERS = [
    ("Anna", "Becker"),
    ("Jonas", "Schneider"),
    ("Claudia", "Fischer"),
    ("Markus", "Weber"),
    ("Sabine", "Meyer"),
    ("Thomas", "Wagner"),
    ("Julia", "Schulz"),
    ("Stefan", "Hoffmann"),
    ("Katrin", "Koch"),
    ("Michael", "Richter"),
    ("Petra", "Klein"),
    ("Andreas", "Wolf"),
    ("Nicole", "Schröder"),
    ("Frank", "Neumann"),
    ("Birgit", "Schwarz"),
    ("Jan", "Zimmermann"),
    ("Susanne", "Braun"),
    ("Tobias", "Krüger"),
    ("Melanie", "Hofmann"),
    ("Daniel", "Hartmann"),
    ("Heike", "Lange"),
    ("Florian", "Schmitt"),
    ("Martina", "Werner"),
    ("Sven", "Krause"),
    ("Elena", "Iwanowa"),
]
FIRST_NAMES = [
    "Mia",
    "Ben",
    "Emma",
    "Paul",
    "Hannah",
    "Leon",
    "Sophie",
    "Finn",
    "Lina",
    "Elias",
    "Marie",
    "Noah",
    "Lea",
    "Luca",
    "Clara",
    "Felix",
    "Emilia",
    "Jonas",
    "Ida",
    "Anton",
]
LAST_NAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Petrow",
    "Smirnow",
    "Yılmaz",
    "Kaya",
    "Nowak",
]
CLASSES = ["5a", "5b", "6a", "6b", "7a", "7b", "8a", "8b", "9a", "9b", "10a", "10b"]


LEAD_DAYS = 2  # the demo evening is always at least this far ahead, so parents can book
EVENING_WEEKDAY = 3  # Thursday
CLOSES_AT = time(12)  # booking closes at noon on the evening's day; the meetings start at 16:00


def evening_day(today: date) -> date:
    """The first Thursday at least LEAD_DAYS after today."""
    earliest = today + timedelta(days=LEAD_DAYS)
    return earliest + timedelta(days=(EVENING_WEEKDAY - earliest.weekday()) % 7)


def _later(moment: datetime, weeks: int, tz) -> datetime:
    """The same local wall-clock time `weeks` later, whatever the clock changes between."""
    local = timezone.localtime(moment, tz).replace(tzinfo=None)
    return (local + timedelta(weeks=weeks)).replace(tzinfo=tz)


def refresh_demo(organisation: Organisation) -> list[Event]:
    """Move the demo's open evenings that are too close or past forward by whole weeks, with
    their slots and bookings, so that the demo can be booked whenever it starts. Whatever the
    user added to those evenings moves with them; nothing is deleted."""
    tz = organisation.tz
    today = timezone.localdate(timezone=tz)
    moved = []
    stale = Event.objects.filter(
        organisation=organisation,
        phase=Phase.OPEN,
        starts_on__lt=today + timedelta(days=LEAD_DAYS),
    )
    with transaction.atomic():
        for event in stale:
            weeks = -(-(today + timedelta(days=LEAD_DAYS) - event.starts_on).days // 7)
            _move_event(event, weeks, tz)
            moved.append(event)
    return moved


def _move_event(event: Event, weeks: int, tz) -> None:
    event.starts_on += timedelta(weeks=weeks)
    event.ends_on += timedelta(weeks=weeks)
    event.booking_closes_at = _later(event.booking_closes_at, weeks, tz)
    event.booking_opens_at = min(event.booking_opens_at, timezone.now() - timedelta(days=1))
    event.save(update_fields=["starts_on", "ends_on", "booking_opens_at", "booking_closes_at"])
    # Latest first, so that no slot lands on one of its teacher's not yet moved ones.
    for slot in event.slots.order_by("-starts_at"):
        slot.starts_at = _later(slot.starts_at, weeks, tz)
        slot.ends_at = _later(slot.ends_at, weeks, tz)
        slot.save(update_fields=["starts_at", "ends_at"])


class DemoSchool:
    def __init__(self, seed: int = 2026):
        self.rng = random.Random(seed)
        self.staff_password = make_password(DEMO_PASSWORD)  # hashed once: bcrypt is slow

    @transaction.atomic
    def build(self) -> Organisation:
        self.org = Organisation.objects.create(
            name="Goethe-Gymnasium Musterstadt",
            slug=SLUG,
            time_zone="Europe/Berlin",
            language="de",
        )
        self.admin = self.user(Role.ADMIN, "Sekretariat", "Goethe", "sekretariat@goethe.example")
        self.teachers = [
            self.user(Role.TEACHER, first, last, f"{first}.{last}@goethe.example".lower())
            for first, last in TEACHERS
        ]
        self.classes = self.build_classes()
        self.build_families()
        self.event = self.build_event()
        return self.org

    def user(self, role, first, last, email, language="de") -> User:
        email = email.replace("ö", "oe").replace("ü", "ue").replace("ä", "ae")
        return User.objects.create(
            email=email,
            password=self.staff_password,
            organisation=self.org,
            role=role,
            first_name=first,
            last_name=last,
            language=language,
        )

    def build_classes(self) -> list[SchoolClass]:
        departments = [
            Department.objects.create(organisation=self.org, name=name) for name in DEPARTMENTS
        ]
        for index, teacher in enumerate(self.teachers):
            departments[index % len(departments)].teachers.add(teacher)
        classes = []
        for index, name in enumerate(CLASSES):
            school_class = SchoolClass.objects.create(
                organisation=self.org, department=departments[index % len(departments)], name=name
            )
            school_class.class_teachers.add(self.teachers[index])
            subject_teachers = self.rng.sample(self.teachers[12:], 4)
            school_class.subject_teachers.add(*subject_teachers)
            classes.append(school_class)
        return classes

    def build_families(self) -> None:
        self.parents = []
        self.parent_count = 0
        for school_class in self.classes:
            for _ in range(6):
                pupil = Pupil.objects.create(
                    organisation=self.org,
                    school_class=school_class,
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=self.rng.choice(LAST_NAMES),
                )
                parent = self.parent(pupil.last_name)
                Guardianship.objects.create(pupil=pupil, parent=parent)
                self.parents.append(parent)
        pupils = list(Pupil.objects.filter(organisation=self.org).order_by("pk"))
        # Some parents have a second child in another class; some children have two parents.
        for parent, pupil in zip(self.parents[:8], pupils[30:38], strict=True):
            Guardianship.objects.create(pupil=pupil, parent=parent)
        for pupil in pupils[40:46]:
            Guardianship.objects.create(pupil=pupil, parent=self.parent(pupil.last_name))
        demo, russian = self.parents[0], self.parents[1]
        demo.set_password(DEMO_PARENT_PASSWORD)
        demo.save(update_fields=["password"])
        russian.language = "ru"
        russian.set_password(DEMO_PARENT_PASSWORD)
        russian.save(update_fields=["password", "language"])

    def parent(self, last_name: str) -> User:
        first = self.rng.choice(["Sandra", "Olga", "Ayşe", "Peter", "Mehmet", "Karin", "Igor"])
        self.parent_count += 1
        code = str(10000 + self.parent_count * 37 + self.rng.randrange(37))
        email = f"{first}.{last_name}.{code}@eltern.example".lower()
        return User.objects.create_user(
            email,
            None,
            organisation=self.org,
            role=Role.PARENT,
            first_name=first,
            last_name=last_name,
            login_code=code,
            language="de",
        )

    def build_event(self) -> Event:
        tz = self.org.tz
        day = evening_day(timezone.localdate(timezone=tz))
        event = Event.objects.create(
            organisation=self.org,
            name="Elternsprechtag Herbst",
            starts_on=day,
            ends_on=day,
            booking_opens_at=timezone.now() - timedelta(days=1),
            booking_closes_at=datetime.combine(day, CLOSES_AT, tzinfo=tz),
            phase=Phase.OPEN,
            default_slot_minutes=10,
            change_cutoff_hours=24,
        )
        event.classes.add(*self.classes)
        for index, teacher in enumerate(self.teachers):
            Slot.objects.bulk_create(
                self.slots_for(teacher, event, day, tz, room=f"R{101 + index}")
            )
        self.book_some(event)
        return event

    def slots_for(self, teacher, event, day, tz, room=""):
        start = datetime.combine(day, time(16), tzinfo=tz)
        for number in range(18):
            starts_at = start + timedelta(minutes=10 * number + 5 * (number // 6))
            yield Slot(
                organisation=self.org,
                host=teacher,
                event=event,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=10),
                room=room,
            )

    def book_some(self, event) -> None:
        for parent in self.parents[2:40:2]:
            pupil = parent.children.first()
            teacher = teachers_of_pupil(pupil).first()
            slots = list(free_slots(event=event, teacher=teacher))
            slot = self.rng.choice(slots) if slots else None
            if slot is None:
                continue
            try:
                booking = book_slot(booker=parent, slot=slot, pupil=pupil)
            except DomainError:
                continue
            if self.rng.random() < 0.5:
                decide_booking(booking=booking, confirm=True)
