"""The office's figures (R2): the load of teachers and subjects over a period or an event, and
an event's summary of families and teachers. Each a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from rendezvous.accounts.models import STAFF_ROLES, Role, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.lib.dates import on_days
from rendezvous.lib.sorting import by_person, person_key, text_key
from rendezvous.scheduling.models import Event, Slot, SlotStatus


@dataclass(frozen=True)
class Load:
    """Slots of one teacher or subject: how many places they offer and how many are booked."""

    id: int | None
    name: str
    slots: int
    places: int
    booked: int

    @property
    def free(self) -> int:
        return self.places - self.booked

    @property
    def utilisation(self) -> float:
        """Booked places as a share of all, from 0 to 1."""
        return self.booked / self.places if self.places else 0.0

    @property
    def percent(self) -> int:
        return round(self.utilisation * 100)


def slots_in(
    organisation_id: int,
    *,
    event: Event | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[Slot]:
    """The organisation's slots that are not cancelled, of an event and between two days (in
    the current time zone, both included)."""
    slots = Slot.objects.filter(organisation_id=organisation_id).exclude(
        status=SlotStatus.CANCELLED
    )
    if event is not None:
        slots = slots.filter(event=event)
    return on_days(slots, "starts_at", date_from, date_to)


def _figures(slots: QuerySet[Slot], *keys: str) -> QuerySet:
    return (
        slots.order_by()
        .values(*keys)
        .annotate(slots=Count("pk"), places=Sum("capacity"), booked=Sum("seats_taken"))
    )


def teacher_load(slots: QuerySet[Slot]) -> list[Load]:
    rows = _figures(slots, "host_id", "host__first_name", "host__last_name")
    rows = sorted(
        rows, key=lambda row: person_key(row["host__last_name"], row["host__first_name"])
    )
    return [
        Load(
            id=row["host_id"],
            name=f"{row['host__first_name']} {row['host__last_name']}".strip(),
            slots=row["slots"],
            places=row["places"],
            booked=row["booked"],
        )
        for row in rows
    ]


def subject_load(slots: QuerySet[Slot]) -> list[Load]:
    """By subject; slots without one are counted together, last."""
    rows = _figures(slots, "subject_id", "subject__name")
    loads = [
        Load(
            id=row["subject_id"],
            name=row["subject__name"] or _("No subject"),
            slots=row["slots"],
            places=row["places"],
            booked=row["booked"],
        )
        for row in rows
    ]
    return sorted(loads, key=lambda load: (load.id is None, text_key(load.name)))


def total(loads: list[Load]) -> Load:
    return Load(
        id=None,
        name=_("All"),
        slots=sum(load.slots for load in loads),
        places=sum(load.places for load in loads),
        booked=sum(load.booked for load in loads),
    )


@dataclass
class EventSummary:
    event: Event
    families_booked: list[User] = field(default_factory=list)
    families_not_booked: list[User] = field(default_factory=list)
    teachers_fully_booked: list[User] = field(default_factory=list)
    teachers_without_slots: list[User] = field(default_factory=list)

    @property
    def families(self) -> int:
        return len(self.families_booked) + len(self.families_not_booked)

    @property
    def reachable_not_booked(self) -> list[User]:
        """Those of the families not booked that a mail reaches."""
        return [parent for parent in self.families_not_booked if parent.email]


def _families(event: Event) -> tuple[list[User], list[User]]:
    """The active parents of the event's classes' pupils: those with an active booking in the
    event for one of their children, and the others."""
    parents = User.objects.filter(
        role=Role.PARENT, is_active=True, children__school_class__events=event
    ).distinct()
    booked_ids = set(
        Booking.objects.filter(event=event, status__in=ACTIVE_STATUSES).values_list(
            "pupil__guardianships__parent_id", flat=True
        )
    )
    parents = sorted(parents, key=by_person)
    return (
        [parent for parent in parents if parent.pk in booked_ids],
        [parent for parent in parents if parent.pk not in booked_ids],
    )


def _teachers(event: Event) -> tuple[list[User], list[User]]:
    """Teachers whose slots in the event are all taken; teachers of its classes with none."""
    classes = event.classes.all()
    teachers = User.objects.filter(
        Q(classes_led__in=classes) | Q(classes_taught__in=classes),
        role__in=STAFF_ROLES,
        is_active=True,
    ).distinct()
    slots = _figures(slots_in(event.organisation_id, event=event), "host_id").annotate(
        full=Count("pk", filter=Q(seats_taken__gte=F("capacity")))
    )
    hosts = {row["host_id"]: row for row in slots}
    full_ids = {pk for pk, row in hosts.items() if row["full"] == row["slots"]}
    fully_booked = User.objects.filter(pk__in=full_ids)
    return (
        sorted(fully_booked, key=by_person),
        sorted((t for t in teachers if t.pk not in hosts), key=by_person),
    )


def event_summary(event: Event) -> EventSummary:
    booked, not_booked = _families(event)
    full, without = _teachers(event)
    return EventSummary(
        event=event,
        families_booked=booked,
        families_not_booked=not_booked,
        teachers_fully_booked=full,
        teachers_without_slots=without,
    )
