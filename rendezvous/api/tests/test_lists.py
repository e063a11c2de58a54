"""What every list shares: a chosen order, ties broken by id, and the filters named."""

from rendezvous.accounts.models import Role
from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_bookings import book
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory


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
