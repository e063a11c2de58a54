import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.api.tests.api_client import signed_in
from rendezvous.bookings.models import Booking
from rendezvous.lib.tests.race import race
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory


def book(client, slot, pupil, key: str | None = None, **body):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post("/bookings", {"slot": slot.pk, "pupil": pupil.pk, **body}, **headers)


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_a_parent_books_a_time_for_their_child(parent, pupil, slot, teacher):
    response = book(signed_in(parent), slot, pupil)

    assert response.status_code == 201
    body = response.json()
    booking = Booking.objects.get()
    assert body["id"] == booking.pk and body["status"] == booking.status
    assert body["slot"]["id"] == slot.pk and body["teacher"]["id"] == teacher.pk
    assert body["pupil"]["id"] == pupil.pk and body["booked_by_id"] == parent.pk


def test_the_same_idempotency_key_books_once_and_answers_the_same(parent, pupil, slot):
    client = signed_in(parent)
    key = uuid.uuid4().hex

    first, again = book(client, slot, pupil, key), book(client, slot, pupil, key)

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_time_answers_409(parent, pupil, slot, organisation, teacher):
    client = signed_in(parent)
    key = uuid.uuid4().hex
    later = SlotFactory(organisation=organisation, host=teacher, event=slot.event)
    book(client, slot, pupil, key)

    response = book(client, later, pupil, key)

    assert error_of(response) == (409, "idempotency_conflict")
    assert list(Booking.objects.values_list("slot_id", flat=True)) == [slot.pk]


def test_a_taken_time_answers_409_slot_taken(parent, pupil, other_parent, other_pupil, slot):
    book(signed_in(other_parent), slot, other_pupil)
    response = book(signed_in(parent), slot, pupil)
    assert error_of(response) == (409, "slot_taken")
    assert response.json()["message"] and response.json()["details"] == {}


def test_another_organisations_time_and_another_familys_child_answer_404(
    parent, pupil, slot, other_pupil
):
    elsewhere = OrganisationFactory(slug="elsewhere")
    foreign_slot = SlotFactory(organisation=elsewhere, event=EventFactory(organisation=elsewhere))
    client = signed_in(parent)
    assert error_of(book(client, foreign_slot, pupil)) == (404, "not_found")
    assert error_of(book(client, slot, other_pupil)) == (404, "not_found")
    assert not Booking.objects.exists()


def test_staff_cannot_book_as_a_parent(teacher, pupil, slot):
    assert error_of(book(signed_in(teacher), slot, pupil)) == (403, "forbidden")


def test_bad_input_answers_422_with_the_fields(parent, pupil, slot):
    client = signed_in(parent)
    response = client.post("/bookings", {"slot": "soon", "pupil": pupil.pk, "seats": 3})
    assert error_of(response) == (422, "validation_error")
    fields = {item["field"] for item in response.json()["details"]["fields"]}
    assert {"body.booking.slot", "body.booking.seats"} <= fields
    response = client.post("/bookings", None)  # no body at all
    assert response.status_code in (400, 422) and "code" in response.json()


@pytest.mark.django_db(transaction=True)
def test_twenty_parents_racing_for_one_place_get_one_booking(organisation, school_class, slot):
    families = []
    for number in range(20):
        parent = ParentFactory(organisation=organisation, login_code=str(20000 + number))
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=parent)
        families.append((signed_in(parent), child))

    outcomes = race([lambda c=c, p=p: book(c, slot, p) for c, p in families])

    statuses = sorted(response.status_code for response in outcomes)
    assert statuses == [201] + [409] * 19
    assert Booking.objects.filter(slot=slot).count() == 1
    slot.refresh_from_db()
    assert slot.seats_taken == 1


def test_the_list_shows_what_the_person_may_see_with_paging_headers(
    parent, pupil, other_parent, other_pupil, organisation, teacher, other_teacher, event
):
    hosts = [teacher, other_teacher, teacher]
    slots = [SlotFactory(organisation=organisation, host=host, event=event) for host in hosts]
    families = [(parent, pupil), (parent, pupil), (other_parent, other_pupil)]
    for slot, (booker, child) in zip(slots, families, strict=True):
        Booking.objects.create(
            organisation=organisation,
            slot=slot,
            host=slot.host,
            event=event,
            booker=booker,
            pupil=child,
        )
    mine = signed_in(parent)

    response = mine.get("/bookings", limit=1)

    assert response.status_code == 200
    assert response["X-Total-Count"] == "2"
    assert 'rel="next"' in response["Link"] and "offset=1" in response["Link"]
    assert [b["slot"]["id"] for b in response.json()] == [slots[0].pk]
    second = mine.get("/bookings", limit=1, offset=1)
    assert [b["slot"]["id"] for b in second.json()] == [slots[1].pk]
    assert 'rel="prev"' in second["Link"]
    teachers = signed_in(teacher).get("/bookings").json()
    assert [b["slot"]["id"] for b in teachers] == [slots[0].pk, slots[2].pk]
    assert signed_in(teacher).get("/bookings", pupil=other_pupil.pk)["X-Total-Count"] == "1"


def test_one_booking_of_another_family_answers_404(parent, pupil, other_parent, slot):
    booking_id = book(signed_in(parent), slot, pupil).json()["id"]
    assert signed_in(parent).get(f"/bookings/{booking_id}").status_code == 200
    assert error_of(signed_in(other_parent).get(f"/bookings/{booking_id}")) == (404, "not_found")


def test_the_list_reads_a_fixed_number_of_queries(admin, organisation, teacher, event):
    client = signed_in(admin)

    def queries_for(bookings: int) -> int:
        Booking.objects.all().delete()
        for _ in range(bookings):
            slot = SlotFactory(organisation=organisation, host=teacher, event=event)
            Booking.objects.create(organisation=organisation, slot=slot, host=teacher, event=event)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get("/bookings", limit=100).json()) == bookings
        return len(queries)

    assert queries_for(2) == queries_for(30)


def test_a_parent_cancels_and_the_place_is_free_again(parent, pupil, slot):
    client = signed_in(parent)
    booking_id = book(client, slot, pupil).json()["id"]

    response = client.delete(f"/bookings/{booking_id}")

    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    slot.refresh_from_db()
    assert slot.seats_taken == 0
    assert error_of(client.delete(f"/bookings/{booking_id}")) == (409, "invalid_status")


def test_a_parent_moves_to_another_time_of_the_same_teacher(
    parent, pupil, slot, organisation, teacher, other_teacher
):
    client = signed_in(parent)
    booking_id = book(client, slot, pupil).json()["id"]
    later = SlotFactory(organisation=organisation, host=teacher, event=slot.event)
    elsewhere = SlotFactory(organisation=organisation, host=other_teacher, event=slot.event)

    moved = client.post(f"/bookings/{booking_id}/move", {"slot": later.pk})

    assert moved.status_code == 200 and moved.json()["slot"]["id"] == later.pk
    refused = client.post(f"/bookings/{booking_id}/move", {"slot": elsewhere.pk})
    assert error_of(refused) == (404, "not_found")


@pytest.fixture
def request_for_teacher(parent, pupil, slot):
    """A pending booking with the teacher, made through the API."""
    response = book(signed_in(parent), slot, pupil)
    return Booking.objects.get(pk=response.json()["id"])


def test_the_teacher_confirms_a_request_and_the_booker_is_told(teacher, request_for_teacher):
    from rendezvous.notifications.models import OutgoingEmail

    booking = request_for_teacher
    response = signed_in(teacher).patch(f"/bookings/{booking.pk}", {"status": "confirmed"})

    assert response.status_code == 200 and response.json()["status"] == "confirmed"
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    assert OutgoingEmail.objects.filter(template="booking_confirmed").count() == 1


def test_a_rejection_frees_the_place_and_quotes_the_message(teacher, request_for_teacher, slot):
    from rendezvous.notifications.models import OutgoingEmail

    booking = request_for_teacher
    response = signed_in(teacher).patch(
        f"/bookings/{booking.pk}", {"status": "rejected", "message": "Ich bin krank."}
    )

    assert response.json()["status"] == "rejected"
    slot.refresh_from_db()
    assert slot.seats_taken == 0
    assert "Ich bin krank." in OutgoingEmail.objects.get(template="booking_rejected").body_text


def test_a_decision_is_refused_as_the_rules_say(
    admin, teacher, other_teacher, parent, request_for_teacher
):
    path = f"/bookings/{request_for_teacher.pk}"
    assert error_of(signed_in(parent).patch(path, {"status": "confirmed"})) == (403, "forbidden")
    assert signed_in(other_teacher).patch(path, {"status": "confirmed"}).status_code in (403, 404)
    with_note = signed_in(teacher).patch(path, {"status": "confirmed", "message": "Gern"})
    assert error_of(with_note) == (422, "validation_error")
    assert signed_in(teacher).patch(path, {"status": "completed"}).status_code == 422
    assert (
        signed_in(admin)
        .patch(path, {"status": "cancelled", "message": "Raum fehlt"})
        .json()["status"]
        == "cancelled"
    )
    again = signed_in(teacher).patch(path, {"status": "confirmed"})
    assert again.status_code == 409
    request_for_teacher.refresh_from_db()
    assert request_for_teacher.status == "cancelled"
