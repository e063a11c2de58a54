"""Reads for the parent's pages: what the booking page offers, the family's appointments and
plan, each in a fixed number of queries, and the times a booking may move to."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from itertools import groupby

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.selectors.common import (
    active_bookings_of,
    booker_may_change,
    bookings_of_parent,
    children_of,
    free_at,
    free_slots,
    open_events_for_parent,
    overlaps,
)
from rendezvous.lib.queries import Prepared
from rendezvous.scheduling.models import Event, Slot, SlotStatus
from rendezvous.school.models import Pupil, SchoolClass


@dataclass(frozen=True, slots=True)
class FreeTime:
    """A free slot as the booking page offers it, read as plain values rather than as a model
    row: a page may offer thousands, and a row costs several times more to build."""

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


def by_day(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[timezone.localdate(slot.starts_at)].append(slot)
    return list(days.items())


def _children_query(parent: int) -> QuerySet[Pupil]:
    return children_of(parent).order_by("first_name", "last_name")


def _staff_query(through, classes: list[int]) -> QuerySet:
    """The rows of one of the classes' two lists of teachers, each with its teacher."""
    teacher_fields = [f"user__{name}" for name in TEACHER_FIELDS]
    return (
        through.objects.filter(schoolclass_id__in=classes)
        .select_related("user")
        .only("schoolclass", "user", *teacher_fields)
        .order_by("user__last_name", "user__first_name")
    )


def _event_classes_query(events: list[int]) -> QuerySet:
    through = Event.classes.through
    return through.objects.filter(event_id__in=events).values_list("event_id", "schoolclass_id")


def _free_times_query(events: list[int], teachers: list[int], now: datetime) -> QuerySet:
    return (
        Slot.objects.filter(free_at(now), event__in=events, host_id__in=teachers)
        .order_by("starts_at")
        .values_list("pk", "event_id", "host_id", "starts_at", "ends_at", "room")
    )


def _teacher_details_query(events: list[int], teachers: list[int]) -> QuerySet:
    return (
        Slot.objects.filter(event__in=events, host_id__in=teachers)
        .exclude(status=SlotStatus.CANCELLED)
        .order_by()
        .values("event_id", "host_id")
        .annotate(
            rooms=Count("room", distinct=True),
            room=Max("room"),
            subjects=Count("subject", distinct=True),
            subject=Max("subject__name"),
        )
    )


def _family_bookings_query(parent: int, children: list[int]) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(status__in=ACTIVE_STATUSES)
        .filter(Q(booker=parent) | Q(pupil__in=children))
        .select_related("slot", "host", "pupil", "booker", "event")
        .order_by()
    )


# Built once: every booking page asks them again, and building them costs Django more than
# running them costs the database.
_CHILDREN = Prepared(_children_query)
_CLASS_TEACHERS = Prepared(partial(_staff_query, SchoolClass.class_teachers.through))
_SUBJECT_TEACHERS = Prepared(partial(_staff_query, SchoolClass.subject_teachers.through))
_OPEN_EVENTS = Prepared(open_events_for_parent)
_EVENT_CLASSES = Prepared(_event_classes_query)
_FREE_TIMES = Prepared(_free_times_query)
_TEACHER_DETAILS = Prepared(_teacher_details_query)
_FAMILY_BOOKINGS = Prepared(_family_bookings_query)


def _staff_of(classes: set[int]) -> _Staff:
    leading = _CLASS_TEACHERS(classes=sorted(classes))
    by_class: dict[int, dict[int, User]] = defaultdict(dict)
    for row in [*leading, *_SUBJECT_TEACHERS(classes=sorted(classes))]:
        by_class[row.schoolclass_id].setdefault(row.user_id, row.user)
    return _Staff(
        by_class={school_class: _eligible(t.values()) for school_class, t in by_class.items()},
        leads={(row.schoolclass_id, row.user_id) for row in leading},
    )


def _event_classes(events: list[Event]) -> dict[int, set[int]]:
    classes: dict[int, set[int]] = defaultdict(set)
    for event_id, class_id in _EVENT_CLASSES(events=[event.pk for event in events]):
        classes[event_id].add(class_id)
    return classes


def _free_times(events, teacher_ids, now) -> dict[tuple[int, int], list[FreeTime]]:
    """The free times of the events' teachers, by event and teacher, in order."""
    free: dict[tuple[int, int], list[FreeTime]] = defaultdict(list)
    rows = _FREE_TIMES(events=[e.pk for e in events], teachers=sorted(teacher_ids), now=now)
    zone = timezone.get_current_timezone()
    for pk, event_id, host_id, starts_at, ends_at, room in rows:
        local = starts_at.astimezone(zone)
        free[(event_id, host_id)].append(FreeTime(pk, starts_at, ends_at, room, local))
    return free


def _days_of(times: list[FreeTime]) -> FreeDays:
    days: dict[date, list[FreeTime]] = defaultdict(list)
    for time in times:
        days[time.local_start.date()].append(time)
    return FreeDays(days.items())


def _teacher_details(events, teacher_ids) -> dict[tuple[int, int], dict]:
    """Per event and teacher: the room and subject when all their slots name the same one."""
    rows = _TEACHER_DETAILS(events=[e.pk for e in events], teachers=sorted(teacher_ids))
    return {
        (row["event_id"], row["host_id"]): {
            "room": row["room"] if row["rooms"] == 1 else "",
            "subject": row["subject"] if row["subjects"] == 1 else "",
        }
        for row in rows
    }


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
    staff = _staff_of({child.school_class_id for child in children})
    bookings = _family_active_bookings(parent, children)
    events = _OPEN_EVENTS(parent=parent.pk, organisation=parent.organisation_id, now=now)
    teacher_ids = {t.pk for teachers in staff.by_class.values() for t in teachers}
    context = _Context(
        parent=parent,
        now=now,
        staff=staff,
        event_classes=_event_classes(events) if events else {},
        free=_free_times(events, teacher_ids, now) if events else {},
        details=_teacher_details(events, teacher_ids) if events else {},
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
    return {(row.schoolclass_id, row.user_id) for row in _CLASS_TEACHERS(classes=class_ids)}


def appointments_of_family(parent: User, now: datetime | None = None) -> FamilyAppointments:
    """The family's appointments: those to come first, in order; then the past, cancelled and
    rejected ones, the latest first. Three queries."""
    now = now or timezone.now()
    bookings = list(bookings_of_parent(parent))
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
