"""CSV exports of pupils and parents, from the office's lists and the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rendezvous.api.tests.api_client import signed_in
from rendezvous.api.tests.test_exports import table
from rendezvous.school.tests.factories import GuardianshipFactory, PupilFactory


@pytest.fixture
def family(organisation, school_class, parent, pupil):
    parent.first_name, parent.last_name, parent.login_code = "Ольга", "=Müller", "40417"
    parent.save()
    pupil.first_name, pupil.last_name = "Jürgen", "Müller"
    pupil.save()
    return parent, pupil


def test_the_office_exports_the_pupils_of_a_class_with_their_parents(
    client, admin, family, other_pupil, school_class
):
    admin.language = "de"
    admin.save(update_fields=["language"])
    client.force_login(admin)

    response = client.get(reverse("office:pupils-export"), {"q": "jürgen"})

    assert response.status_code == 200 and response.streaming
    rows = table(response)
    assert rows[0] == ["Nachname", "Vorname", "Klasse", "Eltern"]
    assert rows[1:] == [["Müller", "Jürgen", school_class.name, "Ольга =Müller"]]
    assert len(table(client.get(reverse("office:pupils-export")))) == 3  # both pupils


def test_the_office_exports_the_parents_it_finds_with_codes_and_children(
    client, admin, family, other_parent, school_class
):
    parent = family[0]
    client.force_login(admin)

    rows = table(client.get(reverse("office:parents-export"), {"q": "ольга"}))

    assert rows[0] == ["Last name", "First name", "Email", "Code", "Children"]
    assert rows[1:] == [
        ["'=Müller", "Ольга", parent.email, "40417", f"Jürgen Müller ({school_class.name})"]
    ]


def test_another_organisation_and_other_roles_get_no_export(
    client, outsider, teacher, parent, family
):
    for person in (outsider, teacher, parent):
        client.force_login(person)
        for name in ("office:pupils-export", "office:parents-export"):
            response = client.get(reverse(name))
            assert response.status_code in (403, 404) or not _rows_of(response), name
    client.force_login(outsider)
    assert len(table(client.get(reverse("office:pupils-export")))) == 1  # the header alone


def _rows_of(response) -> list:
    return table(response)[1:] if response.status_code == 200 else []


def test_the_api_exports_pupils_as_each_role_may_see_them(
    organisation, school_class, teacher, other_teacher, family, other_pupil, parent
):
    assert len(table(signed_in(teacher).get("/exports/pupils.csv"))) == 3  # their class
    assert len(table(signed_in(other_teacher).get("/exports/pupils.csv"))) == 1
    assert table(signed_in(parent).get("/exports/pupils.csv"))[1][1] == "Jürgen"
    assert len(table(signed_in(parent).get("/exports/pupils.csv"))) == 2


def test_the_api_exports_parents_for_admins_only(admin, teacher, family, other_parent):
    rows = table(signed_in(admin).get("/exports/parents.csv", q="40417"))
    assert len(rows) == 1  # a code is not searched, names and emails are
    rows = table(signed_in(admin).get("/exports/parents.csv"))
    assert {row[2] for row in rows[1:]} == {family[0].email, other_parent.email}
    refused = signed_in(teacher).get("/exports/parents.csv")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_the_exports_read_a_fixed_number_of_queries(
    client, admin, organisation, school_class, family
):
    client.force_login(admin)

    def queries_for(name) -> int:
        with CaptureQueriesContext(connection) as queries:
            table(client.get(reverse(name)))
        return len(queries)

    few = {name: queries_for(name) for name in ("office:pupils-export", "office:parents-export")}
    for _ in range(5):
        child = PupilFactory(organisation=organisation, school_class=school_class)
        GuardianshipFactory(pupil=child, parent=family[0])
    for name, count in few.items():
        assert queries_for(name) == count, name
