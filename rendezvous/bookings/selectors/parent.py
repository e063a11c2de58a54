"""Reads for the parent's pages: everything the booking page offers, in a fixed number of
queries, and the times a booking may move to."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, Prefetch
from django.utils import timezone

from rendezvous.accounts.models import STAFF_ROLES, User
from rendezvous.bookings.models import ACTIVE_STATUSES, Booking
from rendezvous.bookings.selectors.common import (
    active_bookings_of,
    children_of,
    free_slots,
    open_events_for_parent,
    overlaps,
)
from rendezvous.scheduling.models import Event, Slot, SlotStatus
from rendezvous.school.models import Pupil


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
