"""Reads of bookings, split by the pages that use them; import from this package."""

from rendezvous.bookings.selectors.calendar import calendar_days
from rendezvous.bookings.selectors.common import (
    active_bookings_of,
    active_bookings_of_event,
    active_bookings_of_slot,
    bookable_at,
    booker_may_change,
    bookings_of_parent,
    children_of,
    free_slots,
    hosted_by_teacher_of,
    overlaps,
    teachers_of_class,
    teachers_of_class_id,
    teachers_of_pupil,
)
from rendezvous.bookings.selectors.office import bookings_for_office, with_counts
from rendezvous.bookings.selectors.parent import (
    ChildOffers,
    EventOffers,
    TeacherOffer,
    booking_overview_for_parent,
    by_day,
    free_slots_for_move,
)

__all__ = [
    "ChildOffers",
    "EventOffers",
    "TeacherOffer",
    "active_bookings_of",
    "active_bookings_of_event",
    "active_bookings_of_slot",
    "bookable_at",
    "booker_may_change",
    "booking_overview_for_parent",
    "bookings_for_office",
    "bookings_of_parent",
    "by_day",
    "calendar_days",
    "children_of",
    "free_slots",
    "free_slots_for_move",
    "hosted_by_teacher_of",
    "overlaps",
    "teachers_of_class",
    "teachers_of_class_id",
    "teachers_of_pupil",
    "with_counts",
]
