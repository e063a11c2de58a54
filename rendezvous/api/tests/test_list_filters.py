"""A filter by id names only what the caller may see: another organisation's id answers 404
as its own URL would, an own id that matches nothing an empty list. Every such filter is found
in the OpenAPI document, so a new one is tested without being named here."""

import pytest

from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.api.api import api
from rendezvous.api.lists import FINDERS
from rendezvous.api.tests.api_client import BASE, signed_in
from rendezvous.bookings.services import book_slot
from rendezvous.scheduling.models import Phase, Subject
from rendezvous.scheduling.tests.factories import EventFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)

PAGING = {"limit", "offset"}
# Path parameters of the operations that take an id filter.
IN_PATH = {"{teacher_id}": "teacher", "{day}": "2030-01-07", "{year}": "2030", "{month}": "1"}


def id_filters() -> list[tuple[str, str]]:
    """(path, parameter) for every id a GET operation filters by."""
    found = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            in_query = parameter["in"] == "query" and parameter["name"] not in PAGING
            if in_query and "integer" in str(parameter["schema"]):
                found.append((path.removeprefix(BASE), parameter["name"]))
    return found


def test_every_id_filter_has_its_access_function():
    named = {name for _path, name in id_filters()}
    assert {"event", "teacher", "class", "pupil", "parent", "department", "subject"} <= named
    assert named <= set(FINDERS)


def one_of_each(organisation, teacher, school_class, pupil, parent, event) -> dict:
    return {
        "event": event,
        "teacher": teacher,
        "subject": Subject.objects.create(organisation=organisation, name="Physik"),
        "class": school_class,
        "pupil": pupil,
        "parent": parent,
        "department": school_class.department,
    }


@pytest.fixture
def foreign(outsider):
    school = outsider.organisation
    school_class = SchoolClassFactory(
        organisation=school, department=DepartmentFactory(organisation=school)
    )
    return one_of_each(
        school,
        UserFactory(organisation=school),
        school_class,
        PupilFactory(organisation=school, school_class=school_class),
        ParentFactory(organisation=school),
        EventFactory(organisation=school),
    )


@pytest.fixture
def own(organisation, teacher, school_class, pupil, parent, event):
    return one_of_each(organisation, teacher, school_class, pupil, parent, event)


@pytest.mark.parametrize(("path", "name"), id_filters())
def test_another_organisations_id_answers_404_and_an_own_one_a_list(
    path, name, admin, own, foreign
):
    for placeholder, value in IN_PATH.items():
        path = path.replace(placeholder, str(own[value].pk) if value in own else value)
    client = signed_in(admin)

    theirs = client.get(path, **{name: foreign[name].pk})
    mine = client.get(path, **{name: own[name].pk})

    assert theirs.status_code == 404
    assert theirs.json() == {
        "code": "not_found",
        "message": "There is nothing here, or you may not see it.",
        "details": {},
    }
    assert mine.status_code == 200, mine.content


def test_a_parent_filters_only_by_what_they_see(
    parent, pupil, other_pupil, other_parent, teacher, slot
):
    """Another family's child or parent answers 404 as it would to an outsider; their own
    family (the other parent of their child too) is a list."""
    co_parent = ParentFactory(organisation=parent.organisation)
    GuardianshipFactory(pupil=pupil, parent=co_parent)
    client = signed_in(parent)

    assert client.get("/bookings", pupil=other_pupil.pk).status_code == 404
    assert client.get("/bookings", parent=other_parent.pk).status_code == 404
    assert client.get("/bookings", pupil=pupil.pk).json() == []
    assert client.get("/bookings", parent=parent.pk).json() == []
    assert client.get("/bookings", parent=co_parent.pk).json() == []
    assert client.get("/slots", teacher=teacher.pk).status_code == 200


def test_a_parent_filters_their_bookings_by_an_evening_that_has_closed(parent, pupil, slot):
    """A parent sees the evenings their appointments name once they are published, as they
    see those evenings' times: closed ones too, drafts not."""
    book_slot(booker=parent, slot=slot, pupil=pupil)
    client = signed_in(parent)
    event = slot.event

    event.phase = Phase.CLOSED
    event.save()
    closed = client.get("/bookings", event=event.pk)
    event.phase = Phase.DRAFT
    event.save()
    draft = client.get("/bookings", event=event.pk)

    assert closed.status_code == 200
    assert [booking["slot"]["id"] for booking in closed.json()] == [slot.pk]
    assert draft.status_code == 404
