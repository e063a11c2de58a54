"""Reads for the parent's pages: what the booking page offers, the family's appointments and
plan, each in a fixed number of queries, and the times a booking may move to."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby
from typing import NamedTuple

from django.db import DEFAULT_DB_ALIAS
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.selectors.common import (
    active_bookings_of,
    booker_may_change,
    booking_not_over,
    bookings_of_parent,
    children_of,
    free_at,
    free_slots,
    overlaps,
)
from rendezvous.lib.queries import Prepared
from rendezvous.scheduling.models import Event, Slot, SlotStatus
from rendezvous.school.models import Pupil, SchoolClass


class FreeTime(NamedTuple):
    """A free slot as the booking page offers it, read as plain values rather than as a model
    row: a page may offer thousands, and a row costs several times more to build (a tuple
    also costs less than a frozen dataclass)."""

    pk: int
    starts_at: datetime
    ends_at: datetime
    room: str
    local_start: datetime  # in the organisation's time zone


class FreeDays(list):
    """A teacher's free times to offer, as (day, times) pairs in order.

    Children who share a teacher are offered the same times unless some clash for one of
    them; they then share one FreeDays, and `drawn` lets the page draw its times once."""

    __slots__ = ("drawn",)

    def __init__(self, days=()):
        super().__init__(days)
        self.drawn: dict = {}


@dataclass
class TeacherOffer:
    """One teacher of one child in one event: either the booking or the free slots by day.

    The subject and room are those of the teacher's slots in the event when they all agree
    (subjects belong to slots, not to a teacher's place in a class)."""

    teacher: User
    key: str = ""  # names the offer in the page, so a failed booking can reopen it
    is_class_teacher: bool = False
    subject: str = ""
    room: str = ""
    booking: Booking | None = None
    changeable: bool = False  # the parent booked it and may still move or cancel it
    days: FreeDays = field(default_factory=FreeDays)
    hidden_clashes: int = 0

    @property
    def free_count(self) -> int:
        return sum(len(slots) for _day, slots in self.days)


@dataclass
class ChildOffers:
    pupil: Pupil
    teachers: list[TeacherOffer]

    @property
    def booked_count(self) -> int:
        return sum(1 for offer in self.teachers if offer.booking is not None)


@dataclass
class EventOffers:
    event: Event
    children: list[ChildOffers]


@dataclass
class BookingOverview:
    """The booking page: the open events, and the family's plan (its active appointments to
    come, in order)."""

    events: list[EventOffers]
    plan: list[Booking]


@dataclass
class Appointment:
    """A booking as the parent's lists show it."""

    booking: Booking
    mine: bool  # the parent booked it; the other parent's bookings are only shown
    changeable: bool
    is_class_teacher: bool

    @property
    def subject(self) -> str:
        subject = self.booking.slot.subject
        return subject.name if subject is not None else ""


@dataclass
class FamilyAppointments:
    upcoming: list[Appointment]
    past: list[Appointment]  # ended, cancelled or rejected; the latest first


@dataclass
class PlanDay:
    day: date
    appointments: list[Appointment]

    @property
    def events(self) -> list[Event]:
        """The events of the day's appointments, each once, in order."""
        seen: dict[int, Event] = {}
        for appointment in self.appointments:
            event = appointment.booking.event
            if event is not None:
                seen.setdefault(event.pk, event)
        return list(seen.values())


@dataclass
class _Staff:
    """The teachers of the family's classes: by class, the class teachers first and then the
    subject teachers, each by name; and which teachers lead which class."""

    by_class: dict[int, list[User]]
    leads: set[tuple[int, int]]  # (class, teacher)


@dataclass
class _Context:
    """What every offer of the page is built from, read once."""

    parent: User
    now: datetime
    staff: _Staff
    event_classes: dict[int, set[int]]
    free: dict[tuple[int, int], list[FreeTime]]
    details: dict[tuple[int, int], dict]
    booked: dict[tuple[int, int, int], Booking]
    bookings: list[Booking]
    all_free_days: dict[tuple[int, int], FreeDays] = field(default_factory=dict)

    def free_days(self, event: Event, teacher: User, offered: list[FreeTime]) -> FreeDays:
        """The offered times by day: when they are all the teacher's free times, the same
        FreeDays for every child."""
        key = (event.pk, teacher.pk)
        if len(offered) < len(self.free.get(key, ())):
            return _days_of(offered)
        if key not in self.all_free_days:
            self.all_free_days[key] = _days_of(offered)
        return self.all_free_days[key]


def _eligible(teachers) -> list[User]:
    return [t for t in teachers if t.is_active and t.role in STAFF_ROLES]


# What the page shows of a teacher and what decides whether they are offered: a user row
# carries much more (six datetimes among it), which every page would read for nothing.
TEACHER_FIELDS = ("organisation_id", "role", "first_name", "last_name", "is_active")
TEACHER_COLUMNS = tuple(f"user__{name}" for name in TEACHER_FIELDS)
TEACHER_ORDER = ("user__last_name", "user__first_name")


def by_day(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[timezone.localdate(slot.starts_at)].append(slot)
    return list(days.items())


def _children_query(parent: int) -> QuerySet[Pupil]:
    return children_of(parent).order_by("first_name", "last_name")


def _staff_query(classes: list[int]) -> QuerySet:
    """Both lists of teachers of the classes in one query: a row per class and teacher, with
    whether they lead the class and what the page shows of them; those who lead first, each
    list by name."""

    def rows(through, leads: int) -> QuerySet:
        return (
            through.objects.filter(schoolclass_id__in=classes)
            .annotate(leads=Value(leads))
            .values_list("schoolclass_id", "leads", "user_id", *TEACHER_COLUMNS)
        )

    leading = rows(SchoolClass.class_teachers.through, 1)
    teaching = rows(SchoolClass.subject_teachers.through, 0)
    return leading.union(teaching, all=True).order_by("-leads", *TEACHER_ORDER)


def _open_event_classes_query(classes: list[int], organisation: int, now: datetime) -> QuerySet:
    """The events of the classes still taking bookings (or about to), by date: a row per
    event and class, with its event."""
    return (
        Event.classes.through.objects.filter(
            booking_not_over(now, "event__"),
            event__organisation_id=organisation,
            schoolclass_id__in=classes,
        )
        .select_related("event")
        .order_by("event__starts_on", "event_id")
    )


_SLOT_COLUMNS = (
    "pk",
    "event_id",
    "host_id",
    "starts_at",
    "ends_at",
    "room",
    "subject",
    "subject__name",
    "free",
)


def _teacher_slots_query(events: list[int], teachers: list[int], now: datetime) -> QuerySet:
    """The slots of the events' teachers that are not cancelled, in order, with whether each
    is free: the free ones are offered, all of them name the teacher's room and subject."""
    free = Case(When(free_at(now), then=Value(True)), default=Value(False))
    return (
        Slot.objects.filter(event__in=events, host_id__in=teachers)
        .exclude(status=SlotStatus.CANCELLED)
        .annotate(free=free)
        .order_by("starts_at")
        .values_list(*_SLOT_COLUMNS)
    )


def _class_teachers_query(classes: list[int]) -> QuerySet:
    through = SchoolClass.class_teachers.through
    rows = through.objects.filter(schoolclass_id__in=classes)
    return rows.values_list("schoolclass_id", "user_id")


def _family_bookings_query(parent: int, children: list[int]) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(booker=parent) | Q(pupil__in=children))
        .select_related("slot", "host", "pupil", "booker", "event")
        .order_by()
    )


def _family_appointments_query(parent: int) -> QuerySet[Booking]:
    """Sorted by _family_appointments, as _family_active_bookings is."""
    return bookings_of_parent(parent).order_by()


# Built once: every booking page asks them again, and building them costs Django more than
# running them costs the database.
_CHILDREN = Prepared(_children_query)
_STAFF = Prepared(_staff_query)
_OPEN_EVENT_CLASSES = Prepared(_open_event_classes_query)
_TEACHER_SLOTS = Prepared(_teacher_slots_query)
_FAMILY_BOOKINGS = Prepared(_family_bookings_query)
_CLASS_TEACHERS = Prepared(_class_teachers_query)
# Every booking ends on the appointments page.
_FAMILY_APPOINTMENTS = Prepared(_family_appointments_query)


def _staff_of(classes: set[int]) -> _Staff:
    by_class: dict[int, dict[int, User]] = defaultdict(dict)
    leads = set()
    for school_class, leading, teacher_id, *values in _STAFF(classes=sorted(classes)):
        teachers = by_class[school_class]
        if teacher_id not in teachers:
            teachers[teacher_id] = _teacher(teacher_id, values)
        if leading:
            leads.add((school_class, teacher_id))
    return _Staff(
        by_class={school_class: _eligible(t.values()) for school_class, t in by_class.items()},
        leads=leads,
    )


# The teacher's fields in the model's order, as Model.from_db takes them.
_TEACHER_ROW = [
    f.attname for f in User._meta.concrete_fields if f.attname in {"id", *TEACHER_FIELDS}
]


def _teacher(pk: int, values: list) -> User:
    """A teacher as the staff query read them: a user with the page's fields, the others left
    to load if asked for, as from `only()`."""
    given = dict(zip(TEACHER_FIELDS, values, strict=True), id=pk)
    return User.from_db(DEFAULT_DB_ALIAS, _TEACHER_ROW, [given[name] for name in _TEACHER_ROW])


def _open_events(classes: set[int], organisation: int, now: datetime):
    """The children's events that take bookings or will, by date; and each one's classes."""
    events: dict[int, Event] = {}
    event_classes: dict[int, set[int]] = defaultdict(set)
    rows = _OPEN_EVENT_CLASSES(classes=sorted(classes), organisation=organisation, now=now)
    for row in rows:
        events.setdefault(row.event_id, row.event)
        event_classes[row.event_id].add(row.schoolclass_id)
    return list(events.values()), event_classes


@dataclass
class _TeacherSlots:
    """The events' teachers' free times, by event and teacher, in order; and per event and
    teacher, the room and subject when all their slots name the same one."""

    free: dict[tuple[int, int], list[FreeTime]]
    details: dict[tuple[int, int], dict]


def _teacher_slots(events: list[Event], teacher_ids, now: datetime) -> _TeacherSlots:
    free: dict[tuple[int, int], list[FreeTime]] = defaultdict(list)
    rooms: dict[tuple[int, int], set[str]] = defaultdict(set)
    subjects: dict[tuple[int, int], dict[int, str]] = defaultdict(dict)
    rows = _TEACHER_SLOTS(events=[e.pk for e in events], teachers=sorted(teacher_ids), now=now)
    local = _LocalTimes()
    for pk, event_id, host_id, starts_at, ends_at, room, subject, subject_name, is_free in rows:
        key = (event_id, host_id)
        rooms[key].add(room)
        if subject is not None:
            subjects[key][subject] = subject_name
        if is_free:
            free[key].append(FreeTime(pk, starts_at, ends_at, room, local[starts_at]))
    details = {
        key: {
            "room": next(iter(rooms[key])) if len(rooms[key]) == 1 else "",
            "subject": next(iter(names.values())) if len(names := subjects[key]) == 1 else "",
        }
        for key in rooms
    }
    return _TeacherSlots(free=free, details=details)


class _LocalTimes(dict):
    """Times in the current time zone, each converted once: the teachers of an evening share
    its times, and a conversion costs many times a lookup."""

    def __init__(self):
        super().__init__()
        self.zone = timezone.get_current_timezone()

    def __missing__(self, moment: datetime) -> datetime:
        self[moment] = local = moment.astimezone(self.zone)
        return local


def _days_of(times: list[FreeTime]) -> FreeDays:
    days: dict[date, list[FreeTime]] = defaultdict(list)
    for time in times:
        days[time.local_start.date()].append(time)
    return FreeDays(days.items())


def _offer(context: _Context, event: Event, pupil: Pupil, teacher: User) -> TeacherOffer:
    details = context.details.get((event.pk, teacher.pk), {})
    offer = TeacherOffer(
        teacher=teacher,
        key=f"{event.pk}-{pupil.pk}-{teacher.pk}",
        is_class_teacher=(pupil.school_class_id, teacher.pk) in context.staff.leads,
        subject=details.get("subject") or "",
        room=details.get("room") or "",
    )
    booking = context.booked.get((event.pk, pupil.pk, teacher.pk))
    if booking is not None:
        offer.booking = booking
        offer.room = booking.slot.room
        offer.changeable = booking.booker_id == context.parent.pk and booker_may_change(
            booking, context.now
        )
        return offer
    # A time is hidden when the parent is busy then, or the child is: the other parent may
    # see another teacher at the same time, but not with the same child.
    busy = [
        b for b in context.bookings if b.booker_id == context.parent.pk or b.pupil_id == pupil.pk
    ]
    slots = context.free.get((event.pk, teacher.pk), [])
    offered = [slot for slot in slots if not overlaps(slot, busy)] if busy else slots
    offer.days = context.free_days(event, teacher, offered)
    offer.hidden_clashes = len(slots) - len(offered)
    return offer


def _family_active_bookings(parent: User, children: list[Pupil]) -> list[Booking]:
    """The parent's own active bookings and those of their children, whoever booked them, in
    order. Sorted here: an ORDER BY over rows this wide costs Django more than sorting a
    family's few bookings does."""
    rows = _FAMILY_BOOKINGS(parent=parent.pk, children=[child.pk for child in children])
    return sorted(rows, key=lambda booking: (booking.slot.starts_at, booking.pk))


def _family_appointments(parent: User) -> list[Booking]:
    """bookings_of_parent, in its order."""
    rows = _FAMILY_APPOINTMENTS(parent=parent.pk)
    return sorted(rows, key=lambda booking: (booking.slot.starts_at, booking.pk))


def _plan(context: _Context, children: list[Pupil]) -> list[Booking]:
    """The active appointments to come that the parent may read (their own for a child they
    are no longer a parent of are left out, as everywhere)."""
    child_ids = {child.pk for child in children}
    return [
        b
        for b in context.bookings
        if (b.pupil_id is None or b.pupil_id in child_ids) and b.slot.ends_at >= context.now
    ]


def _event_offers(context: _Context, event: Event, children: list[Pupil]) -> EventOffers:
    class_ids = context.event_classes.get(event.pk, set())
    return EventOffers(
        event=event,
        children=[
            ChildOffers(
                pupil=pupil,
                teachers=[
                    _offer(context, event, pupil, teacher)
                    for teacher in context.staff.by_class.get(pupil.school_class_id, [])
                ],
            )
            for pupil in children
            if pupil.school_class_id in class_ids
        ],
    )


def booking_overview_for_parent(parent: User) -> BookingOverview:
    """Everything the parent's booking page shows, in a fixed number of queries whatever the
    number of children, teachers and free times."""
    now = timezone.now()
    children = _CHILDREN(parent=parent.pk)
    classes = {child.school_class_id for child in children}
    staff = _staff_of(classes)
    bookings = _family_active_bookings(parent, children)
    events, event_classes = _open_events(classes, parent.organisation_id, now)
    teacher_ids = {t.pk for teachers in staff.by_class.values() for t in teachers}
    slots = _teacher_slots(events, teacher_ids, now)
    context = _Context(
        parent=parent,
        now=now,
        staff=staff,
        event_classes=event_classes,
        free=slots.free,
        details=slots.details,
        booked={
            (b.event_id, b.pupil_id, b.host_id): b for b in bookings if b.pupil_id is not None
        },
        bookings=bookings,
    )
    return BookingOverview(
        events=[_event_offers(context, event, children) for event in events],
        plan=_plan(context, children),
    )


def _class_teacher_pairs(bookings: list[Booking]) -> set[tuple[int, int]]:
    class_ids = {b.pupil.school_class_id for b in bookings if b.pupil is not None}
    return set(_CLASS_TEACHERS(classes=class_ids))


def appointments_of_family(parent: User, now: datetime | None = None) -> FamilyAppointments:
    """The family's appointments: those to come first, in order; then the past, cancelled and
    rejected ones, the latest first. Three queries."""
    now = now or timezone.now()
    bookings = _family_appointments(parent)
    class_teachers = _class_teacher_pairs(bookings)
    upcoming, past = [], []
    for booking in bookings:
        mine = booking.booker_id == parent.pk
        appointment = Appointment(
            booking=booking,
            mine=mine,
            changeable=mine and booker_may_change(booking, now),
            is_class_teacher=booking.pupil is not None
            and (booking.pupil.school_class_id, booking.host_id) in class_teachers,
        )
        if booking.is_active and booking.slot.ends_at >= now:
            upcoming.append(appointment)
        else:
            past.append(appointment)
    past.reverse()
    return FamilyAppointments(upcoming=upcoming, past=past)


def family_plan(parent: User, now: datetime | None = None) -> list[PlanDay]:
    """The family's appointments to come, by day, in order: the printable plan."""
    upcoming = appointments_of_family(parent, now).upcoming
    days = groupby(upcoming, key=lambda a: timezone.localdate(a.booking.slot.starts_at))
    return [PlanDay(day=day, appointments=list(items)) for day, items in days]


def free_slots_for_move(booking: Booking) -> list[Slot]:
    """Other free slots of the booking's teacher in its event that do not clash for the booker."""
    slots = [
        slot
        for slot in free_slots(event=booking.event, teacher=booking.host)
        if slot.pk != booking.slot_id
    ]
    if booking.booker_id is None:
        return slots
    others = list(active_bookings_of(booking.booker).exclude(pk=booking.pk).select_related("slot"))
    return [slot for slot in slots if not overlaps(slot, others)]
