"""The teacher's start page: today's appointments with the next one marked, requests to
answer in place, the free times left."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.bookings.services import book_slot, decide_booking
from rendezvous.scheduling.models import SlotStatus
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory

pytestmark = pytest.mark.django_db


def home() -> str:
    return reverse("bookings:teacher-home")


def families(organisation, school_class, parent, count: int):
    """`count` more children of the parent in the class."""
    children = []
    for _ in range(count):
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        children.append(child)
    return children


def test_a_teacher_lands_on_the_start_page(client, teacher):
    client.force_login(teacher)
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r.url == home()


def test_todays_appointments_are_in_order_with_the_next_one_marked(
    client, teacher, parent, pupil, second_child, make_slot, slot
):
    later = book_slot(booker=parent, slot=make_slot(minutes=30), pupil=second_child)
    earlier = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)

    with time_machine.travel(slot.starts_at + timedelta(minutes=15), tick=False):
        r = client.get(home())

    appointments = r.context["appointments"]
    assert [b.pk for b in appointments] == [earlier.pk, later.pk]
    assert appointments[0].is_past and not getattr(appointments[0], "is_next", False)
    assert appointments[1].is_next
    content = r.content.decode()
    assert content.count("agenda-item is-next") == 1
    assert content.index(str(pupil)) < content.index(str(second_child))


def test_the_first_appointment_not_yet_over_is_next(client, teacher, parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)

    with time_machine.travel(slot.starts_at + timedelta(minutes=5), tick=False):
        r = client.get(home())

    assert r.context["appointments"][0].is_next  # under way: still the one to attend to


def test_the_next_days_appointments_are_coming_up(client, teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)

    r = client.get(home())

    assert r.context["appointments"] == []
    assert [b.pk for b in r.context["coming_up"]] == [booking.pk]
    assert "No appointments today" in r.content.decode()


def test_requests_can_be_confirmed_or_rejected_in_place(client, teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)

    content = client.get(home()).content.decode()

    assert f'formaction="{reverse("bookings:booking-decide", args=[booking.pk])}"' in content
    assert f'href="{reverse("bookings:booking-reject", args=[booking.pk])}?next=' in content
    assert f'action="{reverse("bookings:booking-confirm-many")}"' in content
    assert f'name="bookings" value="{booking.pk}"' in content


def test_a_decided_request_leaves_the_list(client, teacher, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    decide_booking(booking=booking, confirm=True)
    client.force_login(teacher)

    r = client.get(home())

    assert r.context["requests"] == []
    assert "No requests are waiting for you." in r.content.decode()


def test_the_free_times_of_the_current_event_are_counted(
    client, teacher, parent, pupil, make_slot, slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    make_slot(minutes=30)
    make_slot(minutes=60, capacity=2)
    make_slot(minutes=90, status=SlotStatus.CANCELLED)
    client.force_login(teacher)

    free = client.get(home()).context["free"]

    assert (free.slots, free.free, free.places) == (3, 2, 3)


def test_another_teachers_appointments_and_requests_are_not_shown(
    client, other_teacher, parent, pupil, slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(other_teacher)

    r = client.get(home())

    assert r.context["coming_up"] == [] and r.context["requests"] == []
    assert str(pupil) not in r.content.decode()


@pytest.mark.parametrize("who", ["parent", "student"])
def test_parents_and_students_get_403(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(home()).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    r = client.get(home())
    assert r.status_code == 302 and "login" in r.url


def _queries(client, at) -> int:
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get(home()).status_code == 200
    return len(queries)


def test_the_page_takes_the_same_queries_however_much_is_booked(
    client, organisation, teacher, parent, pupil, school_class, make_slot, slot
):
    """On the evening's day, so that today's list, what is coming up, the requests and the
    free times all have rows."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client.force_login(teacher)
    evening = slot.starts_at - timedelta(hours=1)
    few = _queries(client, evening)
    for number, child in enumerate(families(organisation, school_class, parent, 8), start=1):
        booking = book_slot(booker=parent, slot=make_slot(minutes=30 * number), pupil=child)
        if number % 2:
            decide_booking(booking=booking, confirm=True)

    many = _queries(client, evening)

    assert many == few
    assert many <= 12
