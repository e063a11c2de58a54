"""Booking rules, tested by calling the services."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from icalendar import Calendar

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings import errors
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.selectors import free_slots
from rendezvous.bookings.services import (
    book_slot,
    cancel_booking,
    cancel_slot_bookings,
    decide_booking,
    move_booking,
)
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Phase, SlotStatus


def nothing_written(slot):
    slot.refresh_from_db()
    return (
        slot.seats_taken == 0
        and not Booking.objects.exists()
        and not OutgoingEmail.objects.exists()
    )


def vevent(email):
    return next(c for c in Calendar.from_ical(email.ics).walk("VEVENT"))


@pytest.mark.django_db
def test_taken_slots_are_not_offered(parent, pupil, other_parent, other_pupil, slot, make_slot):
    later = make_slot(minutes=10)
    book_slot(booker=other_parent, slot=slot, pupil=other_pupil)
    assert list(free_slots(event=slot.event, teacher=slot.host)) == [later]


@pytest.mark.django_db
def test_one_booking_per_child_and_teacher_per_event(parent, pupil, slot, make_slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.AlreadyBooked):
        book_slot(booker=parent, slot=make_slot(minutes=30), pupil=pupil)
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_other_parent_cannot_book_the_same_teacher_for_the_child_again(
    parent, pupil, co_parent, slot, make_slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.AlreadyBooked):
        book_slot(booker=co_parent, slot=make_slot(minutes=30), pupil=pupil)


@pytest.mark.django_db
def test_a_child_may_see_the_teacher_again_after_a_cancellation(parent, pupil, slot, make_slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    cancel_booking(booking=booking, actor=parent)
    again = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=pupil)
    assert again.is_active


@pytest.mark.django_db
def test_a_parents_bookings_never_overlap(
    parent, pupil, second_child, subject_teacher, slot, make_slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    clashing = make_slot(host=subject_teacher, minutes=5)
    with pytest.raises(errors.BookerOverlap):
        book_slot(booker=parent, slot=clashing, pupil=second_child)
    adjacent = make_slot(host=subject_teacher, minutes=-10)
    assert book_slot(booker=parent, slot=adjacent, pupil=second_child).is_active


@pytest.mark.django_db
def test_a_slot_of_a_teacher_who_does_not_teach_the_child_is_refused(
    parent, pupil, other_teacher, make_slot
):
    with pytest.raises(errors.NotEligible):
        book_slot(booker=parent, slot=make_slot(host=other_teacher), pupil=pupil)


@pytest.mark.django_db
def test_a_slot_of_a_teacher_who_has_left_is_refused_and_not_found(parent, pupil, slot):
    from django.http import Http404

    from rendezvous.bookings.access import get_slot_for_parent

    slot.host.is_active = False
    slot.host.save(update_fields=["is_active"])
    with pytest.raises(errors.NotEligible):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(Http404):
        get_slot_for_parent(parent, pupil, slot.pk)
    assert nothing_written(slot)


@pytest.mark.django_db
def test_a_slot_of_another_organisation_is_refused(parent, pupil, outsider):
    from rendezvous.scheduling.tests.factories import SlotFactory

    foreign = SlotFactory(
        organisation=outsider.organisation,
        host=UserFactory(organisation=outsider.organisation),
    )
    with pytest.raises(errors.SlotUnavailable):
        book_slot(booker=parent, slot=foreign, pupil=pupil)
    assert not Booking.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"booking_opens_at": timedelta(days=1)}, errors.BookingClosed),
        ({"booking_closes_at": -timedelta(minutes=1)}, errors.BookingClosed),
        ({"phase": Phase.CLOSED}, errors.BookingClosed),
        ({"phase": Phase.DRAFT}, errors.BookingClosed),
    ],
    ids=["before-it-opens", "after-it-closes", "closed-event", "draft-event"],
)
def test_booking_outside_the_window_is_refused_and_writes_nothing(
    parent, pupil, event, slot, change, error
):
    for name, value in change.items():
        if isinstance(value, timedelta):
            value = timezone.now() + value
            if name == "booking_opens_at":
                event.booking_closes_at = value + timedelta(days=1)
        setattr(event, name, value)
    event.save()
    with pytest.raises(error) as refused:
        book_slot(booker=parent, slot=slot, pupil=pupil)
    assert "not open" in str(refused.value.message)
    assert nothing_written(slot)


@pytest.mark.django_db
def test_booking_a_slot_in_the_past_is_refused_and_writes_nothing(parent, pupil, slot):
    with (
        time_machine.travel(slot.starts_at + timedelta(minutes=1)),
        pytest.raises(errors.SlotInPast) as refused,
    ):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    assert "passed" in str(refused.value.message)
    assert nothing_written(slot)


@pytest.mark.django_db
def test_a_cancelled_slot_cannot_be_booked(parent, pupil, slot):
    slot.status = SlotStatus.CANCELLED
    slot.save()
    with pytest.raises(errors.SlotUnavailable):
        book_slot(booker=parent, slot=slot, pupil=pupil)
    assert nothing_written(slot)


@pytest.mark.django_db
def test_auto_confirm_events_confirm_at_once(parent, pupil, event, slot):
    event.auto_confirm = True
    event.save()
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    assert booking.status == BookingStatus.CONFIRMED
    assert send_booker_mails() == 1  # the worker's next round
    assert OutgoingEmail.objects.get().template == "booking_confirmed"


@pytest.mark.django_db
def test_the_same_idempotency_key_books_once(parent, pupil, slot):
    first = book_slot(booker=parent, slot=slot, pupil=pupil, idempotency_key="k1")
    second = book_slot(booker=parent, slot=slot, pupil=pupil, idempotency_key="k1")
    slot.refresh_from_db()
    assert first.pk == second.pk
    assert slot.seats_taken == 1
    assert send_booker_mails() == 1
    assert OutgoingEmail.objects.count() == 1


def _cutoff_case(slot, hours_before):
    return time_machine.travel(slot.starts_at - timedelta(hours=hours_before), tick=False)


@pytest.mark.django_db
def test_the_parent_may_cancel_until_the_cutoff(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with _cutoff_case(slot, 25):
        assert cancel_booking(booking=booking, actor=parent).status == BookingStatus.CANCELLED


@pytest.mark.django_db
def test_the_parent_may_not_cancel_after_the_cutoff(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with _cutoff_case(slot, 23), pytest.raises(errors.CutoffPassed):
        cancel_booking(booking=booking, actor=parent)
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    assert slot.seats_taken == 1


@pytest.mark.django_db
def test_the_parent_may_move_until_the_cutoff_and_not_after(parent, pupil, slot, make_slot):
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with _cutoff_case(slot, 23), pytest.raises(errors.CutoffPassed):
        move_booking(booking=booking, to_slot=later, actor=parent)
    with _cutoff_case(slot, 25):
        moved = move_booking(booking=booking, to_slot=later, actor=parent)
    assert moved.slot == later


@pytest.mark.django_db
def test_the_office_may_cancel_and_move_after_the_cutoff(admin, parent, pupil, slot, make_slot):
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with _cutoff_case(slot, 1):
        moved = move_booking(booking=booking, to_slot=later, actor=admin)
        assert moved.slot == later
        assert cancel_booking(booking=moved, actor=admin).status == BookingStatus.CANCELLED


@pytest.mark.django_db
def test_the_office_may_move_after_booking_closed(admin, parent, pupil, event, slot, make_slot):
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    event.phase = Phase.CLOSED
    event.save()
    with pytest.raises(errors.BookingClosed):
        move_booking(booking=booking, to_slot=later, actor=parent)
    assert move_booking(booking=booking, to_slot=later, actor=admin).slot == later


@pytest.mark.django_db
def test_moving_keeps_the_seats_right(parent, pupil, slot, make_slot):
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    move_booking(booking=booking, to_slot=later, actor=parent)
    slot.refresh_from_db()
    later.refresh_from_db()
    assert (slot.seats_taken, later.seats_taken) == (0, 1)


@pytest.mark.django_db
def test_moving_to_a_taken_slot_is_refused(
    parent, pupil, other_parent, other_pupil, slot, make_slot
):
    taken = make_slot(minutes=60)
    book_slot(booker=other_parent, slot=taken, pupil=other_pupil)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.SlotTaken):
        move_booking(booking=booking, to_slot=taken, actor=parent)
    booking.refresh_from_db()
    assert booking.slot == slot


@pytest.mark.django_db
def test_moving_to_another_teacher_is_refused(parent, pupil, subject_teacher, slot, make_slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.SlotUnavailable):
        move_booking(
            booking=booking, to_slot=make_slot(host=subject_teacher, minutes=60), actor=parent
        )


@pytest.mark.django_db
def test_moving_onto_another_appointment_of_the_parent_is_refused(
    parent, pupil, second_child, subject_teacher, slot, make_slot
):
    book_slot(booker=parent, slot=make_slot(host=subject_teacher, minutes=60), pupil=second_child)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    with pytest.raises(errors.BookerOverlap):
        move_booking(booking=booking, to_slot=make_slot(minutes=60), actor=parent)


@pytest.mark.django_db
def test_cancelling_a_slot_cancels_its_bookings_and_frees_the_seats(parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    assert cancel_slot_bookings(slot=slot) == 1
    slot.refresh_from_db()
    assert slot.seats_taken == 0
    assert Booking.objects.get().status == BookingStatus.CANCELLED


@pytest.mark.django_db
def test_a_booking_takes_one_or_two_places(parent, pupil, slot):
    with pytest.raises(errors.InvalidSeats):
        book_slot(booker=parent, slot=slot, pupil=pupil, seats=3)
    assert nothing_written(slot)


@pytest.mark.django_db
def test_every_change_mails_the_parent_in_their_language_with_the_same_invitation(
    admin, parent, pupil, slot, make_slot
):
    parent.language = "ru"
    parent.save()
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()  # the worker's round, before the teacher decides
    decide_booking(booking=booking, confirm=True)
    move_booking(booking=booking, to_slot=later, actor=admin)
    cancel_booking(booking=booking, actor=parent)
    emails = list(OutgoingEmail.objects.order_by("pk"))
    assert [e.template for e in emails] == [
        "booking_received",
        "booking_confirmed",
        "booking_moved",
        "booking_cancelled",
    ]
    assert {e.language for e in emails} == {"ru"}
    assert {e.to for e in emails} == {parent.email}
    events = [vevent(e) for e in emails]
    assert len({str(v["uid"]) for v in events}) == 1
    sequences = [int(v["sequence"]) for v in events]
    assert sequences == sorted(sequences) and len(set(sequences)) == 4
    assert events[2].decoded("dtstart") == later.starts_at
    assert events[3]["status"] == "CANCELLED"


@pytest.mark.django_db
def test_a_rejection_mails_the_parent_and_frees_the_place(parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=booking, confirm=False)
    email = OutgoingEmail.objects.order_by("-pk").first()
    assert email.template == "booking_rejected"
    assert int(vevent(email)["sequence"]) == 1
    slot.refresh_from_db()
    assert slot.seats_taken == 0


@pytest.mark.django_db
def test_the_mail_shows_the_local_time_and_links_to_the_appointments(parent, pupil, slot):
    from django.utils import timezone as tz

    book_slot(booker=parent, slot=slot, pupil=pupil)
    send_booker_mails()
    email = OutgoingEmail.objects.get()
    local = tz.localtime(slot.starts_at, slot.organisation.tz)
    assert f"{local:%H:%M}" in email.body_text
    assert f"{local:%H:%M}" in email.subject
    assert local.strftime("%A") in email.body_text
    assert "/parent/appointments/" in email.body_text
    assert "/parent/appointments/" in email.body_html
