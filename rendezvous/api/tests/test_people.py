"""Teachers, parents and staff accounts through the API."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rendezvous.accounts.models import Role, User
from rendezvous.accounts.tests.factories import ParentFactory, UserFactory
from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.notifications.models import OutgoingEmail
from rendezvous.organisations.tests.factories import OrganisationFactory
from rendezvous.scheduling.models import Subject
from rendezvous.scheduling.tests.factories import SlotFactory
from rendezvous.school.tests.factories import PupilFactory


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()]


def test_teachers_are_filtered_by_class_department_and_subject(
    admin, organisation, teacher, other_teacher, school_class, department
):
    school_class.subject_teachers.add(other_teacher)
    department.teachers.add(teacher)
    maths = Subject.objects.create(organisation=organisation, name="Mathematik")
    SlotFactory(organisation=organisation, host=other_teacher, subject=maths)
    UserFactory(organisation=organisation, role=Role.TEACHER)  # in none of them
    client = signed_in(admin)

    in_class = ids(client.get("/teachers", **{"class": school_class.pk}))
    assert sorted(in_class) == sorted([teacher.pk, other_teacher.pk])
    assert ids(client.get("/teachers", department=department.pk)) == [teacher.pk]
    assert ids(client.get("/teachers", subject=maths.pk)) == [other_teacher.pk]


def test_a_parent_sees_their_childrens_teachers_without_their_addresses(
    parent, pupil, teacher, other_teacher
):
    listed = signed_in(parent).get("/teachers")

    assert ids(listed) == [teacher.pk]
    assert listed.json()[0]["email"] is None
    assert error_of(signed_in(parent).get(f"/teachers/{other_teacher.pk}")) == (404, "not_found")


def test_a_parent_reads_their_own_account_with_their_children(parent, pupil):
    me = signed_in(parent).get("/parents/me").json()

    assert me["id"] == parent.pk and me["login_code"] == parent.login_code
    assert [(c["id"], c["class_name"]) for c in me["children"]] == [(pupil.pk, "7a")]


def test_the_office_adds_a_parent_with_children_in_the_schools_language(
    admin, organisation, pupil
):
    foreign_child = PupilFactory(organisation=OrganisationFactory(slug="elsewhere"))
    client = signed_in(admin)
    body = {"first_name": "Ольга", "last_name": "Иванова", "children": [pupil.pk]}

    made = client.post("/parents", body)

    assert made.status_code == 201, made.content
    parent = User.objects.get(pk=made.json()["id"])
    assert parent.role == Role.PARENT and parent.language == organisation.language
    assert list(parent.children.all()) == [pupil]
    assert error_of(client.post("/parents", {**body, "children": [foreign_child.pk]})) == (
        404,
        "not_found",
    )
    assert error_of(client.post("/parents", {**body, "email": "not-an-address"}))[0] == 422
    assert error_of(client.post("/parents", {**body, "language": "fr"}))[0] == 422
    assert User.objects.filter(role=Role.PARENT, last_name="Иванова").count() == 1


def test_the_office_adds_a_teacher_who_is_mailed_a_link(admin):
    body = {"first_name": "Jonas", "last_name": "Weber", "email": "j.weber@example.org"}

    made = signed_in(admin).post("/users", body)

    assert made.status_code == 201, made.content
    assert made.json()["role"] == "teacher"
    assert OutgoingEmail.objects.filter(to="j.weber@example.org").count() == 1
    assert error_of(signed_in(admin).post("/users", body)) == (409, "email_taken")


def test_nobody_demotes_themselves(admin):
    body = {
        "first_name": admin.first_name or "A",
        "last_name": admin.last_name or "B",
        "email": admin.email,
        "role": "teacher",
    }

    assert error_of(signed_in(admin).put(f"/users/{admin.pk}", body)) == (
        403,
        "self_change_refused",
    )
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN


def test_users_are_found_by_name_email_or_code(admin, organisation, parent):
    coded = ParentFactory(organisation=organisation, login_code="48151", last_name="Nowak")
    client = signed_in(admin)

    assert ids(client.get("/users", q="48151")) == [coded.pk]
    assert ids(client.get("/users", q="nowak")) == [coded.pk]
    assert ids(client.get("/users", q="parent@example", role="parent")) == [parent.pk]


def test_lists_of_people_read_a_fixed_number_of_queries(
    admin, organisation, school_class, department, parent, pupil
):
    client = signed_in(admin)

    def queries_for(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, limit=200).status_code == 200
        return len(queries)

    few = {path: queries_for(path) for path in ("/teachers", "/parents", "/users")}
    for _n in range(12):
        teacher = UserFactory(organisation=organisation, role=Role.TEACHER)
        department.teachers.add(teacher)
        extra = ParentFactory(organisation=organisation)
        PupilFactory(organisation=organisation, school_class=school_class).parents.add(extra)
    many = {path: queries_for(path) for path in few}

    assert many == few


def test_the_office_adds_and_changes_a_teacher_who_stays_a_teacher(admin, department):
    client = signed_in(admin)
    body = {"first_name": "Jonas", "last_name": "Weber", "email": "j.weber@example.org"}

    made = client.post("/teachers", body)
    teacher = User.objects.get(pk=made.json()["id"])
    changed = client.put(f"/teachers/{teacher.pk}", {**body, "is_active": False})

    assert made.status_code == 201 and teacher.role == Role.TEACHER
    assert changed.status_code == 200, changed.content
    teacher.refresh_from_db()
    assert (teacher.role, teacher.is_active) == (Role.TEACHER, False)
    assert client.delete(f"/teachers/{teacher.pk}").status_code == 204
