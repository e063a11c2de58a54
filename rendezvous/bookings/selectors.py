"""Reads for booking pages: who a parent may meet, and which slots are free."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.scheduling.models import Event, Phase, Slot, SlotStatus
from rendezvous.school.models import Pupil


def teachers_of_pupil(pupil: Pupil) -> QuerySet[User]:
    """The class teachers and subject teachers of the pupil's class."""
    school_class = pupil.school_class_id
    return (
        User.objects.filter(
            Q(classes_led=school_class) | Q(classes_taught=school_class),
            role__in=STAFF_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


def pupil_may_meet(pupil: Pupil, teacher: User) -> bool:
    return teachers_of_pupil(pupil).filter(pk=teacher.pk).exists()


def children_of(parent: User) -> QuerySet[Pupil]:
    return Pupil.objects.filter(guardianships__parent=parent).select_related("school_class")


def open_events_for_parent(parent: User) -> QuerySet[Event]:
    now = timezone.now()
    return (
        Event.objects.filter(
            organisation_id=parent.organisation_id,
            phase=Phase.OPEN,
            booking_closes_at__gt=now,
            classes__pupils__guardianships__parent=parent,
        )
        .distinct()
        .order_by("starts_on")
    )


def free_slots(*, event: Event, teacher: User) -> QuerySet[Slot]:
    return Slot.objects.filter(
        event=event,
        host=teacher,
        status=SlotStatus.OPEN,
        seats_taken__lt=F("capacity"),
        starts_at__gt=timezone.now(),
    ).order_by("starts_at")


def active_bookings_of_slot(slot: Slot) -> QuerySet[Booking]:
    return Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES)


def active_bookings_of_event(event: Event) -> QuerySet[Booking]:
    return Booking.objects.filter(event=event, status__in=ACTIVE_STATUSES)


def active_bookings_of(booker: User) -> QuerySet[Booking]:
    return Booking.objects.filter(booker=booker, status__in=ACTIVE_STATUSES)


def bookings_of_parent(parent: User) -> QuerySet[Booking]:
    """The parent's own bookings, less those for a child they are no longer a parent of."""
    return (
        Booking.objects.filter(booker=parent)
        .filter(Q(pupil__isnull=True) | Q(pupil__guardianships__parent=parent))
        .select_related("slot", "host", "pupil", "event")
        .order_by("slot__starts_at")
    )


def booker_may_change(booking: Booking, at: datetime | None = None) -> bool:
    """The booker may cancel or move an active booking until the event's cutoff before it."""
    if not booking.is_active:
        return False
    at = at or timezone.now()
    deadline = booking.slot.starts_at
    if booking.event is not None:
        deadline -= booking.event.change_cutoff
    return at < deadline


def overlaps(slot: Slot, bookings) -> bool:
    return any(
        b.slot.starts_at < slot.ends_at and b.slot.ends_at > slot.starts_at for b in bookings
    )


@dataclass
class TeacherOffer:
    """One teacher of one child in one event: either the booking or the free slots by day."""

    teacher: User
    booking: Booking | None = None
    days: list[tuple[date, list[Slot]]] = field(default_factory=list)
    hidden_clashes: int = 0

    @property
    def free_count(self) -> int:
        return sum(len(slots) for _day, slots in self.days)


@dataclass
class ChildOffers:
    pupil: Pupil
    teachers: list[TeacherOffer]


@dataclass
class EventOffers:
    event: Event
    children: list[ChildOffers]


def _eligible(teachers) -> list[User]:
    return [t for t in teachers if t.is_active and t.role in STAFF_ROLES]


def _children_with_teachers(parent: User) -> list[Pupil]:
    teachers = User.objects.order_by("last_name", "first_name")
    return list(
        children_of(parent)
        .order_by("first_name", "last_name")
        .prefetch_related(
            Prefetch("school_class__class_teachers", queryset=teachers),
            Prefetch("school_class__subject_teachers", queryset=teachers),
        )
    )


def teachers_for(pupil: Pupil) -> list[User]:
    """teachers_of_pupil from prefetched rows: class teachers first, then subject teachers."""
    school_class = pupil.school_class
    seen: dict[int, User] = {}
    for teacher in [*school_class.class_teachers.all(), *school_class.subject_teachers.all()]:
        seen.setdefault(teacher.pk, teacher)
    return _eligible(seen.values())


def by_day(slots: list[Slot]) -> list[tuple[date, list[Slot]]]:
    days: dict[date, list[Slot]] = defaultdict(list)
    for slot in slots:
        days[timezone.localdate(slot.starts_at)].append(slot)
    return list(days.items())


def _offer(event, pupil, teacher, free, booked, own) -> TeacherOffer:
    booking = booked.get((event.pk, pupil.pk, teacher.pk))
    if booking is not None:
        return TeacherOffer(teacher=teacher, booking=booking)
    slots = free.get((event.pk, teacher.pk), [])
    offered = [slot for slot in slots if not overlaps(slot, own)]
    return TeacherOffer(
        teacher=teacher, days=by_day(offered), hidden_clashes=len(slots) - len(offered)
    )


def booking_overview_for_parent(parent: User) -> list[EventOffers]:
    """Everything the parent's booking page shows, in a fixed number of queries."""
    events = list(open_events_for_parent(parent).prefetch_related("classes"))
    if not events:
        return []
    children = _children_with_teachers(parent)
    teacher_ids = {t.pk for pupil in children for t in teachers_for(pupil)}
    free: dict[tuple[int, int], list[Slot]] = defaultdict(list)
    slots = Slot.objects.filter(
        event__in=events,
        host_id__in=teacher_ids,
        status=SlotStatus.OPEN,
        seats_taken__lt=F("capacity"),
        starts_at__gt=timezone.now(),
    ).order_by("starts_at")
    for slot in slots:
        free[(slot.event_id, slot.host_id)].append(slot)
    own = list(active_bookings_of(parent).select_related("slot"))
    # Bookings of the children by anyone, so a child's other parent sees them as booked too.
    booked = {
        (b.event_id, b.pupil_id, b.host_id): b
        for b in Booking.objects.filter(
            event__in=events, pupil__in=children, status__in=ACTIVE_STATUSES
        ).select_related("slot", "booker")
    }
    overview = []
    for event in events:
        class_ids = {c.pk for c in event.classes.all()}
        overview.append(
            EventOffers(
                event=event,
                children=[
                    ChildOffers(
                        pupil=pupil,
                        teachers=[
                            _offer(event, pupil, teacher, free, booked, own)
                            for teacher in teachers_for(pupil)
                        ],
                    )
                    for pupil in children
                    if pupil.school_class_id in class_ids
                ],
            )
        )
    return overview


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


def bookings_for_office(
    *, event: Event, teacher: User | None = None, school_class=None, status: str = ""
) -> QuerySet[Booking]:
    bookings = Booking.objects.filter(event=event).select_related(
        "slot", "host", "booker", "pupil__school_class"
    )
    if teacher is not None:
        bookings = bookings.filter(host=teacher)
    if school_class is not None:
        bookings = bookings.filter(pupil__school_class=school_class)
    if status:
        bookings = bookings.filter(status=status)
    return bookings.order_by("slot__starts_at", "host__last_name", "pk")


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def calendar_days(slots: QuerySet[Slot], first_day: date, last_day: date, tz: ZoneInfo):
    """[(day, [slots with bookings prefetched])] for each local day from first_day to last_day."""
    slots = (
        slots.filter(
            starts_at__gte=local_midnight(first_day, tz),
            starts_at__lt=local_midnight(last_day + timedelta(days=1), tz),
        )
        .select_related("event")
        .prefetch_related(
            Prefetch(
                "bookings",
                queryset=Booking.objects.select_related("booker", "pupil__school_class").order_by(
                    "created_at"
                ),
            )
        )
        .order_by("starts_at")
    )
    by_day: dict[date, list[Slot]] = {}
    for slot in slots:
        by_day.setdefault(slot.starts_at.astimezone(tz).date(), []).append(slot)
    count = (last_day - first_day).days + 1
    days = (first_day + timedelta(days=n) for n in range(count))
    return [(day, by_day.get(day, [])) for day in days]


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    """Each event with its live slots and active bookings counted."""
    return events.annotate(
        live_slots=Count("slots", filter=~Q(slots__status=SlotStatus.CANCELLED), distinct=True),
        active_bookings=Count(
            "bookings", filter=Q(bookings__status__in=ACTIVE_STATUSES), distinct=True
        ),
    )
