"""Creating, changing and deleting slots through the API: the pages' services and rules."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from rendezvous.accounts.tests.factories import UserFactory
from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_bookings import book
from rendezvous.bookings.models import Booking, BookingStatus
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Slot, SlotStatus, Subject


def evening(event, hour: int, minute: int = 0) -> str:
    """A time on the event's day, on the organisation's clock, without an offset."""
    return datetime.combine(event.starts_on, time(hour, minute)).isoformat()


def error_of(response) -> tuple[int, str]:
    return response.status_code, response.json()["code"]


def test_a_teacher_creates_a_slot_on_the_organisations_clock(teacher, event, organisation):
    subject = Subject.objects.create(organisation=organisation, name="Mathematik")
    body = {
        "event": event.pk,
        "subject": subject.pk,
        "starts_at": evening(event, 19),
        "ends_at": evening(event, 19, 15),
        "capacity": 2,
        "room": "A 104",
    }

    response = signed_in(teacher).post("/slots", body)

    assert response.status_code == 201, response.content
    slot = Slot.objects.get(pk=response.json()["id"])
    local = timezone.localtime(slot.starts_at, organisation.tz)
    assert (local.date(), local.time()) == (event.starts_on, time(19))
    assert (slot.host, slot.event, slot.subject, slot.capacity) == (teacher, event, subject, 2)
    assert response.json()["subject"] == "Mathematik"


def test_creating_is_refused_as_the_services_say(teacher, event, slot):
    client = signed_in(teacher)
    start = timezone.localtime(slot.starts_at).replace(tzinfo=None)
    overlapping = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(minutes=5)).isoformat(),
    }
    online = {"starts_at": evening(event, 20), "ends_at": evening(event, 20, 10), "mode": "online"}
    backwards = {"starts_at": evening(event, 21), "ends_at": evening(event, 20)}
    far_away = {"starts_at": "9999-12-31T23:00:00", "ends_at": "9999-12-31T23:30:00"}

    assert error_of(client.post("/slots", {**overlapping, "event": event.pk})) == (
        409,
        "slot_overlap",
    )
    assert error_of(client.post("/slots", online)) == (400, "video_link_missing")
    assert error_of(client.post("/slots", backwards)) == (400, "slot_times_invalid")
    assert error_of(client.post("/slots", far_away)) == (422, "validation_error")
    assert Slot.objects.count() == 1


def test_the_office_sets_up_a_teachers_slot_and_a_teacher_only_their_own(
    admin, teacher, other_teacher, event
):
    body = {"event": event.pk, "starts_at": evening(event, 19), "ends_at": evening(event, 19, 10)}
    foreign = UserFactory(organisation=OrganisationFactory(slug="elsewhere"), role="teacher")

    made = signed_in(admin).post("/slots", {**body, "teacher": teacher.pk})
    by_colleague = signed_in(other_teacher).post("/slots", {**body, "teacher": teacher.pk})
    for_outsider = signed_in(admin).post("/slots", {**body, "teacher": foreign.pk})

    assert made.status_code == 201 and made.json()["teacher"]["id"] == teacher.pk
    assert error_of(by_colleague) == (403, "forbidden")
    assert error_of(for_outsider) == (404, "not_found")


def test_moving_a_booked_slot_tells_the_booker_under_the_same_invitation(
    teacher, parent, pupil, slot, event
):
    booking = Booking.objects.get(pk=book(signed_in(parent), slot, pupil).json()["id"])
    later = timezone.localtime(slot.starts_at).replace(tzinfo=None) + timedelta(hours=3)

    response = signed_in(teacher).patch(
        f"/slots/{slot.pk}",
        {"starts_at": later.isoformat(), "ends_at": (later + timedelta(minutes=10)).isoformat()},
    )

    assert response.status_code == 200, response.content
    slot.refresh_from_db()
    assert timezone.localtime(slot.starts_at).replace(tzinfo=None) == later
    assert slot.room == "" and slot.capacity == 1  # left out: unchanged
    booking.refresh_from_db()
    assert booking.sequence == 1
    assert OutgoingEmail.objects.filter(template="booking_moved", to=parent.email).exists()


def test_a_change_is_refused_below_the_places_taken_and_for_a_parent(teacher, parent, pupil, slot):
    Slot.objects.filter(pk=slot.pk).update(capacity=3, seats_taken=2)
    client = signed_in(teacher)

    assert error_of(client.patch(f"/slots/{slot.pk}", {"capacity": 1})) == (
        409,
        "capacity_below_taken",
    )
    assert error_of(client.patch(f"/slots/{slot.pk}", {"capacity": 0})) == (
        422,
        "validation_error",
    )
    assert error_of(signed_in(parent).patch(f"/slots/{slot.pk}", {"room": "B"})) == (
        403,
        "forbidden",
    )
    slot.refresh_from_db()
    assert (slot.capacity, slot.room) == (3, "")


def test_the_subject_is_set_and_taken_away(teacher, slot, organisation):
    subject = Subject.objects.create(organisation=organisation, name="Physik")
    client = signed_in(teacher)

    assert client.patch(f"/slots/{slot.pk}", {"subject": subject.pk}).json()["subject"] == "Physik"
    assert client.patch(f"/slots/{slot.pk}", {"room": "C 3"}).json()["subject"] == "Physik"
    assert client.patch(f"/slots/{slot.pk}", {"subject": None}).json()["subject"] is None


def test_deleting_a_free_slot_removes_it_and_a_booked_one_is_cancelled(
    teacher, parent, pupil, slot, organisation, event
):
    from rendezvous.scheduling.tests.factories import SlotFactory

    free = SlotFactory(organisation=organisation, host=teacher, event=event)
    booking = Booking.objects.get(pk=book(signed_in(parent), slot, pupil).json()["id"])
    client = signed_in(teacher)

    assert client.delete(f"/slots/{free.pk}").status_code == 204
    kept = client.delete(f"/slots/{slot.pk}")

    assert not Slot.objects.filter(pk=free.pk).exists()
    assert kept.status_code == 200 and kept.json()["status"] == SlotStatus.CANCELLED
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert OutgoingEmail.objects.filter(to=parent.email, template="booking_cancelled").exists()


def pattern(event, **fields) -> dict:
    return {
        "event": event.pk,
        "first_day": event.starts_on.isoformat(),
        "window_start": "19:00",
        "window_end": "20:00",
        "slot_minutes": 15,
        **fields,
    }


def test_a_pattern_previews_without_creating_then_creates_every_slot(teacher, event):
    client = signed_in(teacher)
    body = pattern(event, break_every=2, break_minutes=15)

    preview = client.post("/slots/bulk?preview=true", body)
    assert preview.status_code == 200, preview.content
    assert Slot.objects.count() == 0
    starts = [span["starts_at"] for span in preview.json()["creatable"]]
    assert len(starts) == 3 and preview.json()["clashing"] == []

    made = client.post("/slots/bulk", body)
    assert made.status_code == 201
    assert [slot["starts_at"] for slot in made.json()] == starts
    assert Slot.objects.filter(host=teacher).count() == 3


def test_a_pattern_that_clashes_creates_nothing_and_names_the_clash(teacher, event, slot):
    start = timezone.localtime(slot.starts_at)
    end = start + timedelta(minutes=30)
    body = pattern(event, window_start=f"{start:%H:%M}", window_end=f"{end:%H:%M}")
    client = signed_in(teacher)

    preview = client.post("/slots/bulk?preview=true", body).json()
    refused = client.post("/slots/bulk", body)

    assert preview["clashing"][0]["clashes_with"] == [slot.pk]
    assert error_of(refused) == (409, "slot_overlap")
    assert Slot.objects.count() == 1


def test_a_pattern_outside_the_event_is_refused(teacher, event):
    late = (event.ends_on + timedelta(days=3)).isoformat()
    response = signed_in(teacher).post("/slots/bulk", pattern(event, first_day=late))

    assert error_of(response) == (400, "slot_outside_event")
