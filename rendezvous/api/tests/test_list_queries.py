"""Every list of the API reads a fixed number of queries, whatever the page size: found from
the OpenAPI document, so a new list is measured without being named here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rendezvous.accounts.tests.factories import ParentFactory
from rendezvous.accounts.tokens import create_token
from rendezvous.api.api import api
from rendezvous.api.tests.api_client import signed_in
from rendezvous.bookings.models import Booking
from rendezvous.notifications.tests.factories import FailedEmailFactory
from rendezvous.scheduling.models import Subject
from rendezvous.scheduling.tests.factories import EventFactory, SlotFactory
from rendezvous.school.tests.factories import (
    DepartmentFactory,
    GuardianshipFactory,
    PupilFactory,
    SchoolClassFactory,
)

MAX_QUERIES = 10  # the session and user, the count, the page and its prefetches
BASE = "/api/v1"


def list_paths() -> list[str]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        answer = operations.get("get", {}).get("responses", {}).get(200, {})
        body = answer.get("content", {}).get("application/json", {}).get("schema", {})
        if body.get("type") == "array":
            found.append(path.removeprefix(BASE))
    return sorted(found)


@pytest.fixture
def busy_school(
    admin, organisation, school_class, department, teacher, other_teacher, event, parent
):
    """Enough of everything that a page of 1 and a page of 200 differ."""
    department.teachers.add(teacher, other_teacher)
    maths = Subject.objects.create(organisation=organisation, name="Mathematik")
    for n in range(8):
        Subject.objects.create(organisation=organisation, name=f"Fach {n}")
        other = DepartmentFactory(organisation=organisation, name=f"Fachbereich {n}")
        other.teachers.add(teacher)
        SchoolClassFactory(organisation=organisation, department=other, name=f"{n + 5}c")
        pupil = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=pupil, parent=parent)
        GuardianshipFactory(pupil=pupil, parent=ParentFactory(organisation=organisation))
        EventFactory(organisation=organisation).classes.add(school_class)
        create_token(user=admin, name=f"script {n}")
        slot = SlotFactory(
            organisation=organisation, host=teacher, event=event, subject=maths, seats_taken=1
        )
        Booking.objects.create(
            organisation=organisation,
            slot=slot,
            host=teacher,
            event=event,
            booker=parent,
            pupil=pupil,
        )
        FailedEmailFactory(organisation=organisation)
    return teacher


def test_every_list_is_found():
    assert {"/bookings", "/slots", "/teachers", "/pupils", "/users"} <= set(list_paths())


@pytest.mark.parametrize("path", list_paths())
def test_a_list_reads_no_more_queries_for_two_hundred_rows_than_for_one(path, admin, busy_school):
    client = signed_in(admin)
    path = path.replace("{teacher_id}", str(busy_school.pk))

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, limit=limit)
        assert response.status_code == 200, response.content
        return len(captured)

    one, many = queries(1), queries(200)

    # A page of one is counted; the page of all rows needs no count, so it may read one less.
    assert many <= one <= MAX_QUERIES
