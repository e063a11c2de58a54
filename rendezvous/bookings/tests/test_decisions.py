"""Decisions with care: rejecting and cancelling ask first and carry a message to the parent;
several requests are confirmed at once."""

import pytest
from django.urls import reverse

from rendezvous.bookings import errors
from rendezvous.bookings.models import BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking
from rendezvous.bookings.services.booking import MESSAGE_MAX_LENGTH, confirm_bookings
from rendezvous.notifications.models import OutgoingEmail

pytestmark = pytest.mark.django_db

NOTE = "I am ill on that day. Could we meet on Thursday at 16:00?"


@pytest.fixture
def booking(parent, pupil, slot):
    return book_slot(booker=parent, slot=slot, pupil=pupil)


def mail(template: str, to: str) -> OutgoingEmail:
    return OutgoingEmail.objects.get(template=template, to=to)


def home() -> str:
    return reverse("bookings:teacher-home")


# The services.


def test_a_rejection_carries_the_teachers_message_to_the_parent(teacher, parent, booking):
    decide_booking(booking=booking, confirm=False, message=f"  {NOTE}\n", actor=teacher)

    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    assert booking.decision_message == NOTE
    rejected = mail("booking_rejected", parent.email)
    assert NOTE in rejected.body_text
    assert NOTE in rejected.body_html
    assert f"Message from {teacher.full_name}" in rejected.body_text


def test_a_rejection_without_a_message_says_nothing_of_one(parent, booking):
    decide_booking(booking=booking, confirm=False)

    assert "Message from" not in mail("booking_rejected", parent.email).body_text


def test_a_confirmation_takes_no_message(booking):
    with pytest.raises(ValueError, match="no message"):
        decide_booking(booking=booking, confirm=True, message=NOTE)


def test_the_office_cancels_with_a_message_from_the_school(admin, organisation, parent, booking):
    cancel_booking(booking=booking, actor=admin, message=NOTE)

    cancelled = mail("booking_cancelled", parent.email)
    assert NOTE in cancelled.body_text and NOTE in cancelled.body_html
    assert f"Message from {organisation.name}" in cancelled.body_text
    assert not OutgoingEmail.objects.filter(template="booking_cancelled_for_teacher").exists()


def test_a_parents_note_on_cancelling_reaches_the_teacher(teacher, parent, booking):
    cancel_booking(booking=booking, actor=parent, message=NOTE)

    to_teacher = mail("booking_cancelled_for_teacher", teacher.email)
    assert NOTE in to_teacher.body_text and NOTE in to_teacher.body_html
    assert (
        f"Your message to {teacher.full_name}" in mail("booking_cancelled", parent.email).body_text
    )


def test_a_parent_who_cancels_without_a_note_does_not_mail_the_teacher(teacher, parent, booking):
    cancel_booking(booking=booking, actor=parent)

    assert not OutgoingEmail.objects.filter(template="booking_cancelled_for_teacher").exists()


def test_an_overlong_message_is_cut_to_the_limit(parent, booking):
    cancel_booking(booking=booking, actor=parent, message="x" * (MESSAGE_MAX_LENGTH + 50))

    booking.refresh_from_db()
    assert len(booking.decision_message) == MESSAGE_MAX_LENGTH


def test_confirming_several_confirms_each_pending_one_and_passes_over_the_rest(
    teacher, parent, pupil, second_child, make_slot, slot
):
    first = book_slot(booker=parent, slot=slot, pupil=pupil)
    second = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
    cancel_booking(booking=second, actor=parent)
    OutgoingEmail.objects.all().delete()

    confirmed = confirm_bookings(bookings=[first, second], actor=teacher)

    assert [booking.pk for booking in confirmed] == [first.pk]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == BookingStatus.CONFIRMED
    assert second.status == BookingStatus.CANCELLED
    assert OutgoingEmail.objects.filter(template="booking_confirmed").count() == 1


def test_confirming_several_leaves_another_teachers_requests_alone(other_teacher, parent, booking):
    assert confirm_bookings(bookings=[booking], actor=other_teacher) == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_the_office_confirms_any_request_of_its_school(admin, booking, outsider):
    assert confirm_bookings(bookings=[booking], actor=outsider) == []
    assert confirm_bookings(bookings=[booking], actor=admin) == [booking]


# The pages.


def test_reject_on_the_calendar_leads_to_the_confirmation_page(client, teacher, booking):
    client.force_login(teacher)
    back = reverse("bookings:teacher-calendar")
    r = client.post(
        reverse("bookings:booking-decide", args=[booking.pk]),
        {"decision": "reject", "next": back},
    )

    assert r.status_code == 302
    assert r.url.startswith(reverse("bookings:booking-reject", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING
    page = client.get(r.url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="message"' in content and f'value="{back}"' in content


def test_confirm_on_the_calendar_stays_one_click(client, teacher, booking):
    client.force_login(teacher)
    r = client.post(reverse("bookings:booking-decide", args=[booking.pk]), {"decision": "confirm"})

    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_teacher_rejects_with_a_message_and_goes_back(client, teacher, parent, booking):
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:booking-reject", args=[booking.pk]),
        {"message": NOTE, "next": home()},
    )

    assert r.status_code == 302 and r.url == home()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REJECTED
    assert NOTE in mail("booking_rejected", parent.email).body_html


def test_a_message_over_the_limit_is_refused_on_the_page(client, teacher, booking):
    client.force_login(teacher)
    r = client.post(
        reverse("bookings:booking-reject", args=[booking.pk]),
        {"message": "x" * (MESSAGE_MAX_LENGTH + 1)},
    )

    assert r.status_code == 400
    assert "at most 1000 characters" in r.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_rejecting_a_decided_request_says_why(client, teacher, booking):
    decide_booking(booking=booking, confirm=True)
    client.force_login(teacher)

    r = client.get(reverse("bookings:booking-reject", args=[booking.pk]), follow=True)

    assert str(errors.InvalidTransition.message) in r.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_the_teacher_cancels_an_appointment_with_a_message(client, teacher, parent, booking):
    decide_booking(booking=booking, confirm=True)
    client.force_login(teacher)
    url = reverse("bookings:booking-cancel", args=[booking.pk])

    assert NOTE not in client.get(url).content.decode()
    r = client.post(url, {"message": NOTE})

    assert r.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    cancelled = mail("booking_cancelled", parent.email)
    assert (
        f"Message from {teacher.full_name}" in cancelled.body_text and NOTE in cancelled.body_text
    )


@pytest.mark.parametrize("name", ["bookings:booking-reject", "bookings:booking-cancel"])
@pytest.mark.parametrize(("who", "status"), [("other_teacher", 404), ("outsider", 404)])
def test_others_cannot_reject_or_cancel_my_bookings(client, request, booking, name, who, status):
    client.force_login(request.getfixturevalue(who))
    url = reverse(name, args=[booking.pk])

    assert client.get(url).status_code == status
    assert client.post(url, {"message": NOTE}).status_code == status
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.parametrize("name", ["bookings:booking-reject", "bookings:booking-cancel"])
def test_parents_get_403_on_the_teachers_decisions(client, parent, booking, name):
    client.force_login(parent)

    assert client.post(reverse(name, args=[booking.pk]), {}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


def test_the_teacher_confirms_the_ticked_requests(
    client, teacher, parent, pupil, second_child, make_slot, slot
):
    first = book_slot(booker=parent, slot=slot, pupil=pupil)
    second = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
    client.force_login(teacher)

    r = client.post(
        reverse("bookings:booking-confirm-many"),
        {"bookings": [first.pk, second.pk], "next": home()},
        follow=True,
    )

    assert "2 requests confirmed." in r.content.decode()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == BookingStatus.CONFIRMED


def test_confirming_none_ticked_asks_to_tick_first(client, teacher, booking):
    client.force_login(teacher)
    r = client.post(reverse("bookings:booking-confirm-many"), {}, follow=True)

    assert "Tick the requests you want to confirm first." in r.content.decode()


def test_a_request_of_another_teacher_among_the_ticked_confirms_nothing(
    client, teacher, subject_teacher, parent, second_child, make_slot, booking
):
    theirs = book_slot(
        booker=parent, slot=make_slot(host=subject_teacher, minutes=60), pupil=second_child
    )
    client.force_login(teacher)

    r = client.post(
        reverse("bookings:booking-confirm-many"), {"bookings": [booking.pk, theirs.pk]}
    )

    assert r.status_code == 302
    booking.refresh_from_db()
    theirs.refresh_from_db()
    assert booking.status == theirs.status == BookingStatus.PENDING


def test_a_request_decided_meanwhile_is_named_as_not_confirmed(
    client, teacher, parent, pupil, second_child, make_slot, slot
):
    first = book_slot(booker=parent, slot=slot, pupil=pupil)
    second = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
    decide_booking(booking=second, confirm=False)
    client.force_login(teacher)

    r = client.post(
        reverse("bookings:booking-confirm-many"), {"bookings": [first.pk, second.pk]}, follow=True
    )

    content = r.content.decode()
    assert "1 request confirmed." in content
    assert "1 request was not confirmed" in content


def test_the_parent_cancels_with_a_note_for_the_teacher(client, teacher, parent, booking):
    client.force_login(parent)
    url = reverse("bookings:parent-booking-cancel", args=[booking.pk])

    assert 'name="message"' in client.get(url).content.decode()
    r = client.post(url, {"message": NOTE})

    assert r.status_code == 302
    assert NOTE in mail("booking_cancelled_for_teacher", teacher.email).body_text


def test_the_office_cancels_with_a_message_to_the_parent(client, admin, parent, booking):
    client.force_login(admin)
    r = client.post(reverse("office:appointment-cancel", args=[booking.pk]), {"message": NOTE})

    assert r.status_code == 302
    assert NOTE in mail("booking_cancelled", parent.email).body_text
