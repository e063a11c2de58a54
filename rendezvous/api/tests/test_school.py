"""Departments, classes, pupils and subjects through the API."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_slot_writes import error_of
from rendezvous.school.models import Pupil, SchoolClass
from rendezvous.school.tests.factories import PupilFactory


def test_the_office_sets_up_a_class_with_its_teachers(admin, department, teacher, other_teacher):
    body = {
        "name": "8b",
        "department": department.pk,
        "class_teachers": [teacher.pk],
        "subject_teachers": [other_teacher.pk],
    }
    client = signed_in(admin)

    made = client.post("/classes", body)
    again = client.post("/classes", {**body, "name": "8B"})

    assert made.status_code == 201, made.content
    school_class = SchoolClass.objects.get(pk=made.json()["id"])
    assert list(school_class.class_teachers.all()) == [teacher]
    assert made.json()["subject_teachers"] == [other_teacher.pk]
    assert error_of(again) == (409, "name_taken")


def test_a_parent_is_no_teacher_and_an_empty_department_only_goes(
    admin, department, school_class, parent
):
    client = signed_in(admin)
    body = {"name": "9a", "department": department.pk, "class_teachers": [parent.pk]}

    assert error_of(client.post("/classes", body)) == (404, "not_found")
    assert error_of(client.delete(f"/departments/{department.pk}")) == (
        409,
        "department_has_classes",
    )


def test_a_pupils_parents_are_replaced_by_those_sent(admin, pupil, parent, other_parent):
    body = {
        "first_name": "Mia",
        "last_name": "Roth",
        "class": pupil.school_class_id,
        "parents": [other_parent.pk],
    }

    response = signed_in(admin).put(f"/pupils/{pupil.pk}", body)

    assert response.status_code == 200, response.content
    assert response.json()["parents"] == [other_parent.pk]
    assert list(Pupil.objects.get(pk=pupil.pk).parents.all()) == [other_parent]


def test_pupils_are_filtered_by_class_and_words(admin, organisation, school_class, pupil):
    # Not a generated name, which could hold the word searched for ("Jeremias").
    Pupil.objects.filter(pk=pupil.pk).update(first_name="Jonas", last_name="Berg")
    other_class = SchoolClass.objects.create(
        organisation=organisation, department=school_class.department, name="5c"
    )
    mia = PupilFactory(organisation=organisation, school_class=other_class, first_name="Mia")
    client = signed_in(admin)

    by_class = client.get("/pupils", **{"class": other_class.pk}).json()
    by_word = client.get("/pupils", q="mia").json()

    assert [p["id"] for p in by_class] == [mia.pk]
    assert [p["id"] for p in by_word] == [mia.pk] and by_word[0]["class_name"] == "5c"


def test_lists_read_a_fixed_number_of_queries(admin, organisation, school_class, parent, pupil):
    client = signed_in(admin)

    def queries_for(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, limit=200).status_code == 200
        return len(queries)

    few = {path: queries_for(path) for path in ("/pupils", "/classes", "/departments")}
    for _n in range(15):
        pupil = PupilFactory(organisation=organisation, school_class=school_class)
        pupil.parents.add(parent)
        SchoolClass.objects.create(
            organisation=organisation, department=school_class.department, name=f"x{_n}"
        )
    many = {path: queries_for(path) for path in few}

    assert many == few


def test_subjects_are_named_once_and_their_slots_stay(admin, organisation, slot):
    from rendezvous.scheduling.models import Slot, Subject

    client = signed_in(admin)
    made = client.post("/subjects", {"name": "Chemie"})
    subject = Subject.objects.get(pk=made.json()["id"])
    Slot.objects.filter(pk=slot.pk).update(subject=subject)

    assert error_of(client.post("/subjects", {"name": "chemie"})) == (409, "name_taken")
    assert client.put(f"/subjects/{subject.pk}", {"name": "Biologie"}).json()["name"] == "Biologie"
    assert client.delete(f"/subjects/{subject.pk}").status_code == 204
    assert Slot.objects.get(pk=slot.pk).subject is None
