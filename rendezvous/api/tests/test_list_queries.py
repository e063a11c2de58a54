"""Every list of the API reads a fixed number of queries, whatever the page size, for an admin,
a teacher and a parent: found from the OpenAPI document, so a new list is measured without
being named here."""

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
# Lists for admins only: the other roles get 403 (test_access_matrix).
ADMINS_ONLY = {"/emails", "/parents", "/reports/subject-load", "/reports/teacher-load", "/users"}


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
    """Enough of everything that a page of 1 and a page of 200 differ, for each role."""
    department.teachers.add(teacher, other_teacher)
    school_class.subject_teachers.add(other_teacher)
    maths = Subject.objects.create(organisation=organisation, name="Mathematik")
    for n in range(8):
        Subject.objects.create(organisation=organisation, name=f"Fach {n}")
        other = DepartmentFactory(organisation=organisation, name=f"Fachbereich {n}")
        other.teachers.add(teacher)
        taught = SchoolClassFactory(organisation=organisation, department=other, name=f"{n + 5}c")
        taught.subject_teachers.add(teacher)
        GuardianshipFactory(
            pupil=PupilFactory(organisation=organisation, school_class=taught), parent=parent
        )
        pupil = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=pupil, parent=parent)
        GuardianshipFactory(pupil=pupil, parent=ParentFactory(organisation=organisation))
        EventFactory(organisation=organisation).classes.add(school_class)
        for person in (admin, teacher, parent):
            create_token(user=person, name=f"script {n}")
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


def lists_for(role: str) -> list[tuple[str, str]]:
    return [(role, path) for path in list_paths() if role == "admin" or path not in ADMINS_ONLY]


@pytest.mark.parametrize(
    ("role", "path"), lists_for("admin") + lists_for("teacher") + lists_for("parent")
)
def test_a_list_reads_no_more_queries_for_two_hundred_rows_than_for_one(
    role, path, request, busy_school
):
    client = signed_in(request.getfixturevalue(role))
    path = path.replace("{teacher_id}", str(busy_school.pk))

    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, limit=limit)
        assert response.status_code == 200, response.content
        return len(captured)

    one, many = queries(1), queries(200)

    # A page of one is counted; the page of all rows needs no count, so it may read one less.
    assert many <= one <= MAX_QUERIES
