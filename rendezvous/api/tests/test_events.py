"""Events through the API: the office's pages' services, rules and access."""

from datetime import timedelta

from django.utils import timezone

from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.bookings.models import Booking
from rendezvous.scheduling.models import Event, Phase, Slot
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory


def new_event(school_class, **fields) -> dict:
    day = timezone.localdate() + timedelta(days=30)
    return {
        "name": "Elternsprechtag Frühjahr",
        "translations": {"ru": {"name": "Родительский день"}},
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "booking_opens_at": f"{day - timedelta(days=14)}T08:00:00",
        "booking_closes_at": f"{day - timedelta(days=1)}T18:00:00",
        "classes": [school_class.pk],
        **fields,
    }


def test_the_office_creates_a_draft_in_the_organisations_zone(admin, school_class, organisation):
    response = signed_in(admin).post("/events", new_event(school_class))

    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert event.phase == Phase.DRAFT and list(event.classes.all()) == [school_class]
    assert timezone.localtime(event.booking_opens_at, organisation.tz).hour == 8
    assert event.translations == {"ru": {"name": "Родительский день"}}
    assert response.json()["translations"]["ru"]["name"] == "Родительский день"


def test_bad_events_are_refused_with_a_reason(admin, school_class):
    client = signed_in(admin)
    body = new_event(school_class)
    backwards = {**body, "ends_on": "2000-01-01"}

    assert error_of(client.post("/events", backwards)) == (400, "event_invalid")
    assert error_of(client.post("/events", {**body, "translations": {"fr": {}}})) == (
        422,
        "validation_error",
    )
    assert error_of(client.post("/events", {**body, "classes": [999999]})) == (404, "not_found")
    assert not Event.objects.exists()


def test_a_parent_sees_only_open_events_of_their_childs_class(parent, pupil, event, organisation):
    EventFactory(organisation=organisation, phase=Phase.DRAFT).classes.add(pupil.school_class)

    listed = signed_in(parent).get("/events").json()

    assert [e["id"] for e in listed] == [event.pk]
    assert error_of(signed_in(parent).post(f"/events/{event.pk}/phase", {"phase": "closed"})) == (
        403,
        "forbidden",
    )


def test_phases_move_as_the_rules_say(admin, event, slot, parent, pupil):
    client = signed_in(admin)
    Booking.objects.create(
        organisation=event.organisation, slot=slot, host=slot.host, event=event, booker=parent
    )

    assert error_of(client.post(f"/events/{event.pk}/phase", {"phase": "draft"})) == (
        409,
        "phase_change_refused",
    )
    assert (
        client.post(f"/events/{event.pk}/phase", {"phase": "closed"}).json()["phase"] == "closed"
    )


def test_changing_the_days_past_its_slots_is_refused(admin, event, slot, school_class):
    later = event.starts_on + timedelta(days=10)
    body = new_event(school_class, starts_on=later.isoformat(), ends_on=later.isoformat())

    assert error_of(signed_in(admin).put(f"/events/{event.pk}", body)) == (
        409,
        "event_slots_outside",
    )
    event.refresh_from_db()
    assert event.starts_on != later


def test_only_a_draft_without_bookings_is_deleted(admin, organisation, event, teacher):
    draft = EventFactory(organisation=organisation, phase=Phase.DRAFT)
    SlotFactory(organisation=organisation, host=teacher, event=draft)
    client = signed_in(admin)

    assert client.delete(f"/events/{draft.pk}").status_code == 204
    assert error_of(client.delete(f"/events/{event.pk}")) == (409, "event_not_deletable")
    assert list(Event.objects.all()) == [event]
    assert Slot.objects.filter(event_id=draft.pk).count() == 0
