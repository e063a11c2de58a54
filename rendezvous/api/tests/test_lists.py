"""What every list shares: a chosen order, ties broken by id, and the filters named."""

from rendezvous.accounts.models import Role
from rendezvous.api.api import api
from rendezvous.api.tests.api_client import BASE, signed_in
from rendezvous.api.tests.test_bookings import book
from rendezvous.api.tests.test_list_queries import list_paths
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.notifications.tests.factories import FailedEmailFactory
from rendezvous.scheduling.models import Subject
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_a_list_is_sorted_by_the_chosen_column_either_way(admin, organisation, teacher, event):
    slots = [SlotFactory(organisation=organisation, host=teacher, event=event) for _n in range(3)]
    client = signed_in(admin)

    assert ids(client.get("/slots")) == [slot.pk for slot in slots]
    assert ids(client.get("/slots", sort="-starts_at")) == [slot.pk for slot in reversed(slots)]
    assert error_of(client.get("/slots", sort="password")) == (422, "validation_error")


def test_people_are_sorted_by_name_or_email(admin, organisation, teacher, other_teacher):
    teacher.last_name, other_teacher.last_name = "Zimmer", "Adler"
    teacher.save(), other_teacher.save()
    client = signed_in(admin)

    by_name = ids(client.get("/users", role=Role.TEACHER))
    backwards = ids(client.get("/users", role=Role.TEACHER, sort="-name"))

    assert by_name == [other_teacher.pk, teacher.pk] and backwards == by_name[::-1]


def test_bookings_are_filtered_by_class_and_by_family(
    admin, organisation, parent, pupil, other_parent, other_pupil, teacher, event, school_class
):
    def new_slot():
        return SlotFactory(organisation=organisation, host=teacher, event=event)

    own = book(signed_in(parent), new_slot(), pupil)
    theirs = book(signed_in(other_parent), new_slot(), other_pupil)
    # A second parent of the same child sees, and is filtered to, the same family's booking.
    GuardianshipFactory(pupil=pupil, parent=other_parent)
    elsewhere = PupilFactory(organisation=organisation)
    client = signed_in(admin)

    assert ids(client.get("/bookings", parent=parent.pk)) == [own.json()["id"]]
    assert sorted(ids(client.get("/bookings", parent=other_parent.pk))) == sorted(
        [own.json()["id"], theirs.json()["id"]]
    )
    assert len(ids(client.get("/bookings", **{"class": school_class.pk}))) == 2
    assert ids(client.get("/bookings", **{"class": elsewhere.school_class_id})) == []


def query_parameters(path: str) -> set[str]:
    operation = api.get_openapi_schema()["paths"][BASE + path]["get"]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_list_pages_and_sorts():
    # A report's table comes whole, in its own order.
    for path in (path for path in list_paths() if not path.startswith("/reports/")):
        assert {"limit", "offset", "sort"} <= query_parameters(path), path


def test_a_teachers_slots_take_the_teacher_from_the_path_alone():
    assert "teacher" not in query_parameters("/teachers/{teacher_id}/slots")
    assert "teacher" in query_parameters("/slots")


def test_departments_and_subjects_are_sorted_by_name_either_way(admin, organisation):
    for name in ("Sport", "Biologie", "Chemie"):
        DepartmentFactory(organisation=organisation, name=name)
        Subject.objects.create(organisation=organisation, name=name)
    client = signed_in(admin)

    for path in ("/departments", "/subjects"):
        names = [row["name"] for row in client.get(path).json()]
        backwards = [row["name"] for row in client.get(path, sort="-name").json()]
        assert names == ["Biologie", "Chemie", "Sport"] and backwards == names[::-1], path
        assert error_of(client.get(path, sort="teachers")) == (422, "validation_error")


def test_mails_are_sorted_by_the_chosen_column(admin, organisation):
    mails = [
        FailedEmailFactory(organisation=organisation, to=f"{name}@example.org")
        for name in ("berta", "anton", "carla")
    ]
    client = signed_in(admin)

    assert ids(client.get("/emails")) == [mail.pk for mail in reversed(mails)]  # latest first
    assert ids(client.get("/emails", sort="to")) == [mails[1].pk, mails[0].pk, mails[2].pk]
    assert ids(client.get("/emails", sort="-to")) == [mails[2].pk, mails[0].pk, mails[1].pk]
