"""Day, week and month calendars and a teacher's week through the API."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_bookings import book
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.scheduling.tests.factories import SlotFactory


def slots_on(body: dict) -> dict:
    """{day: [slot ids]} for the days that have slots."""
    return {day["date"]: [s["id"] for s in day["slots"]] for day in body["days"] if day["slots"]}


def test_a_teachers_week_runs_monday_to_sunday_with_its_bookings(
    teacher, other_teacher, organisation, event, slot, parent, pupil
):
    SlotFactory(organisation=organisation, host=other_teacher, event=event)
    booking = book(signed_in(parent), slot, pupil).json()
    day = timezone.localtime(slot.starts_at).date()

    week = signed_in(teacher).get(f"/calendar/week/{day}").json()

    monday = day - timedelta(days=day.weekday())
    assert (week["first"], week["last"]) == (str(monday), str(monday + timedelta(days=6)))
    assert len(week["days"]) == 7 and week["teacher_id"] == teacher.pk
    assert slots_on(week) == {str(day): [slot.pk]}
    shown = next(d for d in week["days"] if d["slots"])["slots"][0]
    assert [b["id"] for b in shown["bookings"]] == [booking["id"]]


def test_the_office_opens_any_teachers_calendar_and_a_teacher_only_their_own(
    admin, teacher, other_teacher, slot
):
    day = timezone.localtime(slot.starts_at).date()
    path = f"/calendar/day/{day}"

    assert slots_on(signed_in(admin).get(path, teacher=teacher.pk).json()) == {str(day): [slot.pk]}
    assert slots_on(signed_in(admin).get(path).json()) == {}
    assert error_of(signed_in(other_teacher).get(path, teacher=teacher.pk)) == (403, "forbidden")


def test_a_parent_sees_their_appointments_and_not_other_families_bookings(
    parent, pupil, other_parent, other_pupil, organisation, teacher, event
):
    group = SlotFactory(organisation=organisation, host=teacher, event=event, capacity=2)
    free = SlotFactory(organisation=organisation, host=teacher, event=event)
    mine = book(signed_in(parent), group, pupil).json()
    book(signed_in(other_parent), group, other_pupil)
    day = timezone.localtime(group.starts_at).date()

    own = signed_in(parent).get(f"/calendar/day/{day}").json()
    schedule = signed_in(parent).get(f"/teachers/{teacher.pk}/schedule", week=day).json()

    assert slots_on(own) == {str(day): [group.pk]}
    assert [b["id"] for b in own["days"][0]["slots"][0]["bookings"]] == [mine["id"]]
    assert sorted(slots_on(schedule)[str(day)]) == sorted([group.pk, free.pk])
    for shown in schedule["days"]:
        for one in shown["slots"]:
            assert all(b["id"] == mine["id"] for b in one["bookings"])


def test_a_month_has_all_its_days_and_impossible_months_answer_422(teacher, slot):
    day = timezone.localtime(slot.starts_at).date()
    client = signed_in(teacher)

    month = client.get(f"/calendar/month/{day.year}/{day.month}").json()

    assert month["days"][0]["date"] == str(day.replace(day=1))
    assert slots_on(month) == {str(day): [slot.pk]}
    assert client.get(f"/calendar/month/{day.year}/13").status_code == 422
    assert client.get("/calendar/month/9999/12").status_code == 422
    assert client.get("/calendar/day/2026-02-30").status_code == 422


def test_a_calendar_reads_a_fixed_number_of_queries(admin, organisation, teacher, event, slot):
    day = timezone.localtime(slot.starts_at).date()
    client = signed_in(admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/calendar/week/{day}", teacher=teacher.pk)
        return len(captured)

    few = queries()
    for _n in range(20):
        SlotFactory(organisation=organisation, host=teacher, event=event, seats_taken=0)
    assert queries() == few
