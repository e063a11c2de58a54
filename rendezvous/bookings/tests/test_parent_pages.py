"""The parent's booking flow through its URLs."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import escape
from icalendar import Calendar

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot
from rendezvous.bookings.services.booking_mails import send_booker_mails
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Phase, SlotStatus
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.models import Guardianship
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory, SchoolClassFactory

HOME = reverse("bookings:parent-home")
BOOK = reverse("bookings:parent-book")
APPOINTMENTS = reverse("bookings:parent-appointments")


def book_data(slot, pupil, key="key-1"):
    return {"slot": slot.pk, "pupil": pupil.pk, "idempotency_key": key}


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def parent_client(client, parent):
    client.force_login(parent)
    return client


@pytest.mark.django_db
def test_the_parent_sees_the_free_slots_of_the_childs_teachers(
    parent_client, pupil, subject_teacher, other_parent, other_pupil, slot, make_slot
):
    free = make_slot(minutes=10, room="B 104")
    taken = make_slot(minutes=20)
    book_slot(booker=other_parent, slot=taken, pupil=other_pupil)
    subject_slot = make_slot(host=subject_teacher, minutes=40)
    response = parent_client.get(HOME)
    assert response.status_code == 200
    html = response.content.decode()
    assert escape(slot.event.name) in html
    assert pupil.first_name in html
    assert slot.host.full_name in html and subject_teacher.full_name in html
    for offered in (slot, free, subject_slot):
        assert f'name="slot" value="{offered.pk}"' in html
    assert f'name="slot" value="{taken.pk}"' not in html
    assert "B 104" in html
    # One form per teacher and day, each with its own key: the class teacher's and the
    # subject teacher's.
    assert html.count('name="idempotency_key"') == 2


@pytest.mark.django_db
def test_times_are_shown_in_the_organisations_zone(parent_client, organisation, pupil, make_slot):
    organisation.time_zone = "Asia/Tokyo"
    organisation.save()
    starts = (timezone.now() + timedelta(days=3)).replace(hour=9, minute=5, second=0)
    make_slot(starts_at=starts)
    html = parent_client.get(HOME).content.decode()
    assert "18:05" in html  # 09:05 UTC is 18:05 in Tokyo
    assert "09:05" not in html


@pytest.mark.django_db
def test_a_booked_teacher_is_shown_as_booked_with_the_time(parent_client, parent, pupil, slot):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    html = parent_client.get(HOME).content.decode()
    assert "Pending" in html
    assert 'name="slot"' not in html


@pytest.mark.django_db
def test_the_booking_page_needs_few_queries(
    parent_client,
    parent,
    organisation,
    event,
    school_class,
    pupil,
    second_child,
    subject_teacher,
    make_slot,
    django_assert_max_num_queries,
):
    other_class = SchoolClassFactory(organisation=organisation)
    event.classes.add(other_class)
    third = PupilFactory(organisation=organisation, school_class=other_class)
    GuardianshipFactory(pupil=third, parent=parent)
    for n in range(4):
        teacher = UserFactory(organisation=organisation)
        school_class.subject_teachers.add(teacher)
        other_class.subject_teachers.add(teacher)
        for m in range(5):
            make_slot(host=teacher, minutes=10 * m + 100 * n)
    book_slot(booker=parent, slot=make_slot(minutes=-30), pupil=pupil)
    with django_assert_max_num_queries(12):
        response = parent_client.get(HOME)
    assert response.status_code == 200
    assert response.content.decode().count('name="slot"') >= 40


@pytest.mark.django_db
def test_an_event_that_has_not_opened_is_shown_without_buttons(parent_client, pupil, event, slot):
    event.booking_opens_at = slot.starts_at - timedelta(days=2)
    event.save()
    html = parent_client.get(HOME).content.decode()
    assert "Booking opens" in html
    assert 'name="slot"' not in html


@pytest.mark.django_db
def test_no_open_event_says_so(parent_client, pupil, event):
    event.phase = Phase.CLOSED
    event.save()
    assert "no parents' evening open" in parent_client.get(HOME).content.decode()


@pytest.mark.django_db
def test_the_parent_books_a_slot_and_sees_it_in_the_appointments(parent_client, pupil, slot):
    response = parent_client.post(BOOK, book_data(slot, pupil), follow=True)
    assert response.redirect_chain[-1][0] == APPOINTMENTS
    booking = Booking.objects.get()
    assert (booking.slot, booking.pupil, booking.status) == (slot, pupil, BookingStatus.PENDING)
    html = response.content.decode()
    assert "Request sent" in html  # the summary of what was just booked, with its undo
    assert slot.host.full_name in html and "Pending" in html
    assert reverse("bookings:parent-booking-cancel", args=[booking.pk]) in html
    assert reverse("bookings:parent-booking-move", args=[booking.pk]) in html


@pytest.mark.django_db
def test_a_booking_reads_each_thing_once(parent_client, pupil, slot, django_assert_num_queries):
    """The session with the person and their organisation, child, slot (access), the slot
    again with every rule's answer inside the transaction, seat, booking (the mails are the
    worker's): nothing is read twice. On PostgreSQL the lock on the booker's row adds one
    (SQLite's transaction holds the database)."""
    postgres = connection.vendor == "postgresql"
    with django_assert_num_queries(9 if postgres else 8):
        response = parent_client.post(BOOK, book_data(slot, pupil))
    assert response["Location"] == APPOINTMENTS
    assert Booking.objects.get().slot == slot


@pytest.mark.django_db
def test_the_same_submission_twice_books_once(parent_client, pupil, slot):
    for _ in range(2):
        response = parent_client.post(BOOK, book_data(slot, pupil, key="same"))
        assert response.status_code == 302
    assert Booking.objects.count() == 1
    assert send_booker_mails() == 1
    assert OutgoingEmail.objects.count() == 1


@pytest.mark.django_db
def test_a_taken_slot_gets_a_clear_message(parent_client, pupil, other_parent, other_pupil, slot):
    book_slot(booker=other_parent, slot=slot, pupil=other_pupil)
    response = parent_client.post(
        BOOK, {**book_data(slot, pupil), "next": HOME + "?x=1"}, follow=True
    )
    assert response.redirect_chain[0][0] == HOME + "?x=1"
    assert any("just been taken" in m for m in page_messages(response))
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_a_second_slot_with_the_same_teacher_gets_a_clear_message(
    parent_client, parent, pupil, slot, make_slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    response = parent_client.post(BOOK, book_data(make_slot(minutes=30), pupil), follow=True)
    assert any("already have an appointment" in m for m in page_messages(response))
    assert Booking.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"booking_opens_at": 1}, "not open"),
        ({"booking_closes_at": -1}, "not open"),
        ({"phase": Phase.CLOSED}, "not open"),
    ],
    ids=["before-it-opens", "after-it-closes", "closed"],
)
def test_booking_outside_the_window_gets_a_message_and_writes_nothing(
    parent_client, event, pupil, slot, change, text
):
    if "booking_opens_at" in change:
        event.booking_opens_at = timezone.now() + timedelta(hours=1)
    elif "booking_closes_at" in change:
        event.booking_closes_at = timezone.now() - timedelta(minutes=1)
        event.booking_opens_at = event.booking_closes_at - timedelta(days=2)
    else:
        event.phase = change["phase"]
    event.save()
    response = parent_client.post(BOOK, book_data(slot, pupil), follow=True)
    assert response.status_code == 200
    assert any(text in m for m in page_messages(response))
    assert not Booking.objects.exists() and not OutgoingEmail.objects.exists()


@pytest.mark.django_db
def test_booking_in_the_past_gets_a_message_and_writes_nothing(parent_client, pupil, slot):
    with time_machine.travel(slot.starts_at + timedelta(minutes=5)):
        response = parent_client.post(BOOK, book_data(slot, pupil), follow=True)
    assert any("already passed" in m for m in page_messages(response))
    assert not Booking.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"pupil": "PUPIL"},
        {"slot": "SLOT", "pupil": "PUPIL"},
        {"slot": "abc", "pupil": "1"},
        {"slot": "1.5", "pupil": "1"},
        {"slot": "-3", "pupil": "1"},
        {"slot": "99999999999999999999999", "pupil": "1"},
        {"slot": "SLOT", "pupil": "PUPIL", "idempotency_key": "x" * 65},
    ],
    ids=["empty", "no-slot", "ok-ids", "letters", "fraction", "negative", "huge", "long-key"],
)
def test_missing_or_garbage_fields_never_500_and_write_nothing(parent_client, pupil, slot, data):
    data = {k: {"SLOT": str(slot.pk), "PUPIL": str(pupil.pk)}.get(v, v) for k, v in data.items()}
    response = parent_client.post(BOOK, data, follow=True)
    assert response.status_code < 500
    if data.keys() == {"slot", "pupil"} and data["slot"] == str(slot.pk):
        assert Booking.objects.count() == 1  # the well-formed control case
        return
    assert any("choose a time" in m for m in page_messages(response))
    assert not Booking.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["slot", "pupil"])
def test_unknown_ids_get_404_and_write_nothing(parent_client, pupil, slot, field):
    data = book_data(slot, pupil)
    data[field] = 987654
    assert parent_client.post(BOOK, data).status_code == 404
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_booking_needs_a_post(parent_client):
    assert parent_client.get(BOOK).status_code == 405


@pytest.mark.django_db
def test_the_parent_cancels_before_the_cutoff(parent_client, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    url = reverse("bookings:parent-booking-cancel", args=[booking.pk])
    assert "Cancel your appointment" in parent_client.get(url).content.decode()
    response = parent_client.post(url, follow=True)
    assert any("cancelled" in m for m in page_messages(response))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert OutgoingEmail.objects.filter(template="booking_cancelled").count() == 1


@pytest.mark.django_db
def test_after_the_cutoff_no_buttons_and_cancel_is_refused(parent_client, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    cancel_url = reverse("bookings:parent-booking-cancel", args=[booking.pk])
    move_url = reverse("bookings:parent-booking-move", args=[booking.pk])
    with time_machine.travel(slot.starts_at - timedelta(hours=2)):
        html = parent_client.get(APPOINTMENTS).content.decode()
        assert cancel_url not in html and move_url not in html
        response = parent_client.post(cancel_url, follow=True)
        assert any("can no longer be changed" in m for m in page_messages(response))
        assert parent_client.get(move_url).status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.django_db
def test_the_parent_moves_to_another_free_slot(parent_client, parent, pupil, slot, make_slot):
    later = make_slot(minutes=60)
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    url = reverse("bookings:parent-booking-move", args=[booking.pk])
    html = parent_client.get(url).content.decode()
    assert f'value="{later.pk}"' in html and f'value="{slot.pk}"' not in html
    response = parent_client.post(url, {"slot": later.pk}, follow=True)
    assert any("moved" in m for m in page_messages(response))
    booking.refresh_from_db()
    assert booking.slot == later
    assert OutgoingEmail.objects.filter(template="booking_moved").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "987654"])
def test_moving_with_a_bad_slot_never_500(parent_client, parent, pupil, slot, value):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    url = reverse("bookings:parent-booking-move", args=[booking.pk])
    response = parent_client.post(url, {"slot": value})
    assert response.status_code in (302, 404)
    booking.refresh_from_db()
    assert booking.slot == slot


@pytest.mark.django_db
def test_a_parent_moves_only_to_the_same_teachers_slots_in_the_same_event(
    parent_client, organisation, parent, pupil, school_class, teacher, subject_teacher, slot
):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    url = reverse("bookings:parent-booking-move", args=[booking.pk])
    elsewhere = EventFactory(organisation=organisation)
    elsewhere.classes.add(school_class)
    other_teachers = SlotFactory(organisation=organisation, host=subject_teacher, event=slot.event)
    other_events = SlotFactory(organisation=organisation, host=teacher, event=elsewhere)
    for other in (other_teachers, other_events):
        assert parent_client.post(url, {"slot": other.pk}).status_code == 404
    closed = SlotFactory(
        organisation=organisation, host=teacher, event=slot.event, status=SlotStatus.CANCELLED
    )
    response = parent_client.post(url, {"slot": closed.pk}, follow=True)
    assert any("can no longer be booked" in m for m in page_messages(response))
    booking.refresh_from_db()
    assert booking.slot == slot


@pytest.mark.django_db
def test_the_parent_downloads_the_invitation(parent_client, parent, pupil, slot):
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    response = parent_client.get(reverse("bookings:parent-booking-ics", args=[booking.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert event.decoded("dtstart") == slot.starts_at
    assert str(event["uid"]) == booking.ical_uid


def booking_urls(booking):
    return [
        reverse(f"bookings:parent-booking-{name}", args=[booking.pk])
        for name in ("cancel", "move", "ics")
    ]


@pytest.fixture
def booking(parent, pupil, slot):
    return book_slot(booker=parent, slot=slot, pupil=pupil)


@pytest.fixture
def foreign_parent(outsider):
    return UserFactory(organisation=outsider.organisation, role="parent", login_code="55555")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["other_parent", "other_teacher", "outsider", "foreign_parent"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_others_get_404_on_each_booking_url(client, booking, who, method, request):
    client.force_login(request.getfixturevalue(who))
    for url in booking_urls(booking):
        assert getattr(client, method)(url).status_code == 404, url
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_staff_who_may_see_the_booking_get_403_on_the_parents_booking_urls(
    client, booking, who, request
):
    client.force_login(request.getfixturevalue(who))
    for url in booking_urls(booking):
        assert client.post(url).status_code == 403, url
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.django_db
def test_booking_someone_elses_child_gets_404(parent_client, other_pupil, slot):
    assert parent_client.post(BOOK, book_data(slot, other_pupil)).status_code == 404
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_booking_a_teacher_who_does_not_teach_the_child_gets_404(
    parent_client, pupil, other_teacher, make_slot
):
    response = parent_client.post(BOOK, book_data(make_slot(host=other_teacher), pupil))
    assert response.status_code == 404
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_booking_an_event_the_childs_class_is_not_in_gets_404(
    parent_client, organisation, pupil, teacher
):
    elsewhere = EventFactory(organisation=organisation)
    slot = SlotFactory(organisation=organisation, host=teacher, event=elsewhere)
    assert parent_client.post(BOOK, book_data(slot, pupil)).status_code == 404


@pytest.mark.django_db
def test_booking_a_slot_of_another_organisation_gets_404(parent_client, pupil, outsider):
    foreign = SlotFactory(
        organisation=outsider.organisation, host=UserFactory(organisation=outsider.organisation)
    )
    assert parent_client.post(BOOK, book_data(foreign, pupil)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "admin", "outsider"])
def test_non_parents_get_403_on_the_parent_pages(client, who, request, pupil, slot):
    client.force_login(request.getfixturevalue(who))
    assert client.get(HOME).status_code == 403
    assert client.get(APPOINTMENTS).status_code == 403
    assert client.post(BOOK, book_data(slot, pupil)).status_code == 403
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, booking):
    for url in [HOME, APPOINTMENTS, *booking_urls(booking)]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_other_parent_sees_only_their_own_appointments(client, other_parent, booking):
    client.force_login(other_parent)
    html = client.get(APPOINTMENTS).content.decode()
    assert booking.host.full_name not in html


@pytest.mark.django_db
def test_the_other_parent_is_told_who_booked_and_gets_no_buttons_to_change_it(
    client, parent, co_parent, pupil, slot
):
    parent.first_name, parent.last_name = "Eva", "Schmidt"
    parent.save()
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    cancel_url = reverse("bookings:parent-booking-cancel", args=[booking.pk])
    client.force_login(co_parent)
    html = client.get(HOME).content.decode()
    assert "Booked by Eva Schmidt" in html
    assert cancel_url not in html
    client.force_login(parent)
    html = client.get(HOME).content.decode()
    assert cancel_url in html
    assert "Booked by" not in html


@pytest.mark.django_db
def test_the_booked_date_follows_the_language_not_german_order(
    parent_client, organisation, parent, pupil, slot
):
    book_slot(booker=parent, slot=slot, pupil=pupil)
    start = slot.starts_at.astimezone(organisation.tz)
    with translation.override("en"):
        english = formats.date_format(start, "SHORT_DATE_FORMAT")
    html = parent_client.get(HOME).content.decode()
    assert english in html
    assert f"{start.day}.{start.month}." not in html


@pytest.fixture
def former_guardian(parent, pupil, slot):
    """The parent booked for the child, then stopped being the child's parent."""
    booking = book_slot(booker=parent, slot=slot, pupil=pupil)
    Guardianship.objects.filter(pupil=pupil, parent=parent).delete()
    return booking


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_former_guardian_gets_404_on_the_childs_booking(parent_client, former_guardian, method):
    for url in booking_urls(former_guardian):
        assert getattr(parent_client, method)(url).status_code == 404, url
    former_guardian.refresh_from_db()
    assert former_guardian.status == BookingStatus.PENDING


@pytest.mark.django_db
def test_a_former_guardian_no_longer_lists_the_childs_booking(parent_client, former_guardian):
    html = parent_client.get(APPOINTMENTS).content.decode()
    assert former_guardian.host.full_name not in html
