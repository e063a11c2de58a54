from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rendezvous.lib.errors import Conflict, DomainError


def format_span(starts_at, ends_at, tz=None) -> str:
    """'24.03.2025 16:00–16:10' in the given (or current) time zone."""
    start = timezone.localtime(starts_at, tz)
    end = timezone.localtime(ends_at, tz)
    day = formats.date_format(start, "SHORT_DATE_FORMAT")
    return f"{day} {start:%H:%M}–{end:%H:%M}"


class SlotOverlap(Conflict):
    """Refused because of other live slots of the same teacher: a teacher's slots never overlap."""

    code = "slot_overlap"
    message = gettext_lazy("This time overlaps with another of your slots.")

    def __init__(self, clashes, *, candidates=(), tz=None):
        """`clashes`: existing slots; `candidates`: (start, end) pairs of a pattern that clash."""
        clashes = sorted(set(clashes), key=lambda s: s.starts_at)
        times = ", ".join(format_span(s.starts_at, s.ends_at, tz) for s in clashes)
        if candidates:
            new = ", ".join(format_span(start, end, tz) for start, end in candidates)
            message = _("These new times overlap with each other or with your slots: %(new)s.") % {
                "new": new
            }
            if times:
                message += " " + _("Your existing slots: %(times)s.") % {"times": times}
        elif times:
            message = _("This time overlaps with your slots: %(times)s.") % {"times": times}
        else:
            message = None
        details = {
            "clashes": [
                {
                    "slot": s.pk,
                    "starts_at": s.starts_at.isoformat(),
                    "ends_at": s.ends_at.isoformat(),
                }
                for s in clashes
            ],
            "candidates": [
                {"starts_at": start.isoformat(), "ends_at": end.isoformat()}
                for start, end in candidates
            ],
        }
        super().__init__(message, details=details)


class VideoLinkInvalid(DomainError):
    code = "video_link_invalid"
    message = gettext_lazy("A video link starts with https:// or http://.")


class VideoLinkMissing(DomainError):
    code = "video_link_missing"
    message = gettext_lazy("An online slot needs a video link.")


class SlotTimesInvalid(DomainError):
    code = "slot_times_invalid"
    message = gettext_lazy("The end must be after the start.")


class SlotOutsideEvent(DomainError):
    code = "slot_outside_event"
    message = gettext_lazy("Slots must lie on the days of the event.")


class EventNotOpenForSlots(Conflict):
    code = "event_not_open_for_slots"
    message = gettext_lazy("This event is closed; its slots can no longer be changed.")


class CapacityBelowTaken(Conflict):
    code = "capacity_below_taken"
    message = gettext_lazy("The number of places cannot be lower than the places already booked.")


class SlotCancelled(Conflict):
    code = "slot_cancelled"
    message = gettext_lazy("This slot has been cancelled and can no longer be changed.")


class PatternInvalid(DomainError):
    code = "pattern_invalid"
    message = gettext_lazy("The pattern is not valid.")


class PatternEmpty(DomainError):
    code = "pattern_empty"
    message = gettext_lazy("The pattern gives no slots. Check the days, times and slot length.")


class PatternTooLarge(DomainError):
    code = "pattern_too_large"
    message = gettext_lazy("The pattern gives too many slots at once. Choose fewer days.")


class EventInvalid(DomainError):
    code = "event_invalid"
    message = gettext_lazy("The event's dates are not valid.")


class EventSlotsOutside(Conflict):
    code = "event_slots_outside"
    message = gettext_lazy(
        "Some slots lie outside the new dates. Move or delete them before shortening the event."
    )


class PhaseChangeRefused(Conflict):
    code = "phase_change_refused"
    message = gettext_lazy("The event cannot move to that phase.")


class EventNotDeletable(Conflict):
    code = "event_not_deletable"
    message = gettext_lazy(
        "Only a draft without bookings can be deleted. Close or archive this event instead."
    )


class SlotInPast(Conflict):
    code = "slot_in_past"
    message = gettext_lazy("This slot has already begun; it can no longer be changed or deleted.")


class SlotStartInPast(DomainError):
    code = "slot_start_in_past"
    message = gettext_lazy("A slot cannot start in the past.")


class BookersNotFree(Conflict):
    """Moving a booked slot would give its bookers two appointments at once."""

    code = "bookers_not_free"

    def __init__(self, bookings):
        names = ", ".join(booking.booker_name for booking in bookings)
        message = _(
            "At the new time these parents already have another appointment: %(names)s. "
            "Choose another time or agree a new one with them first."
        ) % {"names": names}
        super().__init__(message, details={"bookers": [b.booker_id for b in bookings]})
