"""Edges of the API: a token's caller on the organisation's clock, clock changes, paging past
the end, what parents may search, and changes that leave out what they do not name."""

from datetime import timedelta

from django.utils import timezone

from rendezvous.accounts.models import Role
from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_slot_writes import error_of, evening
from rendezvous.api.tests.test_tokens import bearer, make
from rendezvous.scheduling.models import Slot
from rendezvous.scheduling.tests.factories import SlotFactory


def test_a_tokens_times_are_on_the_organisations_clock(teacher, event, organisation):
    organisation.time_zone = "Asia/Vladivostok"
    organisation.save()
    token = make(signed_in(teacher), scope="write")["token"]
    body = {"event": event.pk, "starts_at": evening(event, 19), "ends_at": evening(event, 19, 10)}

    response = bearer(token).post("/api/v1/slots", body, content_type="application/json")

    assert response.status_code == 201, response.content
    local = timezone.localtime(Slot.objects.get().starts_at, organisation.tz)
    assert (local.date(), local.hour) == (event.starts_on, 19)
    day = bearer(token).get(f"/api/v1/calendar/day/{event.starts_on}").json()
    assert [s["id"] for s in day["days"][0]["slots"]] == [response.json()["id"]]


def test_a_time_the_clock_skips_is_refused_and_a_repeated_hour_lasts_what_it_says(teacher):
    client = signed_in(teacher)  # Europe/Berlin: 31 March 2030 skips 02:00–03:00
    skipped = {"starts_at": "2030-03-31T02:30:00", "ends_at": "2030-03-31T02:50:00"}
    repeated = {"starts_at": "2030-10-27T02:30:00", "ends_at": "2030-10-27T03:00:00"}

    refused = client.post("/slots", skipped)
    made = client.post("/slots", repeated)

    assert error_of(refused) == (422, "validation_error")
    assert refused.json()["details"]["fields"][0]["field"] == "body.starts_at"
    slot = Slot.objects.get(pk=made.json()["id"])
    assert slot.ends_at - slot.starts_at == timedelta(minutes=30)


def test_paging_past_the_end_points_back_to_the_last_page_and_huge_offsets_answer_422(
    admin, organisation, teacher, event
):
    SlotFactory(organisation=organisation, host=teacher, event=event)
    client = signed_in(admin)

    past = client.get("/slots", limit=10, offset=100)

    assert past.json() == [] and past["X-Total-Count"] == "1"
    assert "offset=0" in past["Link"] and 'rel="prev"' in past["Link"]
    assert client.get("/slots", offset=2**63).status_code == 422


def test_parents_find_teachers_by_name_only(parent, pupil, teacher, department):
    department.teachers.add(teacher)
    teacher.last_name = "Becker"
    teacher.save()
    client = signed_in(parent)

    assert [t["id"] for t in client.get("/teachers", q="becker").json()] == [teacher.pk]
    assert client.get("/teachers", q=teacher.email).json() == []
    assert error_of(client.get("/teachers", sort="email")) == (422, "validation_error")
    assert client.get("/teachers").json()[0]["departments"] == []
    teacher.is_active = False
    teacher.save()
    assert client.get("/teachers").json() == []


def test_a_change_keeps_what_it_leaves_out(admin, teacher, other_teacher):
    other_teacher.is_active, other_teacher.language = False, "ru"
    other_teacher.save()
    client = signed_in(admin)
    names = {"first_name": "Anna", "last_name": "Becker"}

    client.put(f"/teachers/{other_teacher.pk}", {**names, "email": "o@example.org"})
    client.put(f"/users/{admin.pk}", {**names, "email": admin.email})

    other_teacher.refresh_from_db()
    admin.refresh_from_db()
    assert (other_teacher.is_active, other_teacher.language) == (False, "ru")
    assert admin.role == Role.ADMIN and admin.first_name == "Anna"


def test_a_name_of_spaces_is_no_name(admin):
    response = signed_in(admin).post("/subjects", {"name": "   "})

    assert error_of(response) == (422, "validation_error")
    assert signed_in(admin).post("/subjects", {"name": " Physik "}).json()["name"] == "Physik"


def test_weekdays_are_0_to_6(teacher, event):
    body = {
        "first_day": event.starts_on.isoformat(),
        "window_start": "19:00",
        "window_end": "20:00",
        "slot_minutes": 15,
        "weekdays": [7],
    }
    assert error_of(signed_in(teacher).post("/slots/bulk", body)) == (422, "validation_error")
