"""Absurd dates (year 1, year 9999) get the default page or a form error, never a 500."""

import pytest
from django.urls import reverse

from rendezvous.scheduling.models import Event, Slot
from rendezvous.scheduling.tests.helpers import EVENING

pytestmark = pytest.mark.django_db

ABSURD_DAYS = ["9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"]
OUT_OF_RANGE = "between the years 2000 and 2100"


@pytest.mark.parametrize("view", ["week", "day"])
@pytest.mark.parametrize("day", ABSURD_DAYS)
def test_the_calendar_falls_back_to_the_default_day_for_an_absurd_date(
    client, teacher, slot, day, view
):
    client.force_login(teacher)
    r = client.get(reverse("bookings:teacher-calendar"), {"date": day, "view": view})
    assert r.status_code == 200
    assert r.context["first"] <= EVENING <= r.context["last"]
    # The first and last allowed days are still shown as asked.
    for allowed in ("2000-01-01", "2100-12-31"):
        r = client.get(reverse("bookings:teacher-calendar"), {"date": allowed, "view": view})
        assert r.context["day"].isoformat() == allowed


def slot_data(event, day, start="23:50", end="23:55"):
    return {
        "event": event.pk,
        "date": day,
        "start": start,
        "end": end,
        "capacity": "1",
        "mode": "on_site",
        "room": "",
        "video_url": "",
    }


@pytest.mark.parametrize("start", ["00:00", "23:50"])
@pytest.mark.parametrize("day", ABSURD_DAYS)
def test_a_new_slot_on_an_absurd_date_gets_a_form_error(client, teacher, event, day, start):
    client.force_login(teacher)
    r = client.post(reverse("scheduling:slot-create"), slot_data(event, day, start, "23:55"))
    assert r.status_code == 200
    assert OUT_OF_RANGE in r.content.decode()
    assert not Slot.objects.exists()


@pytest.mark.parametrize("day", ABSURD_DAYS)
def test_moving_a_slot_to_an_absurd_date_gets_a_form_error(client, teacher, slot, day):
    client.force_login(teacher)
    r = client.post(reverse("bookings:slot-edit", args=[slot.pk]), slot_data(slot.event, day))
    assert r.status_code == 200
    assert OUT_OF_RANGE in r.content.decode()
    assert Slot.objects.get(pk=slot.pk).starts_at == slot.starts_at


def pattern_data(event, **changes):
    data = {
        "event": event.pk,
        "first_day": EVENING.isoformat(),
        "last_day": "",
        "weekdays": [str(n) for n in range(7)],
        "window_start": "23:00",
        "window_end": "23:59",
        "slot_minutes": "10",
        "break_every": "",
        "break_minutes": "",
        "fixed_breaks": "",
        "excluded_dates": "",
        "capacity": "1",
        "mode": "on_site",
        "room": "",
        "video_url": "",
    }
    return {**data, **changes}


@pytest.mark.parametrize("field", ["first_day", "last_day", "excluded_dates"])
@pytest.mark.parametrize("day", ABSURD_DAYS)
@pytest.mark.parametrize("confirm", [False, True], ids=["preview", "confirm"])
def test_a_pattern_with_an_absurd_date_gets_a_form_error(
    client, teacher, event, field, day, confirm
):
    client.force_login(teacher)
    data = pattern_data(event, **{field: day})
    if field == "last_day":
        data["first_day"] = "9999-12-30" if day == "9999-12-31" else data["first_day"]
    if confirm:
        data["confirm"] = "1"
    r = client.post(reverse("scheduling:slot-generate"), data)
    assert r.status_code == 200
    assert OUT_OF_RANGE in r.content.decode()
    assert not Slot.objects.exists()


def event_data(**changes):
    data = {
        "name": "Elternsprechtag",
        "starts_on": "2030-03-14",
        "ends_on": "2030-03-14",
        "booking_opens_at": "2030-03-01T08:00",
        "booking_closes_at": "2030-03-13T12:00",
        "default_slot_minutes": "10",
        "change_cutoff_hours": "24",
        "retention_days": "14",
    }
    return {**data, **changes}


ABSURD_EVENTS = [
    {"starts_on": "0001-01-01"},
    {"ends_on": "9999-12-31"},
    {"starts_on": "9999-12-31", "ends_on": "9999-12-31"},
    {"booking_opens_at": "0001-01-01T00:00"},
    {"booking_closes_at": "9999-12-31T23:59"},
    {"booking_opens_at": "1999-12-31T23:00"},
]


@pytest.mark.parametrize("changes", ABSURD_EVENTS)
def test_an_event_with_an_absurd_date_gets_a_form_error(client, admin, changes):
    client.force_login(admin)
    r = client.post(reverse("office:event-create"), event_data(**changes))
    assert r.status_code == 200
    assert OUT_OF_RANGE in r.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("changes", ABSURD_EVENTS)
def test_an_event_edited_to_an_absurd_date_gets_a_form_error(client, admin, event, changes):
    client.force_login(admin)
    r = client.post(reverse("office:event-edit", args=[event.pk]), event_data(**changes))
    assert r.status_code == 200
    assert OUT_OF_RANGE in r.content.decode()
    event.refresh_from_db()
    assert event.starts_on == EVENING
