"""The booker hears of their new booking from the worker, within a round or two; a change they
are told of before that comes instead, so their invitations arrive in the order of the changes."""

from datetime import timedelta

import icalendar
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from rendezvous.bookings.services import (
    book_slot,
    cancel_booking,
    decide_booking,
    delete_slot,
    move_booking,
    update_slot,
)
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import EmailState, OutgoingEmail
from rendezvous.notifications.worker import JOBS, run_worker_round

HOUR = timedelta(hours=1)


def parents_mails(parent) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to=parent.email).order_by("pk"))


@pytest.mark.django_db
def test_a_booking_only_marks_the_parents_mail_and_the_next_worker_round_sends_it(
    smtp_server, parent, pupil, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    assert booking.booker_mail_due
    assert not OutgoingEmail.objects.exists()

    done = run_worker_round()

    assert done.done["send_booker_mails"] == 1
    (mail,) = parents_mails(parent)
    assert mail.template == "booking_received"
    assert mail.state == EmailState.SENT  # queued and sent in the same round
    (message,) = smtp_server.messages_to(parent.email)
    (attachment,) = [a for a in message.iter_attachments() if a.get_filename() == "invite.ics"]
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert calendar["METHOD"] == "REQUEST"
    assert str(calendar.walk("VEVENT")[0]["UID"]) == booking.ical_uid
    booking.refresh_from_db()
    assert not booking.booker_mail_due


@pytest.mark.django_db
def test_the_parents_mail_is_queued_once(parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)

    assert send_booker_mails() == 1
    assert send_booker_mails() == 0
    assert len(parents_mails(parent)) == 1


@pytest.mark.django_db
def test_a_booking_rolled_back_leaves_nothing_due(parent, pupil, slot):
    with pytest.raises(RuntimeError), transaction.atomic():
        book_slot(booker=parent, slot=slot, pupil=pupil)
        raise RuntimeError("the caller's transaction fails")

    assert send_booker_mails() == 0
    assert not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_a_parent_without_an_address_has_no_mail_due(parent, pupil, slot):
    parent.email = ""
    parent.save(update_fields=["email"])

    assert not book_slot(booker=parent, slot=slot, pupil=pupil).booker_mail_due
    assert send_booker_mails() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "template"),
    [
        ("confirm", "booking_confirmed"),
        ("reject", "booking_rejected"),
        ("cancel", "booking_cancelled"),
        ("move", "booking_moved"),
        ("slot moved", "booking_moved"),
        ("slot cancelled", "booking_cancelled"),
    ],
)
def test_a_change_before_the_worker_came_is_the_parents_only_mail(
    admin, teacher, parent, pupil, slot, make_slot, change, template
):
    """The mail about the change tells of the booking as it now stands, with its invitation;
    the mail about the booking as it was would come after it, and is left out."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    later = {"starts_at": slot.starts_at + HOUR, "ends_at": slot.ends_at + HOUR}
    if change == "cancel":
        cancel_booking(booking=booking, actor=parent)
    elif change == "slot moved":
        update_slot(slot=slot, capacity=slot.capacity, **later)
    elif change == "slot cancelled":
        delete_slot(slot=slot)
    elif change == "move":
        move_booking(booking=booking, to_slot=make_slot(minutes=60), actor=admin)
    else:
        decide_booking(booking=booking, actor=teacher, confirm=change == "confirm")

    assert send_booker_mails() == 0
    assert [mail.template for mail in parents_mails(parent)] == [template]
    booking.refresh_from_db()
    assert not booking.booker_mail_due


@pytest.mark.django_db
def test_a_change_after_the_worker_came_is_a_second_mail(teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()
    decide_booking(booking=booking, actor=teacher, confirm=True)

    templates = [mail.template for mail in parents_mails(parent)]
    assert templates == ["booking_received", "booking_confirmed"]


@pytest.mark.django_db
def test_the_worker_reads_a_booking_with_all_its_mail_shows_in_one_query(parent, pupil, slot):
    """Is anything due, which (locked), the booking with its slot, event, teacher, child and
    school: nothing is read again for the mail or its invitation."""
    book_slot(booker=parent, slot=slot, pupil=pupil)

    with CaptureQueriesContext(connection) as queries:
        assert send_booker_mails() == 1

    reads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(reads) == 3, reads
    assert parents_mails(parent)[0].ics


def test_the_bookers_mails_are_one_of_the_workers_jobs():
    assert send_booker_mails in JOBS
