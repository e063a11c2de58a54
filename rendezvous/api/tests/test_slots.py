from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_bookings import book
from rendezvous.scheduling.models import Phase, SlotStatus
from rendezvous.scheduling.tests.factories import SlotFactory


def ids(response) -> list[int]:
    return [slot["id"] for slot in response.json()]


def test_free_times_leave_out_the_taken_cancelled_and_past_ones(
    parent, pupil, organisation, teacher, event
):
    def slot(**fields):
        return SlotFactory(organisation=organisation, host=teacher, event=event, **fields)

    free, taken = slot(), slot(seats_taken=1)
    cancelled = slot(status=SlotStatus.CANCELLED)
    past = slot(starts_at=timezone.now() - timedelta(hours=2), ends_at=timezone.now())
    client = signed_in(parent)

    everything = client.get("/slots")
    free_only = client.get("/slots", free="true")

    assert set(ids(everything)) == {free.pk, taken.pk, cancelled.pk, past.pk}
    assert ids(free_only) == [free.pk]
    body = free_only.json()[0]
    assert (body["teacher"]["id"], body["free_places"], body["status"]) == (teacher.pk, 1, "open")
    assert free_only["X-Total-Count"] == "1"


def close_the_event(slot):
    slot.event.phase = Phase.CLOSED
    slot.event.save(update_fields=["phase"])


def open_it_tomorrow(slot):
    slot.event.booking_opens_at = timezone.now() + timedelta(days=1)
    slot.event.save(update_fields=["booking_opens_at"])


def let_the_teacher_leave(slot):
    slot.host.is_active = False
    slot.host.save(update_fields=["is_active"])


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        (close_the_event, (409, "booking_closed")),
        (open_it_tomorrow, (409, "booking_closed")),
        (let_the_teacher_leave, (404, "not_found")),
    ],
)
def test_free_times_leave_out_those_booking_refuses(change, refusal, parent, pupil, slot):
    client = signed_in(parent)
    change(slot)

    refused = book(client, slot, pupil)

    assert ids(client.get("/slots", free="true")) == []
    assert ids(client.get("/slots")) == [slot.pk]  # still there to see
    assert (refused.status_code, refused.json()["code"]) == refusal


def test_a_parent_sees_only_their_childrens_teachers(
    parent, pupil, organisation, teacher, other_teacher, event
):
    mine = SlotFactory(organisation=organisation, host=teacher, event=event)
    SlotFactory(organisation=organisation, host=other_teacher, event=event)  # not the child's

    assert ids(signed_in(parent).get("/slots")) == [mine.pk]
    assert ids(signed_in(other_teacher).get("/slots", teacher=teacher.pk)) == []


def test_filters_by_day_in_the_organisations_zone(admin, organisation, teacher, event):
    first = SlotFactory(organisation=organisation, host=teacher, event=event)
    next_day = SlotFactory(
        organisation=organisation,
        host=teacher,
        event=event,
        starts_at=first.starts_at + timedelta(days=1),
        ends_at=first.ends_at + timedelta(days=1),
    )
    day = timezone.localtime(first.starts_at).date()
    client = signed_in(admin)

    assert ids(client.get("/slots", date_from=day, date_to=day)) == [first.pk]
    assert ids(client.get("/slots", date_from=day + timedelta(days=1))) == [next_day.pk]


def test_the_list_reads_a_fixed_number_of_queries(admin, organisation, teacher, event):
    client = signed_in(admin)

    def queries_for(count: int) -> int:
        for _ in range(count):
            SlotFactory(organisation=organisation, host=teacher, event=event)
        with CaptureQueriesContext(connection) as queries:
            client.get("/slots", limit=200)
        return len(queries)

    assert queries_for(2) == queries_for(40)


def test_a_day_beyond_the_calendar_answers_422_not_500(admin):
    """The day after 31 December 9999 does not exist: it is refused before any arithmetic."""
    response = signed_in(admin).get("/slots", date_to="9999-12-31")

    assert response.status_code == 422
    assert response.json()["details"]["fields"][0]["field"] == "query.date_to"


def test_a_short_page_is_not_counted_again(admin, organisation, teacher, event):
    """The last page says how many there are without a second query for the total."""
    for _n in range(3):
        SlotFactory(organisation=organisation, host=teacher, event=event)
    client = signed_in(admin)

    def answer(**params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/slots", **params)
        counted = any("COUNT(" in query["sql"].upper() for query in queries)
        return response["X-Total-Count"], len(response.json()), counted

    assert answer(limit=50) == ("3", 3, False)
    assert answer(limit=2) == ("3", 2, True)
    assert answer(limit=2, offset=2) == ("3", 1, False)
    assert answer(limit=2, offset=10) == ("3", 0, True)


def test_an_id_beyond_the_databases_keys_answers_422_not_500(admin, teacher, event):
    huge = 10**23
    client = signed_in(admin)

    assert client.get("/slots", event=huge).status_code == 422
    assert client.get("/bookings", pupil=huge).status_code == 422
    body = {"event": huge, "starts_at": "2030-01-07T10:00", "ends_at": "2030-01-07T10:10"}
    assert client.post("/slots", body).status_code == 422
