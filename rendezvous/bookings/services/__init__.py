"""Booking workflows, split by feature: booking (book, cancel, move, decide), slots (editing and
deleting slots that may be booked) and notify (the mail and invitation bookers get)."""

from rendezvous.bookings.invitations import booking_calendar
from rendezvous.bookings.services.booking import (
    book_slot,
    cancel_booking,
    cancel_slot_bookings,
    check_booker_free,
    decide_booking,
    lock_booker,
    move_booking,
)
from rendezvous.bookings.services.notify import notify_booker
from rendezvous.bookings.services.slots import delete_slot, update_slot

__all__ = [
    "book_slot",
    "booking_calendar",
    "cancel_booking",
    "cancel_slot_bookings",
    "check_booker_free",
    "decide_booking",
    "delete_slot",
    "lock_booker",
    "move_booking",
    "notify_booker",
    "update_slot",
]
