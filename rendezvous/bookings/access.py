"""The only way views obtain bookings: 404 for what the user may not see."""

from django.http import Http404

from rendezvous.accounts.models import Role, User
from rendezvous.bookings.models import Booking


def bookings_visible_to(user: User):
    bookings = Booking.objects.filter(organisation_id=user.organisation_id)
    if user.role == Role.ADMIN:
        return bookings
    if user.role == Role.TEACHER:
        return bookings.filter(host=user)
    return bookings.filter(booker=user)


def get_booking_for_user(user: User, booking_id: int, *, write: bool = False) -> Booking:
    """Admins see their organisation's bookings, teachers their own slots', bookers their own."""
    if not user.is_authenticated or user.organisation_id is None:
        raise Http404
    booking = (
        bookings_visible_to(user)
        .select_related("slot", "event", "host", "booker", "pupil")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise Http404
    return booking
