from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from rendezvous.lib.errors import Conflict, DomainError, NotAllowed


class SlotTaken(Conflict):
    code = "slot_taken"
    message = _("Sorry, this time has just been taken. Please choose another one.")


class SlotUnavailable(Conflict):
    code = "slot_unavailable"
    message = _("This time can no longer be booked.")


class IdempotencyConflict(Conflict):
    code = "idempotency_conflict"
    message = _(
        "This booking was already sent once with other details. Please reload the page and "
        "choose again."
    )


class BookingClosed(Conflict):
    code = "booking_closed"
    message = _("Booking for this event is not open.")


class SlotInPast(Conflict):
    code = "slot_in_past"
    message = _("This time has already passed.")


class AlreadyBooked(Conflict):
    code = "already_booked"
    message = _("You already have an appointment with this teacher for this child.")


class BookerOverlap(Conflict):
    code = "booking_overlap"
    message = _("You already have another appointment at this time.")


class CutoffPassed(Conflict):
    code = "change_cutoff_passed"
    message = _("This appointment can no longer be changed online. Please contact the school.")


class NotEligible(NotAllowed):
    code = "not_eligible"
    message = _("This teacher does not teach this child.")


class InvalidTransition(DomainError):
    code = "invalid_status"
    status = 409
    message = _("The appointment is not in a state that allows this.")


class InvalidSeats(DomainError):
    code = "invalid_seats"
    message = _("A booking takes one or two places.")


class HasAppointments(Conflict):
    """Something cannot go while active appointments depend on it; `message` may say what."""

    code = "has_appointments"

    def __init__(self, message=None, *, count: int):
        if message is None:
            message = ngettext_lazy(
                "There is still %(count)d active appointment for this. Cancel it first.",
                "There are still %(count)d active appointments for this. Cancel them first.",
                "count",
            ) % {"count": count}
        super().__init__(message, details={"appointments": count})
