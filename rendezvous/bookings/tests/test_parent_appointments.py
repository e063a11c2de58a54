"""The parent's appointments, the summary right after booking, and the family's plan: what
each parent of a child sees, in which section, and what they may change."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot, cancel_booking, decide_booking

APPOINTMENTS = reverse("bookings:parent-appointments")
PLAN = reverse("bookings:parent-plan")
BOOK = reverse("bookings:parent-book")


def sections(html: str) -> tuple[str, str]:
    """The page's "Upcoming" and "Past and cancelled" sections."""
    upcoming = html[html.index('id="upcoming-title"') :]
    if 'id="past-title"' not in upcoming:
        return upcoming, ""
    split = upcoming.index('id="past-title"')
    return upcoming[:split], upcoming[split:]


def cancel_url(booking):
    return reverse("bookings:parent-booking-cancel", args=[booking.pk])


def move_url(booking):
    return reverse("bookings:parent-booking-move", args=[booking.pk])


@pytest.fixture
def eva(parent):
    parent.first_name, parent.last_name = "Eva", "Schmidt"
    parent.save()
    return parent


@pytest.mark.django_db
def test_the_other_parent_sees_the_booking_marked_and_cannot_change_it(
    client, eva, co_parent, pupil, slot
):
    booking = book_slot(booker=eva, slot=slot, pupil=pupil)
    client.force_login(co_parent)
    upcoming, _past = sections(client.get(APPOINTMENTS).content.decode())
    assert slot.host.full_name in upcoming
    assert "Booked by Eva Schmidt" in upcoming
    assert cancel_url(booking) not in upcoming and move_url(booking) not in upcoming
    assert reverse("bookings:parent-booking-ics", args=[booking.pk]) in upcoming
    assert client.post(cancel_url(booking)).status_code == 403
    assert client.post(move_url(booking), {"slot": slot.pk}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.django_db
def test_the_booker_sees_their_booking_unmarked_with_move_and_cancel(
    client, eva, co_parent, pupil, slot
):
    booking = book_slot(booker=eva, slot=slot, pupil=pupil)
    client.force_login(eva)
    upcoming, _past = sections(client.get(APPOINTMENTS).content.decode())
    assert "Booked by" not in upcoming
    assert cancel_url(booking) in upcoming and move_url(booking) in upcoming


@pytest.mark.django_db
def test_a_parent_of_another_child_does_not_see_the_booking(
    client, eva, other_parent, pupil, slot
):
    book_slot(booker=eva, slot=slot, pupil=pupil)
    client.force_login(other_parent)
    for url in (APPOINTMENTS, PLAN):
        assert slot.host.full_name not in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_cancelled_booking_is_under_past_and_cancelled_not_upcoming(
    client, parent, pupil, slot, make_slot
):
    cancelled = book_slot(booker=parent, slot=slot, pupil=pupil)
    cancel_booking(booking=cancelled, actor=parent)
    client.force_login(parent)
    upcoming, past = sections(client.get(APPOINTMENTS).content.decode())
    assert f'id="appointment-{cancelled.pk}"' in past
    assert f'id="appointment-{cancelled.pk}"' not in upcoming
    assert "You have no upcoming appointments." in upcoming
    assert cancel_url(cancelled) not in past and move_url(cancelled) not in past


@pytest.mark.django_db
def test_a_rejected_booking_in_the_future_is_under_past_and_cancelled(
    client, parent, pupil, teacher, subject_teacher, slot, make_slot
):
    rejected = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=rejected, actor=teacher, confirm=False)
    kept = book_slot(booker=parent, slot=make_slot(host=subject_teacher, minutes=30), pupil=pupil)
    client.force_login(parent)
    upcoming, past = sections(client.get(APPOINTMENTS).content.decode())
    assert f'id="appointment-{rejected.pk}"' in past and "Rejected" in past
    assert f'id="appointment-{kept.pk}"' in upcoming


@pytest.mark.django_db
def test_upcoming_come_in_order_and_past_ones_latest_first(
    client, parent, co_parent, pupil, second_child, subject_teacher, slot, make_slot
):
    first = book_slot(booker=parent, slot=slot, pupil=pupil)
    second = book_slot(
        booker=co_parent, slot=make_slot(host=subject_teacher, minutes=20), pupil=pupil
    )
    third = book_slot(booker=parent, slot=make_slot(minutes=40), pupil=second_child)
    client.force_login(parent)
    with time_machine.travel(slot.starts_at - timedelta(days=1)):
        upcoming, _ = sections(client.get(APPOINTMENTS).content.decode())
    order = [upcoming.index(f'id="appointment-{b.pk}"') for b in (first, second, third)]
    assert order == sorted(order)
    with time_machine.travel(slot.starts_at + timedelta(days=1)):
        _, past = sections(client.get(APPOINTMENTS).content.decode())
    order = [past.index(f'id="appointment-{b.pk}"') for b in (third, second, first)]
    assert order == sorted(order)


@pytest.mark.django_db
def test_an_appointment_under_way_is_still_upcoming(client, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(parent)
    with time_machine.travel(slot.starts_at + timedelta(minutes=5)):
        upcoming, past = sections(client.get(APPOINTMENTS).content.decode())
    assert f'id="appointment-{booking.pk}"' in upcoming and not past


@pytest.mark.django_db
def test_each_appointment_names_the_teachers_role(
    client, parent, pupil, subject_teacher, slot, make_slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    book_slot(booker=parent, slot=make_slot(host=subject_teacher, minutes=30), pupil=pupil)
    client.force_login(parent)
    html = client.get(APPOINTMENTS).content.decode()
    assert "Class teacher" in html and "Subject teacher" in html


@pytest.mark.django_db
def test_the_appointments_page_needs_few_queries(
    client,
    parent,
    co_parent,
    pupil,
    second_child,
    subject_teacher,
    slot,
    make_slot,
    django_assert_max_num_queries,
):
    for minutes in range(0, 200, 10):
        child = pupil if minutes % 20 else second_child
        later = make_slot(host=subject_teacher, minutes=minutes + 500)
        cancel_booking(booking=book_slot(booker=parent, slot=later, pupil=child), actor=parent)
    book_slot(booker=co_parent, slot=slot, pupil=pupil)
    client.force_login(parent)
    # The session, the parent, their organisation, the bookings, the class teachers.
    with django_assert_max_num_queries(5):
        assert client.get(APPOINTMENTS).status_code == 200


@pytest.mark.django_db
def test_after_booking_the_time_is_summarised_with_an_undo_once(client, parent, pupil, slot):
    client.force_login(parent)
    response = client.post(BOOK, {"slot": slot.pk, "pupil": pupil.pk}, follow=True)
    booking = Booking.objects.get()
    html = response.content.decode()
    summary = html[html.index('class="card just-booked"') :]
    summary = summary[: summary.index("</section>")]
    assert "Request sent" in summary and slot.host.full_name in summary
    assert f'action="{cancel_url(booking)}"' in summary and "Undo" in summary
    # Shown once: the page after it lists the booking without the summary.
    assert "just-booked" not in client.get(APPOINTMENTS).content.decode()
    # The undo cancels the booking.
    response = client.post(cancel_url(booking), follow=True)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert response.redirect_chain[-1][0] == APPOINTMENTS


@pytest.mark.django_db
def test_the_summary_says_booked_when_the_event_confirms_at_once(
    client, parent, pupil, event, slot
):
    event.auto_confirm = True
    event.save()
    client.force_login(parent)
    html = client.post(BOOK, {"slot": slot.pk, "pupil": pupil.pk}, follow=True).content.decode()
    assert "Booked" in html and "Request sent" not in html


@pytest.mark.django_db
def test_no_undo_is_offered_once_the_cutoff_has_passed(client, parent, pupil, event, slot):
    event.change_cutoff_hours = 24 * 30
    event.save()
    client.force_login(parent)
    html = client.post(BOOK, {"slot": slot.pk, "pupil": pupil.pk}, follow=True).content.decode()
    assert "just-booked" in html and "Undo" not in html


@pytest.mark.django_db
def test_a_summary_cookie_naming_another_familys_booking_shows_nothing(
    client, parent, other_parent, other_pupil, slot
):
    theirs = book_slot(booker=other_parent, slot=slot, pupil=other_pupil)
    client.force_login(parent)
    client.cookies["just_booked"] = str(theirs.pk)
    html = client.get(APPOINTMENTS).content.decode()
    assert "just-booked" not in html and slot.host.full_name not in html


@pytest.mark.django_db
def test_the_plan_lists_the_familys_active_times_in_order(
    client, eva, co_parent, pupil, second_child, subject_teacher, slot, make_slot
):
    later = book_slot(
        booker=eva, slot=make_slot(host=subject_teacher, minutes=30), pupil=second_child
    )
    earlier = book_slot(booker=co_parent, slot=slot, pupil=pupil)
    dropped = book_slot(booker=eva, slot=make_slot(host=subject_teacher, minutes=60), pupil=pupil)
    cancel_booking(booking=dropped, actor=eva)
    client.force_login(eva)
    html = client.get(PLAN).content.decode()
    assert html.index(earlier.host.full_name) < html.index(later.host.full_name)
    assert html.count('class="itinerary-item"') == 2
    assert "data-print" in html
    assert f"For {pupil}" in html and f"For {second_child}" in html
    client.force_login(co_parent)
    html = client.get(PLAN).content.decode()
    assert html.count('class="itinerary-item"') == 1  # only the shared child's
    assert "Booked by" not in html


@pytest.mark.django_db
def test_an_empty_plan_says_what_to_do(client, parent, pupil):
    client.force_login(parent)
    html = client.get(PLAN).content.decode()
    assert "You have no upcoming appointments." in html and "data-print" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "admin", "outsider", "student"])
def test_only_parents_have_a_plan(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(PLAN).status_code == 403


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in_from_the_plan(client):
    response = client.get(PLAN)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
