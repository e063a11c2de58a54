import pytest

from rendezvous.bookings import errors
from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail


@pytest.mark.django_db
def test_a_parent_books_a_free_slot_and_is_mailed(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    slot.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert slot.seats_taken == 1
    assert send_booker_mails() == 1  # the worker's next round
    email = OutgoingEmail.objects.get(to=parent.email)
    assert email.template == "booking_received"
    assert "BEGIN:VEVENT" in email.ics


@pytest.mark.django_db
def test_it_refuses_a_taken_slot(parent, pupil, other_parent, other_pupil, slot):
    book_slot(booker=other_parent, slot=slot, pupil=other_pupil)
    with pytest.raises(errors.SlotTaken):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    assert slot.bookings.count() == 1


@pytest.mark.django_db
def test_rejecting_frees_the_place(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=booking, confirm=False)
    slot.refresh_from_db()
    assert slot.seats_taken == 0


@pytest.mark.django_db
def test_cancelling_raises_the_invitation_sequence(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    cancelled = cancel_booking(booking=booking, actor=parent)
    assert cancelled.sequence == 1
    assert "METHOD:CANCEL" in OutgoingEmail.objects.filter(template="booking_cancelled").get().ics
