"""The office's overview of appointments: filters, paging, cancel and move, for every role."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.bookings.services import book_slot, decide_booking
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.scheduling.models import Phase, SlotStatus
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory, SchoolClassFactory

LIST = reverse("office:appointments")


def slot_at(organisation, host, event, minutes):
    """A slot `minutes` after 18:00 on the event's day, when SlotFactory's slots have ended
    (PostgreSQL refuses a teacher's overlapping slots)."""
    evening = datetime.combine(
        timezone.localdate() + timedelta(days=7), time(18), tzinfo=timezone.get_current_timezone()
    )
    starts = evening + timedelta(minutes=minutes)
    return SlotFactory(
        organisation=organisation,
        host=host,
        event=event,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=10),
    )


@pytest.fixture
def booking(parent, pupil, slot):
    return book_slot(booker=parent, slot=slot, pupil=pupil)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def shown(response):
    return list(response.context["page"].object_list) if response.context["page"] else []


@pytest.mark.django_db
def test_the_office_sees_the_appointments_of_the_latest_open_event(
    admin_client, organisation, booking
):
    EventFactory(organisation=organisation, phase=Phase.CLOSED, name="Last year")
    response = admin_client.get(LIST)
    assert response.status_code == 200
    assert shown(response) == [booking]
    html = response.content.decode()
    assert booking.pupil.last_name in html and booking.host.full_name in html
    assert reverse("office:appointment-cancel", args=[booking.pk]) in html
    assert reverse("office:appointment-move", args=[booking.pk]) in html


@pytest.mark.django_db
def test_the_office_chooses_another_event(
    admin_client, organisation, school_class, teacher, booking
):
    other = EventFactory(organisation=organisation, name="Spring")
    other.classes.add(school_class)
    elsewhere = book_slot(
        booker=booking.booker, slot=slot_at(organisation, teacher, other, 300), pupil=booking.pupil
    )
    response = admin_client.get(LIST, {"event": other.pk})
    assert shown(response) == [elsewhere]


@pytest.mark.django_db
def test_the_office_filters_by_teacher_class_and_status(
    admin_client,
    organisation,
    event,
    school_class,
    teacher,
    other_teacher,
    parent,
    pupil,
    other_parent,
    other_pupil,
    booking,
):
    school_class.subject_teachers.add(other_teacher)
    by_other = book_slot(
        booker=other_parent,
        slot=slot_at(organisation, other_teacher, event, 60),
        pupil=other_pupil,
    )
    class_b = SchoolClassFactory(organisation=organisation)
    class_b.class_teachers.add(teacher)
    event.classes.add(class_b)
    child_b = PupilFactory(organisation=organisation, school_class=class_b)
    GuardianshipFactory(pupil=child_b, parent=other_parent)
    in_b = book_slot(
        booker=other_parent, slot=slot_at(organisation, teacher, event, 120), pupil=child_b
    )
    decide_booking(booking=in_b, confirm=True)

    assert shown(admin_client.get(LIST, {"teacher": other_teacher.pk})) == [by_other]
    assert shown(admin_client.get(LIST, {"school_class": class_b.pk})) == [in_b]
    assert shown(admin_client.get(LIST, {"status": "confirmed"})) == [in_b]
    assert set(shown(admin_client.get(LIST, {"status": "pending"}))) == {booking, by_other}
    assert shown(admin_client.get(LIST, {"teacher": teacher.pk, "status": "pending"})) == [booking]


@pytest.mark.django_db
def test_a_bad_filter_value_shows_a_form_error_not_a_500(admin_client, booking):
    response = admin_client.get(LIST, {"status": "nonsense", "teacher": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert shown(response) == []


@pytest.mark.django_db
def test_the_list_is_paginated_with_few_queries(
    admin_client, organisation, event, school_class, teacher, django_assert_max_num_queries
):
    from rendezvous.accounts.tests.factories import ParentFactory

    for n in range(55):
        parent = ParentFactory(organisation=organisation)
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        book_slot(booker=parent, slot=slot_at(organisation, teacher, event, 10 * n), pupil=child)
    with django_assert_max_num_queries(15):
        first = admin_client.get(LIST, {"teacher": teacher.pk})
    assert len(shown(first)) == 50
    second = admin_client.get(LIST, {"teacher": teacher.pk, "page": 2})
    assert len(shown(second)) == 5
    assert f"?teacher={teacher.pk}&amp;page=2" in first.content.decode()


@pytest.mark.django_db
def test_the_office_cancels_an_appointment_and_the_parent_is_told(admin_client, booking, slot):
    url = reverse("office:appointment-cancel", args=[booking.pk])
    page = admin_client.get(url)
    assert page.status_code == 200 and 'name="message"' in page.content.decode()
    note = "Frau Becker ist krank; wir melden uns."
    with time_machine.travel(slot.starts_at - timedelta(hours=1)):  # after the parents' cutoff
        response = admin_client.post(url, {"next": LIST + "?status=pending", "message": note})
    assert response.status_code == 302 and response["Location"] == LIST + "?status=pending"
    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and slot.seats_taken == 0
    mail = OutgoingEmail.objects.get(template="booking_cancelled", to=booking.booker.email)
    assert note in mail.body_text


@pytest.mark.django_db
def test_the_office_moves_an_appointment_to_a_free_slot_of_the_same_teacher(
    admin_client, organisation, event, teacher, other_teacher, booking, slot
):
    free = slot_at(organisation, teacher, event, 200)
    not_his = slot_at(organisation, other_teacher, event, 300)
    url = reverse("office:appointment-move", args=[booking.pk])
    html = admin_client.get(url).content.decode()
    assert f'value="{free.pk}"' in html and f'value="{not_his.pk}"' not in html
    response = admin_client.post(url, {"slot": free.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot == free
    assert OutgoingEmail.objects.filter(template="booking_moved").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "987654"])
def test_a_bad_move_never_500s(admin_client, booking, slot, value):
    response = admin_client.post(
        reverse("office:appointment-move", args=[booking.pk]), {"slot": value}
    )
    assert response.status_code in (302, 404)
    booking.refresh_from_db()
    assert booking.slot == slot


@pytest.mark.django_db
def test_the_office_moves_only_to_the_same_teachers_slots_in_the_same_event(
    admin_client, organisation, event, teacher, other_teacher, booking, slot
):
    url = reverse("office:appointment-move", args=[booking.pk])
    other_teachers = slot_at(organisation, other_teacher, event, 300)
    other_events = slot_at(organisation, teacher, EventFactory(organisation=organisation), 300)
    for other in (other_teachers, other_events):
        assert admin_client.post(url, {"slot": other.pk}).status_code == 404
    closed = slot_at(organisation, teacher, event, 400)
    closed.status = SlotStatus.CANCELLED
    closed.save()
    response = admin_client.post(url, {"slot": closed.pk}, follow=True)
    assert any("can no longer be booked" in str(m) for m in response.context["messages"])
    booking.refresh_from_db()
    assert booking.slot == slot


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["teacher", "parent", "other_parent"])
def test_teachers_and_parents_get_403(client, booking, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(LIST).status_code == 403
    for name in ("office:appointment-cancel", "office:appointment-move"):
        assert client.post(reverse(name, args=[booking.pk])).status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.PENDING


@pytest.mark.django_db
def test_the_outsider_sees_none_of_our_appointments_and_gets_404_on_them(
    client, outsider, booking, event
):
    booking.pupil.last_name = "Quellenbrink"  # a name no generated person has
    booking.pupil.save(update_fields=["last_name"])
    client.force_login(outsider)
    response = client.get(LIST)
    assert response.status_code == 200
    assert shown(response) == []
    response = client.get(LIST, {"event": event.pk})
    assert response.status_code == 200 and shown(response) == []
    assert "Quellenbrink" not in response.content.decode()
    for name in ("office:appointment-cancel", "office:appointment-move"):
        url = reverse(name, args=[booking.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"slot": booking.slot_id}).status_code == 404
    assert Booking.objects.get().status == BookingStatus.PENDING


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, booking):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
