"""The Django admin's booking page edits the guest's details and the message, and nothing that
the booking services or the worker change."""

import pytest
from django.urls import reverse

from rendezvous.accounts.models import User
from rendezvous.bookings.admin import BookingAdmin
from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.services import book_slot, decide_booking
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root@example.org", "pw")


@pytest.mark.django_db
def test_an_edit_writes_back_nothing_changed_since_its_row_was_read(
    client, superuser, teacher, parent, pupil, slot, monkeypatch
):
    """The worker queues the parent's mail and the teacher confirms while the office's edit is
    being saved: the mail is not marked due again, and the booking stays confirmed."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    read = BookingAdmin.get_object

    def read_then_others_act(self, request, object_id, from_field=None):
        found = read(self, request, object_id, from_field)
        if request.method == "POST":
            send_booker_mails()
            decide_booking(booking=booking, actor=teacher, confirm=True)
        return found

    monkeypatch.setattr(BookingAdmin, "get_object", read_then_others_act)
    client.force_login(superuser)
    url = reverse("admin:bookings_booking_change", args=[booking.pk])
    fields = {"guest_name": "", "guest_email": "", "guest_phone": "", "message": "Room 12"}
    response = client.post(url, fields)

    assert response.status_code == 302, response.content.decode()[:2000]
    booking.refresh_from_db()
    assert booking.message == "Room 12"
    assert booking.status == BookingStatus.CONFIRMED
    assert not booking.booker_mail_due
    assert send_booker_mails() == 0  # no second "request received" after the confirmation
    mails = OutgoingEmail.objects.filter(to=parent.email).order_by("pk")
    assert [mail.template for mail in mails] == ["booking_received", "booking_confirmed"]
